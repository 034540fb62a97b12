// The backup catalog and the hash-chained receipts log of RocksStore.
#include <sodium.h>

#include "tombstones/coding.h"
#include "tombstones/store_impl.h"

namespace tombstones {
namespace {

const std::string kReceiptsHeadKey = std::string(coding::kMetaPrefix) + "receipts_head";
const std::string kNoMac(64, '0');

// Receipts appended since heads are authenticated are MACed as version 2, those before as
// version 1. The version is inside the MAC: without the key, nobody can make a version 2
// receipt pass as version 1. That is what makes an unauthenticated head suspicious once any
// version 2 receipt exists (someone wrote an old-style head to cut the log back).
constexpr int kReceiptMacVersion = 2;
constexpr int kLegacyReceiptMacVersion = 1;

std::string KeyedHex(const Key& key, const std::string& input) {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), key.ReceiptKey().data(), key.ReceiptKey().size());
  std::string hex(65, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out.data(), out.size());
  hex.pop_back();
  return hex;
}

std::string Mac(const Key& key, const ReceiptEntry& entry, int version) {
  return KeyedHex(key, coding::ReceiptMacInput(entry, version));
}

// The head records the last entry's sequence number and MAC, so that removing the newest
// entries is detected too, and its own MAC, so that nobody without the key can write one. (A
// head saved earlier can still be put back with the entries after it removed: only an anchor
// kept outside the store detects that, docs/compliance.md.)
std::string EncodeHead(const Key& key, std::uint64_t seq, const std::string& last_mac) {
  coding::ReceiptsHead head{seq, last_mac, KeyedHex(key, coding::HeadMacInput(seq, last_mac))};
  return coding::EncodeReceiptsHead(head);
}

bool HeadMacMatches(const Key& key, const coding::ReceiptsHead& head) {
  const std::string expected = KeyedHex(key, coding::HeadMacInput(head.seq, head.last_mac));
  return head.mac && head.mac->size() == expected.size() &&
         sodium_memcmp(head.mac->data(), expected.data(), expected.size()) == 0;
}

}  // namespace

Status RocksStore::PutBackups(const std::vector<BackupRecord>& backups) {
  return ImportBackups(backups, {});  // store_records.cpp
}

Result<std::vector<BackupRecord>> RocksStore::Backups() {
  std::vector<BackupRecord> backups;
  Status s = ScanPrefix(coding::kBackupPrefix, [&](std::string_view key, std::string_view value) {
    BackupRecord b;
    if (!coding::DecodeBackup(key, value, &b))
      return Status::StoreError("unable to read backup '" + std::string(key) + "' in store '" +
                                dir_ + "': corrupt record");
    backups.push_back(std::move(b));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return backups;
}

Result<ReceiptEntry> RocksStore::AppendReceipt(const std::string& body) {
  if (key_ == nullptr)
    return Status::Usage("unable to append receipt to store '" + dir_ + "': no key",
                         "pass --key-file: receipts are sealed with the store's key");
  auto raw = GetRaw(kReceiptsHeadKey);
  if (!raw.ok()) return raw.status();
  coding::ReceiptsHead head{0, kNoMac, std::nullopt};
  if (raw.value() && !coding::DecodeReceiptsHead(*raw.value(), &head))
    return Status::StoreError("unable to append receipt to store '" + dir_ +
                              "': the receipts head is corrupt");
  // An older store's unauthenticated head is upgraded by this append; an authenticated one
  // must be intact, or the new receipt would seal a forged end.
  if (head.mac && !HeadMacMatches(*key_, head))
    return Status::StoreError("unable to append receipt to store '" + dir_ +
                                  "': the receipts head was changed without the key",
                              "run 'tombstone receipts verify'; restore the store from an export");
  ReceiptEntry entry;
  entry.seq = head.seq + 1;
  entry.prev_mac = head.last_mac;
  entry.recorded_at = Now();
  entry.body = body;
  entry.mac = Mac(*key_, entry, kReceiptMacVersion);
  rocksdb::WriteBatch write;
  write.Put(coding::ReceiptKey(entry.seq), coding::EncodeReceipt(entry));
  write.Put(kReceiptsHeadKey, EncodeHead(*key_, entry.seq, entry.mac));
  if (Status s = WriteSynced(&write); !s.ok()) return s;
  return entry;
}

Status RocksStore::ForEachReceipt(const std::function<bool(const ReceiptEntry&)>& visit) {
  bool stopped = false;
  return ScanPrefix(
      coding::kReceiptPrefix,
      [&](std::string_view key, std::string_view value) {
        std::uint64_t seq = 0;
        for (unsigned char c : key) seq = (seq << 8) | c;
        ReceiptEntry entry;
        if (key.size() != 8 || !coding::DecodeReceipt(seq, value, &entry))
          return Status::StoreError("unable to read receipt " + std::to_string(seq) +
                                    " in store '" + dir_ + "': corrupt record");
        if (!visit(entry)) stopped = true;
        return Status::Ok();
      },
      &stopped);
}

Status RocksStore::VerifyReceipts() { return CheckReceipts(std::nullopt).status(); }

Result<ReceiptsCheck> RocksStore::CheckReceipts(const std::optional<ReceiptsAnchor>& expect) {
  if (key_ == nullptr)
    return Status::Usage("unable to verify receipts in store '" + dir_ + "': no key",
                         "pass --key-file: receipts are sealed with the store's key");
  std::uint64_t expected_seq = 1;
  std::string prev_mac = kNoMac;
  std::uint64_t first_sealed = 0;  // the first receipt of MAC version 2, 0 when none
  std::optional<std::string> anchored_mac;
  Status broken;
  Status s = ForEachReceipt([&](const ReceiptEntry& e) {
    const std::string where = "unable to verify receipt " + std::to_string(e.seq) +
                              " in store '" + dir_ + "': ";
    if (e.seq != expected_seq) {
      broken = Status::StoreError(where + "receipt " + std::to_string(expected_seq) +
                                  " is missing");
    } else if (e.prev_mac != prev_mac) {
      broken = Status::StoreError(where + "it does not link to the receipt before it");
    } else if (Mac(*key_, e, kReceiptMacVersion) == e.mac) {
      if (first_sealed == 0) first_sealed = e.seq;
    } else if (first_sealed != 0 || Mac(*key_, e, kLegacyReceiptMacVersion) != e.mac) {
      // An older receipt after a newer one cannot be: it was forged or changed.
      broken = Status::StoreError(where + "its content was changed after it was written");
    }
    if (expect && e.seq == expect->count) anchored_mac = e.mac;
    prev_mac = e.mac;
    ++expected_seq;
    return broken.ok();
  });
  if (!s.ok()) return s;
  if (!broken.ok()) return broken;
  const std::uint64_t last = expected_seq - 1;
  const std::string prefix = "unable to verify receipts in store '" + dir_ + "': ";

  auto raw = GetRaw(kReceiptsHeadKey);
  if (!raw.ok()) return raw.status();
  coding::ReceiptsHead head{0, kNoMac, std::nullopt};
  if (raw.value() && !coding::DecodeReceiptsHead(*raw.value(), &head))
    return Status::StoreError(prefix + "the receipts head is corrupt");
  if (head.mac && !HeadMacMatches(*key_, head))
    return Status::StoreError(prefix + "the receipts head was changed without the key (its MAC "
                                       "does not match)");
  if (!head.mac && first_sealed != 0)
    return Status::StoreError(prefix + "the receipts head carries no MAC, yet receipt " +
                              std::to_string(first_sealed) +
                              " was written by a version that seals the head: the head was "
                              "replaced");
  if (head.seq != last || head.last_mac != prev_mac)
    return Status::StoreError(prefix + "the log ends at receipt " + std::to_string(last) +
                              " but the head records receipt " + std::to_string(head.seq) +
                              " (entries were removed)");

  if (expect) {
    const std::string anchor = std::to_string(expect->count) + ":" + expect->digest.substr(0, 16);
    if (expect->count > last)
      return Status::StoreError(prefix + "the log ends at receipt " + std::to_string(last) +
                                    " but the anchor " + anchor + "... expects receipt " +
                                    std::to_string(expect->count) + " (receipts were removed)",
                                "restore the store from an export taken after the anchor");
    const std::string found = expect->count == 0 ? kNoMac : anchored_mac.value_or("");
    if (found != expect->digest)
      return Status::StoreError(prefix + "receipt " + std::to_string(expect->count) +
                                    " is not the one the anchor " + anchor +
                                    "... names (the log was rewritten)",
                                "restore the store from an export taken after the anchor");
  }
  ReceiptsCheck check;
  check.head = {last, prev_mac};
  check.head_authenticated = head.mac.has_value();
  return check;
}

}  // namespace tombstones

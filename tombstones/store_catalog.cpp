// The backup catalog and the hash-chained receipts log of RocksStore.
#include <sodium.h>

#include "tombstones/coding.h"
#include "tombstones/store_impl.h"

namespace tombstones {
namespace {

const std::string kReceiptsHeadKey = std::string(coding::kMetaPrefix) + "receipts_head";
const std::string kNoMac(64, '0');

std::string Mac(const Key& key, const ReceiptEntry& entry) {
  const std::string input = coding::ReceiptMacInput(entry);
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), key.ReceiptKey().data(), key.ReceiptKey().size());
  std::string hex(65, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out.data(), out.size());
  hex.pop_back();
  return hex;
}

// The head records the last entry's sequence number and MAC, so that removing the newest
// entries is detected too.
std::string EncodeHead(std::uint64_t seq, const std::string& mac) {
  coding::Writer w;
  w.Varint(seq);
  w.String(mac);
  return std::move(w.out());
}

bool DecodeHead(std::string_view value, std::uint64_t* seq, std::string* mac) {
  coding::Reader r(value);
  return r.Varint(seq) && r.String(mac) && r.Done();
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
  auto head = GetRaw(kReceiptsHeadKey);
  if (!head.ok()) return head.status();
  ReceiptEntry entry;
  std::uint64_t last = 0;
  entry.prev_mac = kNoMac;
  if (head.value() && !DecodeHead(*head.value(), &last, &entry.prev_mac))
    return Status::StoreError("unable to append receipt to store '" + dir_ +
                              "': the receipts head is corrupt");
  entry.seq = last + 1;
  entry.recorded_at = Now();
  entry.body = body;
  entry.mac = Mac(*key_, entry);
  rocksdb::WriteBatch write;
  write.Put(coding::ReceiptKey(entry.seq), coding::EncodeReceipt(entry));
  write.Put(kReceiptsHeadKey, EncodeHead(entry.seq, entry.mac));
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

Status RocksStore::VerifyReceipts() {
  if (key_ == nullptr)
    return Status::Usage("unable to verify receipts in store '" + dir_ + "': no key",
                         "pass --key-file: receipts are sealed with the store's key");
  std::uint64_t expected_seq = 1;
  std::string prev_mac = kNoMac;
  Status broken;
  Status s = ForEachReceipt([&](const ReceiptEntry& e) {
    const std::string where = "unable to verify receipt " + std::to_string(e.seq) +
                              " in store '" + dir_ + "': ";
    if (e.seq != expected_seq) {
      broken = Status::StoreError(where + "receipt " + std::to_string(expected_seq) +
                                  " is missing");
    } else if (e.prev_mac != prev_mac) {
      broken = Status::StoreError(where + "it does not link to the receipt before it");
    } else if (Mac(*key_, e) != e.mac) {
      broken = Status::StoreError(where + "its content was changed after it was written");
    }
    prev_mac = e.mac;
    ++expected_seq;
    return broken.ok();
  });
  if (!s.ok()) return s;
  if (!broken.ok()) return broken;
  auto head = GetRaw(kReceiptsHeadKey);
  if (!head.ok()) return head.status();
  std::uint64_t head_seq = 0;
  std::string head_mac = kNoMac;
  if (head.value() && !DecodeHead(*head.value(), &head_seq, &head_mac))
    return Status::StoreError("unable to verify receipts in store '" + dir_ +
                              "': the receipts head is corrupt");
  if (head_seq != expected_seq - 1 || head_mac != prev_mac)
    return Status::StoreError("unable to verify receipts in store '" + dir_ +
                              "': the log ends at receipt " + std::to_string(expected_seq - 1) +
                              " but the head records receipt " + std::to_string(head_seq) +
                              " (entries were removed)");
  return Status::Ok();
}

}  // namespace tombstones

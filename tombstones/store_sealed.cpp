// Sealed identifiers: the opt-in mode in which the store also keeps each erased identifier
// encrypted under the sealing key (docs/store-format.md, "Sealed identifiers"). Part of
// RocksStore (store_impl.h).
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>

#include "tombstones/coding.h"
#include "tombstones/store_impl.h"

namespace tombstones {
namespace {

const std::string kSealingKey = std::string(coding::kMetaPrefix) + "sealing";
const std::string kSealedCountKey = std::string(coding::kMetaPrefix) + "sealed";

// The range of every sealed record: "e/" up to "e0" ('0' follows '/').
const std::string kSealedBegin(coding::kSealedPrefix);
const std::string kSealedEnd = "e0";

const char* kRestoreHint =
    "the store is damaged or was changed behind tombstone's back: run 'tombstone store check' "
    "and restore the store from a copy made with 'tombstone store export'";

// Zeroes a string that held an identifier once it goes out of scope.
struct Scrubbed {
  std::string text;
  ~Scrubbed() {
    if (!text.empty()) sodium_memzero(text.data(), text.size());
  }
};

// A tombstone's identifier as the sealed records name it: (kind, hash, request id).
struct Ref {
  Hash128 hash;
  std::uint32_t kind = 0;
  std::uint64_t request = 0;  // std::hash of the request id: enough to pair records with it
  auto operator<=>(const Ref& o) const {
    if (auto c = kind <=> o.kind; c != 0) return c;
    if (auto c = hash <=> o.hash; c != 0) return c;
    return request <=> o.request;
  }
  bool operator==(const Ref&) const = default;
};

std::uint64_t RequestHash(std::string_view request_id) {
  return std::hash<std::string_view>{}(request_id);
}

}  // namespace

std::string RocksStore::EncodeSealingMode(const SealingKey& sealing_key) {
  coding::Writer w;
  w.Byte(coding::kValueVersion);
  w.String(sealing_key.Fingerprint());
  return std::move(w.out());
}

Result<std::optional<std::string>> RocksStore::SealingFingerprint() {
  auto raw = GetRaw(kSealingKey);
  if (!raw.ok()) return raw.status();
  if (!raw.value()) return std::optional<std::string>();
  coding::Reader r(*raw.value());
  unsigned char version = 0;
  std::string fingerprint;
  if (!r.Byte(&version) || version != coding::kValueVersion || !r.String(&fingerprint) ||
      !r.Done() || fingerprint.size() != 64)
    return Status::StoreError("unable to read store '" + dir_ + "': the sealed-mode record is corrupt",
                              kRestoreHint);
  return std::optional<std::string>(std::move(fingerprint));
}

Result<std::uint64_t> RocksStore::RecordedSealedCount() {
  auto raw = GetRaw(kSealedCountKey);
  if (!raw.ok()) return raw.status();
  if (!raw.value()) return std::uint64_t{0};
  std::uint64_t n = 0;
  coding::Reader r(*raw.value());
  if (!r.Varint(&n) || !r.Done())
    return Status::StoreError("unable to read store '" + dir_ + "': the sealed count is corrupt",
                              kRestoreHint);
  return n;
}

void RocksStore::PutSealedCount(rocksdb::WriteBatch* batch, std::uint64_t n) {
  coding::Writer w;
  w.Varint(n);
  batch->Put(kSealedCountKey, w.out());
}

Status RocksStore::SealedRecords(const Tombstone& t, bool check_stored, Records* records) {
  const std::string what = "unable to add tombstone '" + t.request_id + "': ";
  Scrubbed value;
  for (const IdentifierHash& id : t.identifiers) {
    if (id.sealed.empty())
      return Status::Usage(what + "the store keeps sealed identifiers and its " + id.kind +
                               " identifier was not sealed",
                           "pass --sealing-key-file FILE (or set TOMBSTONE_SEALING_KEY_FILE); "
                           "nothing was recorded");
    // What is stored must open for the replay that needs it: checked now, not on restore day.
    if (!sealing_key_->Open(id.kind, id.hash, id.sealed, &value.text))
      return Status::Usage(what + "its sealed " + id.kind +
                           " identifier does not open with the store's sealing key");
    if (key_ != nullptr && key_->HashIdentifier(id.kind, value.text) != id.hash)
      return Status::Usage(what + "its sealed " + id.kind +
                           " identifier is not the value its hash was made from");
    const std::string key = coding::SealedKey(id.kind, id.hash, t.request_id);
    if (check_stored) {
      auto stored = GetRaw(key);
      if (!stored.ok()) return stored.status();
      if (stored.value()) continue;
    }
    records->emplace_back(key, coding::EncodeSealed(id.sealed));
  }
  return Status::Ok();
}

Status RocksStore::DeleteSealed(rocksdb::WriteBatch* batch, const Tombstone& t,
                                std::uint64_t* deleted) {
  for (const IdentifierHash& id : t.identifiers) {
    const std::string key = coding::SealedKey(id.kind, id.hash, t.request_id);
    auto stored = GetRaw(key);
    if (!stored.ok()) return stored.status();
    if (!stored.value()) continue;
    batch->Delete(key);
    ++*deleted;
  }
  return Status::Ok();
}

Status RocksStore::EnableSealing(const SealingKey& sealing_key) {
  auto current = SealingFingerprint();
  if (!current.ok()) return current.status();
  if (current.value())
    return Status::Usage(
        "unable to turn sealed mode on in store '" + dir_ + "': it is already on",
        *current.value() == sealing_key.Fingerprint()
            ? "nothing to do"
            : "the store is sealed with another sealing key; to change it, turn sealed mode off "
              "('tombstone seal disable') and on again, then add the tombstones again");
  std::uint64_t stale = 0;  // none: turning sealed mode off deletes them all
  Status counted = ScanPrefix(coding::kSealedPrefix, [&](std::string_view, std::string_view) {
    ++stale;
    return Status::Ok();
  });
  if (!counted.ok()) return counted;
  if (stale > 0)
    return Status::StoreError("unable to turn sealed mode on in store '" + dir_ + "': it holds " +
                                  std::to_string(stale) + " sealed identifiers but sealed mode is off",
                              kRestoreHint);
  rocksdb::WriteBatch write;
  write.Put(kSealingKey, EncodeSealingMode(sealing_key));
  PutSealedCount(&write, 0);
  return WriteSynced(&write);
}

Result<std::uint64_t> RocksStore::DisableSealing() {
  auto current = SealingFingerprint();
  if (!current.ok()) return current.status();
  std::uint64_t records = 0;
  Status counted = ScanPrefix(coding::kSealedPrefix, [&](std::string_view, std::string_view) {
    ++records;
    return Status::Ok();
  });
  if (!counted.ok()) return counted;
  if (!current.value() && records == 0) return std::uint64_t{0};
  // One range deletion: constant memory for a million records, atomic with the mode.
  rocksdb::WriteBatch write;
  if (Status s = Check(write.DeleteRange(kSealedBegin, kSealedEnd), "delete sealed records of");
      !s.ok())
    return s;
  write.Delete(kSealingKey);
  write.Delete(kSealedCountKey);
  if (Status s = WriteSynced(&write); !s.ok()) return s;
  // The records are deleted, but their bytes stay in table files and the log until RocksDB
  // rewrites them: compact every level (the memtable is flushed first, and the log it came from
  // is then deleted), so that no file of the directory keeps a ciphertext.
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  compact.exclusive_manual_compaction = true;
  if (Status s = Check(db_->CompactRange(compact, nullptr, nullptr), "compact"); !s.ok())
    return s;
  return records;
}

Status RocksStore::ReadSealed(const SealingKey* open_with, SealedIdentifiers* out,
                              std::uint64_t* records) {
  auto kinds = Kinds();  // in name order, as the sealed keys are
  if (!kinds.ok()) return kinds.status();
  for (const auto& [name, normalizer] : kinds.value())
    out->kinds_.push_back({name, normalizer, 0, 0});
  const auto kind_index = [&](std::string_view name) -> std::optional<std::uint32_t> {
    const auto it = std::lower_bound(
        out->kinds_.begin(), out->kinds_.end(), name,
        [](const SealedIdentifiers::Kind& k, std::string_view n) { return k.name < n; });
    if (it == out->kinds_.end() || it->name != name) return std::nullopt;
    return static_cast<std::uint32_t>(it - out->kinds_.begin());
  };

  // Every (kind, hash, request) the tombstones hold, sorted: what a sealed record may belong to.
  std::vector<Ref> refs;
  std::optional<std::string> unknown_kind;
  Status s = ForEach([&](const Tombstone& t) {
    for (const IdentifierHash& id : t.identifiers) {
      const auto k = kind_index(id.kind);
      if (!k) {
        unknown_kind = id.kind;
        return false;
      }
      refs.push_back({id.hash, *k, RequestHash(t.request_id)});
    }
    return true;
  });
  if (!s.ok()) return s;
  if (unknown_kind)
    return Status::StoreError("unable to read store '" + dir_ + "': a tombstone has an identifier of kind '" +
                                  *unknown_kind + "', which the store does not record",
                              kRestoreHint);
  std::sort(refs.begin(), refs.end());
  for (std::size_t i = 0; i < refs.size(); ++i)
    if (i == 0 || refs[i].kind != refs[i - 1].kind || refs[i].hash != refs[i - 1].hash)
      ++out->kinds_[refs[i].kind].hashes;

  auto recorded = RecordedSealedCount();
  if (!recorded.ok()) return recorded.status();
  // One entry at most per record and per identifier of the tombstones: reserved once, not
  // doubled (and a damaged count cannot make it reserve more than the tombstones hold).
  out->entries_.reserve(std::min<std::uint64_t>(recorded.value(), refs.size()));
  *records = 0;
  Scrubbed value;
  s = ScanPrefix(coding::kSealedPrefix, [&](std::string_view key, std::string_view raw) {
    std::string_view kind, request, sealed;
    Hash128 hash;
    if (!coding::SplitSealedKey(key, &kind, &hash, &request) || !coding::DecodeSealed(raw, &sealed))
      return Status::StoreError("unable to read store '" + dir_ + "': a sealed record is corrupt",
                                kRestoreHint);
    const std::string where = "the sealed " + std::string(kind) + " identifier " +
                              hash.Prefix() + " of tombstone '" + std::string(request) + "'";
    const auto k = kind_index(kind);
    if (!k || !std::binary_search(refs.begin(), refs.end(), Ref{hash, *k, RequestHash(request)}))
      return Status::StoreError("unable to read store '" + dir_ + "': " + where +
                                    " belongs to no tombstone",
                                kRestoreHint);
    ++*records;
    if (open_with != nullptr && !open_with->Open(kind, hash, sealed, &value.text))
      return Status::StoreError("unable to open " + where + " in store '" + dir_ +
                                    "': it was changed or damaged (authentication failed)",
                                kRestoreHint);
    const bool first = out->entries_.empty() || out->entries_.back().kind != *k ||
                       out->entries_.back().hash != hash;
    if (!first) {  // the same subject erased twice: one entry, the same value
      if (open_with != nullptr && out->Value(out->entries_.back()) != value.text)
        return Status::StoreError("unable to read store '" + dir_ + "': " + where +
                                      " differs from another record of the same hash",
                                  kRestoreHint);
      return Status::Ok();
    }
    if (out->values_.size() + value.text.size() > std::numeric_limits<std::uint32_t>::max())
      return Status::Failed("unable to open the sealed identifiers of store '" + dir_ +
                            "': more than 4 GiB of identifiers");
    out->entries_.push_back({hash, *k, static_cast<std::uint32_t>(out->values_.size()),
                             static_cast<std::uint32_t>(value.text.size())});
    out->values_.append(value.text);
    ++out->kinds_[*k].sealed;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (recorded.value() != *records)
    return Status::StoreError("unable to read store '" + dir_ + "': it holds " +
                                  std::to_string(*records) + " sealed identifiers but recorded " +
                                  std::to_string(recorded.value()),
                              kRestoreHint);
  return Status::Ok();
}

Result<SealedIdentifiers> RocksStore::OpenSealed(const SealingKey& sealing_key) {
  auto current = SealingFingerprint();
  if (!current.ok()) return current.status();
  if (!current.value())
    return Status::Usage("unable to open the sealed identifiers of store '" + dir_ +
                         "': sealed mode is off");
  if (*current.value() != sealing_key.Fingerprint())
    return Status::StoreError("unable to open the sealed identifiers of store '" + dir_ +
                                  "': the sealing key does not match the store's",
                              "pass the store's own sealing key file with --sealing-key-file");
  SealedIdentifiers sealed;
  std::uint64_t records = 0;
  if (Status s = ReadSealed(&sealing_key, &sealed, &records); !s.ok()) return s;
  return sealed;
}

Result<SealedIdentifiers> RocksStore::SealedCoverage() {
  SealedIdentifiers sealed;
  std::uint64_t records = 0;
  if (Status s = ReadSealed(nullptr, &sealed, &records); !s.ok()) return s;
  return sealed;
}

}  // namespace tombstones

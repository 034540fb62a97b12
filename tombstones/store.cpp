// The RocksDB-backed Store: opening, locking, format and key checks, tombstones and kinds.
// Backups and receipts live in store_catalog.cpp; both share RocksStore (store_impl.h).
#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "tombstones/coding.h"
#include "tombstones/store_impl.h"

namespace tombstones {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kFormatVersion = "1";

Status StoreError(const std::string& verb, const std::string& dir, const rocksdb::Status& s) {
  std::string hint;
  if (s.IsCorruption())
    hint = "restore the store from a copy made with 'tombstone store export'";
  return Status::StoreError("unable to " + verb + " store '" + dir + "': " + s.ToString(), hint);
}

bool IsLockError(const rocksdb::Status& s) {
  return s.IsIOError() && (s.ToString().find("lock") != std::string::npos ||
                           s.ToString().find("Resource temporarily unavailable") !=
                               std::string::npos);
}

// A reader's open is retried while a writer changes the store under it (a flush or compaction
// can remove a file the reader was about to open), for up to kReadOpenPatience; an open that fails
// while the store stays as it is fails after kReadOpenStableFailures tries: that is damage.
constexpr auto kReadOpenPatience = std::chrono::seconds(20);
constexpr int kReadOpenStableFailures = 3;

const std::string kCountKey = std::string(coding::kMetaPrefix) + "tombstones";

rocksdb::Options BaseOptions() {
  rocksdb::Options options;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.keep_log_file_num = 3;
  options.max_log_file_size = 1 << 20;
  // Never proceed on a partial view: every table file the MANIFEST names must be there, intact;
  // a log damaged anywhere but in its last, unacknowledged record fails the open (the default
  // point-in-time mode would silently drop every acknowledged write after the damage); closed
  // logs are recorded in the MANIFEST with their sizes, so a missing one fails the open too.
  options.paranoid_checks = true;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  options.track_and_verify_wals_in_manifest = true;
  options.max_open_files = -1;  // every table file is opened (footer and index read) at open
  return options;
}

// Which MANIFEST is current and how long it is: any change to the store's file set changes it.
std::string ManifestMark(const std::string& dir) {
  std::ifstream current(fs::path(dir) / "CURRENT");
  std::string name;
  std::getline(current, name);
  std::error_code ec;
  const auto size = fs::file_size(fs::path(dir) / name, ec);
  return name + "/" + (ec ? std::string("?") : std::to_string(size));
}

std::string EncodeCount(std::uint64_t n) {
  coding::Writer w;
  w.Varint(n);
  return std::move(w.out());
}

Status ValidateTombstone(const Tombstone& t) {
  if (t.request_id.empty() || t.request_id.size() > 200)
    return Status::Usage("unable to add tombstone: a request id is 1 to 200 characters");
  for (unsigned char c : t.request_id)
    if (c < 0x20 || c == 0x7f)
      return Status::Usage("unable to add tombstone '" + t.request_id +
                           "': the request id holds a control character");
  if (t.identifiers.empty())
    return Status::Usage("unable to add tombstone '" + t.request_id +
                         "': it needs at least one identifier");
  for (const IdentifierHash& id : t.identifiers)
    if (!IsValidKindName(id.kind))
      return Status::Usage("unable to add tombstone '" + t.request_id + "': kind '" + id.kind +
                           "' is not 1 to 64 of a-z, 0-9, '_' and '-'");
  return Status::Ok();
}

std::vector<IdentifierHash> SortedUnique(std::vector<IdentifierHash> ids) {
  std::sort(ids.begin(), ids.end(), [](const IdentifierHash& a, const IdentifierHash& b) {
    return std::tie(a.kind, a.hash) < std::tie(b.kind, b.hash);
  });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

RocksStore::~RocksStore() {
  // What a writer added sits in the live log and the memtable until a flush. Written out to a
  // table file when the writer closes, so that (1) readers do not replay the log into memory of
  // their own on every open (after an import of a million tombstones, ~260 MB and ~1 s more per
  // replay), and (2) every acknowledged tombstone is in a file the MANIFEST names and checks: the
  // live log is the one file whose loss RocksDB cannot see. The data is durable in the log either
  // way, so a failed flush loses nothing.
  std::uint64_t memtable_entries = 0;
  if (mode_ == Mode::kWrite && db_ &&
      db_->GetIntProperty(rocksdb::DB::Properties::kNumEntriesActiveMemTable, &memtable_entries) &&
      memtable_entries > 0)
    db_->Flush(rocksdb::FlushOptions());
  db_.reset();
}

Status RocksStore::Check(const rocksdb::Status& s, const std::string& verb) const {
  if (s.ok()) return Status::Ok();
  return StoreError(verb, dir_, s);
}

Status RocksStore::WriteSynced(rocksdb::WriteBatch* batch) {
  if (mode_ != Mode::kWrite)
    return Status::StoreError("unable to write store '" + dir_ + "': opened for reading only");
  rocksdb::WriteOptions options;
  options.sync = true;  // an acknowledged write survives a power cut
  return Check(db_->Write(options, batch), "write");
}

Result<std::optional<std::string>> RocksStore::GetRaw(const std::string& key) {
  std::string value;
  if (mode_ == Mode::kRead) {
    // A read-only instance opened while a writer flushes can hold, in its memtable, a log the
    // writer has already written to a table file; Get() then returns that older value (seen: a
    // stale tombstone count). An iterator merges by sequence number and gives the newest.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    it->Seek(key);
    if (!it->status().ok()) return StoreError("read", dir_, it->status());
    if (!it->Valid() || it->key() != rocksdb::Slice(key)) return std::optional<std::string>();
    return std::optional<std::string>(it->value().ToString());
  }
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return StoreError("read", dir_, s);
  return std::optional<std::string>(std::move(value));
}

Result<std::unique_ptr<Store>> Store::Create(const std::string& dir, const Key& key,
                                             const SealingKey* sealing_key) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    return Status::StoreError("unable to create store '" + dir + "': the directory is not empty",
                              "choose a new directory; an existing store is never overwritten");
  fs::create_directories(dir, ec);
  if (ec)
    return Status::StoreError("unable to create store '" + dir + "': " + ec.message());
  ::chmod(dir.c_str(), 0700);
  rocksdb::Options options = BaseOptions();
  options.create_if_missing = true;
  options.error_if_exists = true;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) return StoreError("create", dir, s);
  auto store = std::make_unique<RocksStore>(dir, Mode::kWrite, &key, sealing_key);
  store->db_.reset(raw);
  rocksdb::WriteBatch batch;
  batch.Put(std::string(coding::kMetaPrefix) + "format", std::string(kFormatVersion));
  batch.Put(std::string(coding::kMetaPrefix) + "fingerprint", key.Fingerprint());
  batch.Put(std::string(coding::kMetaPrefix) + "created_at", FormatTime(Now()));
  batch.Put(kCountKey, EncodeCount(0));
  if (sealing_key != nullptr) {
    batch.Put(std::string(coding::kMetaPrefix) + "sealing",
              RocksStore::EncodeSealingMode(*sealing_key));
    store->PutSealedCount(&batch, 0);
  }
  if (Status st = store->WriteSynced(&batch); !st.ok()) return st;
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::unique_ptr<Store>> Store::Open(const Options& options) {
  const std::string& dir = options.dir;
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "CURRENT", ec))
    return Status::StoreError("unable to open store '" + dir + "': no store there",
                              "create one with 'tombstone init', or pass --store");
  auto store =
      std::make_unique<RocksStore>(dir, options.mode, options.key, options.sealing_key);
  rocksdb::Options db_options = BaseOptions();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.mode == Mode::kWrite) {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long>(
                              std::max(0.0, options.lock_wait_seconds) * 1000));
    for (;;) {
      s = rocksdb::DB::Open(db_options, dir, &raw);
      if (!IsLockError(s) || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (IsLockError(s))
      return Status::StoreError(
          "unable to lock store '" + dir + "': another tombstone process is writing to it",
          "retry when it has finished, or wait longer with --lock-timeout SECONDS");
  } else {
    // Read-only, without the lock: the erasure pipeline is never blocked by a reader. RocksDB's
    // secondary mode (used before) skipped a missing or unreadable table file and tombstones
    // vanished without a word; a read-only open checks every file the MANIFEST names and fails.
    // A writer may flush while we open: it records the new table file in the MANIFEST, then
    // deletes the log the data was in. An open that read the MANIFEST before and listed the logs
    // after would see neither, so an open during which the MANIFEST changed is not trusted.
    const auto deadline = std::chrono::steady_clock::now() + kReadOpenPatience;
    int stable_failures = 0;
    for (int attempt = 1;; ++attempt) {
      const std::string before = ManifestMark(dir);
      s = rocksdb::DB::OpenForReadOnly(db_options, dir, &raw);
      const bool changed = ManifestMark(dir) != before;
      if (s.ok() && !changed) break;
      if (s.ok()) {
        delete raw;
        raw = nullptr;
        s = rocksdb::Status::TryAgain("a writer kept changing the store while it was opened");
      } else if (!changed && ++stable_failures >= kReadOpenStableFailures) {
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10 * std::min(attempt, 20)));
    }
  }
  if (!s.ok()) return StoreError("open", dir, s);
  store->db_.reset(raw);

  auto format = store->GetRaw(std::string(coding::kMetaPrefix) + "format");
  if (!format.ok()) return format.status();
  if (!format.value())
    return Status::StoreError("unable to open store '" + dir +
                              "': it has no format record (not a tombstone store?)");
  if (*format.value() != kFormatVersion)
    return Status::StoreError("unable to open store '" + dir + "': format " + *format.value() +
                                  " is not supported by this version (format " +
                                  std::string(kFormatVersion) + ")",
                              "use a newer tombstone");
  if (options.key != nullptr) {
    auto fingerprint = store->GetRaw(std::string(coding::kMetaPrefix) + "fingerprint");
    if (!fingerprint.ok()) return fingerprint.status();
    if (!fingerprint.value() || *fingerprint.value() != options.key->Fingerprint())
      return Status::StoreError("unable to open store '" + dir +
                                    "': the key does not match the key the store was created with",
                                "pass the store's own key file with --key-file");
  }
  if (options.sealing_key != nullptr) {
    auto sealing = store->SealingFingerprint();
    if (!sealing.ok()) return sealing.status();
    if (sealing.value() && *sealing.value() != options.sealing_key->Fingerprint())
      return Status::StoreError(
          "unable to open store '" + dir +
              "': the sealing key does not match the sealing key the store was sealed with",
          "pass the store's own sealing key file with --sealing-key-file");
  }
  if (options.mode == Mode::kWrite)
    if (Status counted = store->RecordCountIfMissing(); !counted.ok()) return counted;
  return std::unique_ptr<Store>(std::move(store));
}

Result<std::optional<std::uint64_t>> RocksStore::RecordedCount() {
  auto raw = GetRaw(kCountKey);
  if (!raw.ok()) return raw.status();
  if (!raw.value()) return std::optional<std::uint64_t>();
  std::uint64_t n = 0;
  coding::Reader r(*raw.value());
  if (!r.Varint(&n) || !r.Done())
    return Status::StoreError("unable to read store '" + dir_ + "': the tombstone count is corrupt",
                              "restore the store from a copy made with 'tombstone store export'");
  return std::optional<std::uint64_t>(n);
}

// Stores made before the count was kept get it from their first writer.
Status RocksStore::RecordCountIfMissing() {
  auto recorded = RecordedCount();
  if (!recorded.ok()) return recorded.status();
  if (recorded.value()) return Status::Ok();
  std::uint64_t n = 0;
  Status s = ScanPrefix(coding::kTombstonePrefix, [&](std::string_view, std::string_view) {
    ++n;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  rocksdb::WriteBatch write;
  write.Put(kCountKey, EncodeCount(n));
  return WriteSynced(&write);
}

Status RocksStore::CheckCount(std::uint64_t seen) {
  auto recorded = RecordedCount();
  if (!recorded.ok()) return recorded.status();
  if (!recorded.value() || *recorded.value() == seen) return Status::Ok();
  return Status::StoreError(
      "unable to read store '" + dir_ + "': it holds " + std::to_string(seen) +
          " tombstones but recorded " + std::to_string(*recorded.value()),
      "the store is damaged: nothing was done; run 'tombstone store check' and restore the store "
      "from a copy made with 'tombstone store export'");
}

void RocksStore::PutCount(rocksdb::WriteBatch* batch, std::uint64_t n) {
  batch->Put(kCountKey, EncodeCount(n));
}

Result<std::optional<Normalizer>> RocksStore::KindNormalizer(const std::string& kind) {
  auto raw = GetRaw(std::string(coding::kKindPrefix) + kind);
  if (!raw.ok()) return raw.status();
  if (!raw.value()) return std::optional<Normalizer>();
  Normalizer n{};
  if (raw.value()->size() != 1 ||
      !coding::NormalizerFromCode(static_cast<unsigned char>((*raw.value())[0]), &n))
    return Status::StoreError("unable to read kind '" + kind + "' in store '" + dir_ +
                              "': corrupt record");
  return std::optional<Normalizer>(n);
}

Result<std::vector<std::pair<std::string, Normalizer>>> RocksStore::Kinds() {
  std::vector<std::pair<std::string, Normalizer>> kinds;
  Status status = ScanPrefix(coding::kKindPrefix, [&](std::string_view key, std::string_view v) {
    Normalizer n{};
    if (v.size() != 1 || !coding::NormalizerFromCode(static_cast<unsigned char>(v[0]), &n))
      return Status::StoreError("unable to read kind '" + std::string(key) + "' in store '" +
                                dir_ + "': corrupt record");
    kinds.emplace_back(std::string(key), n);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return kinds;
}

Status RocksStore::ScanPrefix(std::string_view prefix,
                              const std::function<Status(std::string_view key,
                                                         std::string_view value)>& visit,
                              bool* stopped) {
  rocksdb::ReadOptions once;
  once.fill_cache = false;  // a scan reads each block once: caching it only costs
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(once));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(rocksdb::Slice(prefix.data(), prefix.size()))) break;
    const std::string_view suffix(key.data() + prefix.size(), key.size() - prefix.size());
    Status s = visit(suffix, std::string_view(it->value().data(), it->value().size()));
    if (!s.ok()) return s;
    if (stopped != nullptr && *stopped) return Status::Ok();
  }
  return Check(it->status(), "read");
}

Result<std::vector<Store::AddOutcome>> RocksStore::Add(const std::vector<Tombstone>& batch) {
  std::vector<AddOutcome> outcomes;
  outcomes.reserve(batch.size());
  auto sealing = SealingFingerprint();
  if (!sealing.ok()) return sealing.status();
  const bool sealed = sealing.value().has_value();
  if (sealed && sealing_key_ == nullptr && !batch.empty())
    return Status::Usage("unable to add tombstones to store '" + dir_ +
                             "': it keeps sealed identifiers and no sealing key was given",
                         "pass --sealing-key-file FILE (or set TOMBSTONE_SEALING_KEY_FILE); "
                         "nothing was recorded");
  RocksStore::Records sealed_records;
  rocksdb::WriteBatch write;
  std::map<std::string, Normalizer> new_kinds;
  std::map<std::string, std::vector<IdentifierHash>, std::less<>> in_this_batch;
  for (const Tombstone& input : batch) {
    if (Status s = ValidateTombstone(input); !s.ok()) return s;
    Tombstone t = input;
    t.identifiers = SortedUnique(std::move(t.identifiers));
    for (const IdentifierHash& id : t.identifiers) {
      std::optional<Normalizer> known;
      if (auto it = new_kinds.find(id.kind); it != new_kinds.end()) {
        known = it->second;
      } else {
        auto stored = KindNormalizer(id.kind);
        if (!stored.ok()) return stored.status();
        known = stored.value();
      }
      if (known && *known != id.normalizer)
        return Status::Usage("unable to add tombstone '" + t.request_id + "': kind '" + id.kind +
                             "' is normalized with '" + std::string(NormalizerName(*known)) +
                             "' in this store, not '" +
                             std::string(NormalizerName(id.normalizer)) + "'");
      if (!known) new_kinds.emplace(id.kind, id.normalizer);
    }
    // The same request again: a no-op when it names the same subject, an error otherwise.
    std::optional<std::vector<IdentifierHash>> existing;
    if (auto it = in_this_batch.find(t.request_id); it != in_this_batch.end()) {
      existing = it->second;
    } else {
      auto stored = Get(t.request_id);
      if (!stored.ok()) return stored.status();
      if (stored.value()) existing = stored.value()->identifiers;
    }
    if (existing) {
      if (*existing != t.identifiers)
        return Status::Failed("unable to add tombstone '" + t.request_id +
                                  "': the request id is already recorded with other identifiers",
                              "use a new request id for a different erasure");
      // Identical: a tombstone recorded before sealed mode gets the sealed forms it lacks.
      if (sealed && !in_this_batch.contains(t.request_id))
        if (Status s = SealedRecords(t, /*check_stored=*/true, &sealed_records); !s.ok())
          return s;
      outcomes.push_back(AddOutcome::kAlreadyPresent);
      continue;
    }
    if (sealed)
      if (Status s = SealedRecords(t, /*check_stored=*/false, &sealed_records); !s.ok())
        return s;
    if (t.recorded_at == 0) t.recorded_at = Now();
    if (t.hold_reason && t.held_at == 0) t.held_at = t.recorded_at;
    write.Put(std::string(coding::kTombstonePrefix) + t.request_id, coding::EncodeTombstone(t));
    if (t.hold_reason) {  // a hold given with the add starts the tombstone's history
      HistoryEvent held{t.request_id, HistoryEvent::Kind::kHold, Actor{OsUser(), t.held_at},
                        *t.hold_reason};
      if (Status s = AppendHistory(&write, nullptr, held); !s.ok()) return s;
    }
    in_this_batch.emplace(t.request_id, t.identifiers);
    outcomes.push_back(AddOutcome::kAdded);
  }
  for (const auto& [kind, normalizer] : new_kinds)
    write.Put(std::string(coding::kKindPrefix) + kind,
              std::string(1, static_cast<char>(coding::NormalizerCode(normalizer))));
  if (!in_this_batch.empty()) {
    auto recorded = RecordedCount();
    if (!recorded.ok()) return recorded.status();
    write.Put(kCountKey, EncodeCount(recorded.value().value_or(0) + in_this_batch.size()));
  }
  if (!sealed_records.empty()) {
    // In key order: the memtable inserts a sorted run at a fraction of the cost of random keys
    // (the keys start with a hash), which halves the time of a sealed import.
    std::sort(sealed_records.begin(), sealed_records.end());
    for (const auto& [key, value] : sealed_records) write.Put(key, value);
    auto recorded = RecordedSealedCount();
    if (!recorded.ok()) return recorded.status();
    PutSealedCount(&write, recorded.value() + sealed_records.size());
  }
  if (write.Count() > 0)
    if (Status s = WriteSynced(&write); !s.ok()) return s;
  return outcomes;
}

Result<std::optional<Tombstone>> RocksStore::Get(const std::string& request_id) {
  auto raw = GetRaw(std::string(coding::kTombstonePrefix) + request_id);
  if (!raw.ok()) return raw.status();
  if (!raw.value()) return std::optional<Tombstone>();
  Tombstone t;
  if (!coding::DecodeTombstone(request_id, *raw.value(), &t))
    return Status::StoreError("unable to read tombstone '" + request_id + "' in store '" + dir_ +
                              "': corrupt record");
  return std::optional<Tombstone>(std::move(t));
}

Status RocksStore::ForEach(const std::function<bool(const Tombstone&)>& visit) {
  Tombstone t;
  bool stopped = false;
  std::uint64_t seen = 0;
  Status s = ScanPrefix(
      coding::kTombstonePrefix,
      [&](std::string_view key, std::string_view value) {
        if (!coding::DecodeTombstone(key, value, &t))
          return Status::StoreError("unable to read tombstone '" + std::string(key) +
                                    "' in store '" + dir_ + "': corrupt record");
        ++seen;
        if (!visit(t)) stopped = true;
        return Status::Ok();
      },
      &stopped);
  if (!s.ok() || stopped) return s;
  return CheckCount(seen);  // a whole pass saw every tombstone the store recorded, or fails
}

Result<StoreDigest> RocksStore::Digest(const std::function<void(const Tombstone&)>& visit) {
  StoreDigest digest;
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  Status s = ForEach([&](const Tombstone& t) {
    coding::Writer w;
    w.String(t.request_id);
    w.Signed(t.erased_at);
    w.Varint(t.identifiers.size());
    for (const IdentifierHash& id : t.identifiers) {
      w.String(id.kind);
      w.Bytes(std::string_view(reinterpret_cast<const char*>(id.hash.bytes.data()), 16));
    }
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(w.out().data()),
                              w.out().size());
    ++digest.tombstones;
    if (t.hold_reason) ++digest.held;
    if (visit) visit(t);
    return true;
  });
  if (!s.ok()) return s;
  std::array<unsigned char, 32> out{};
  crypto_generichash_final(&state, out.data(), out.size());
  digest.hash.resize(65);
  sodium_bin2hex(digest.hash.data(), digest.hash.size(), out.data(), out.size());
  digest.hash.pop_back();
  return digest;
}

Result<Store::IntegrityReport> RocksStore::VerifyIntegrity(const SealingKey* sealing_key) {
  IntegrityReport report;
  std::vector<rocksdb::LiveFileMetaData> files;
  db_->GetLiveFilesMetaData(&files);
  for (const rocksdb::LiveFileMetaData& f : files) {
    ++report.table_files;
    report.table_bytes += f.size;
  }
  rocksdb::ReadOptions once;
  once.fill_cache = false;
  if (Status s = Check(db_->VerifyChecksum(once), "verify the checksums of"); !s.ok()) return s;
  auto recorded = RecordedCount();
  if (!recorded.ok()) return recorded.status();
  report.count_recorded = recorded.value().has_value();
  if (Status s = ForEach([&](const Tombstone&) { return ++report.tombstones, true; }); !s.ok())
    return s;
  auto sealing = SealingFingerprint();
  if (!sealing.ok()) return sealing.status();
  report.sealed_mode = sealing.value().has_value();
  if (sealing_key != nullptr && report.sealed_mode && *sealing.value() != sealing_key->Fingerprint())
    return Status::StoreError("unable to check the sealed identifiers of store '" + dir_ +
                                  "': the sealing key does not match the store's",
                              "pass the store's own sealing key file with --sealing-key-file");
  const SealingKey* open_with = report.sealed_mode ? sealing_key : nullptr;
  SealedIdentifiers sealed;
  if (Status s = ReadSealed(open_with, &sealed, &report.sealed); !s.ok()) return s;
  if (!report.sealed_mode && report.sealed > 0)
    return Status::StoreError("unable to check store '" + dir_ + "': it holds " +
                                  std::to_string(report.sealed) +
                                  " sealed identifiers but sealed mode is off",
                              "the store was changed behind tombstone's back: restore it from a "
                              "copy made with 'tombstone store export'");
  report.sealed_authenticated = open_with != nullptr;
  return report;
}

Status RocksStore::Checkpoint(const std::string& dir) {
  rocksdb::Checkpoint* raw = nullptr;
  if (Status s = Check(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"); !s.ok())
    return s;
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return Check(checkpoint->CreateCheckpoint(dir), "checkpoint");
}

std::string_view Version() { return TOMBSTONE_VERSION; }

}  // namespace tombstones

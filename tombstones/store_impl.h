// RocksStore: the Store implementation (internal to tombstones/).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "tombstones/tombstones.h"

namespace tombstones {

class RocksStore final : public Store {
 public:
  RocksStore(std::string dir, Mode mode, const Key* key, const SealingKey* sealing_key)
      : dir_(std::move(dir)), mode_(mode), key_(key), sealing_key_(sealing_key) {}
  ~RocksStore() override;

  Result<std::optional<Normalizer>> KindNormalizer(const std::string& kind) override;
  Result<std::vector<std::pair<std::string, Normalizer>>> Kinds() override;
  Result<std::vector<AddOutcome>> Add(const std::vector<Tombstone>& batch) override;
  Result<std::optional<Tombstone>> Get(const std::string& request_id) override;
  Status ForEach(const std::function<bool(const Tombstone&)>& visit) override;
  Status SetHold(const std::string& request_id, std::optional<std::string> reason) override;
  Result<StoreDigest> Digest(const std::function<void(const Tombstone&)>& visit = nullptr) override;
  Result<HoldOutcome> Hold(const std::string& request_id, const std::string& reason,
                           const Actor& actor) override;
  Status Release(const std::string& request_id, const std::string& reason,
                 const Actor& actor) override;
  Status Retract(const std::string& request_id, const std::string& reason,
                 const Actor& actor) override;
  Result<std::vector<HistoryEvent>> History(const std::string& request_id) override;
  Status ForEachHistoryEvent(const std::function<bool(const HistoryEvent&)>& visit) override;
  Status PutBackups(const std::vector<BackupRecord>& backups) override;
  Result<std::vector<BackupRecord>> Backups() override;
  Status ImportBackups(const std::vector<BackupRecord>& backups,
                       const std::vector<SourceImport>& sources) override;
  Result<std::vector<SourceImport>> SourceImports() override;
  Status RemoveBackup(const std::string& id, const std::string& reason,
                      const Actor& actor) override;
  Result<std::vector<BackupRemoval>> BackupRemovals() override;
  Result<std::string> Fingerprint() override;
  Result<ReceiptEntry> AppendReceipt(const std::string& body) override;
  Status ForEachReceipt(const std::function<bool(const ReceiptEntry&)>& visit) override;
  Result<ReceiptsCheck> CheckReceipts(const std::optional<ReceiptsAnchor>& expect) override;
  Status VerifyReceipts() override;
  Result<std::optional<std::string>> SealingFingerprint() override;
  Status EnableSealing(const SealingKey& sealing_key) override;
  Result<std::uint64_t> DisableSealing() override;
  Result<SealedIdentifiers> OpenSealed(const SealingKey& sealing_key) override;
  Result<SealedIdentifiers> SealedCoverage() override;
  Result<IntegrityReport> VerifyIntegrity(const SealingKey* sealing_key = nullptr) override;
  Status Checkpoint(const std::string& dir) override;
  const std::string& dir() const override { return dir_; }

  // Shared by the record types.
  Status Check(const rocksdb::Status& s, const std::string& verb) const;
  Status WriteSynced(rocksdb::WriteBatch* batch);
  Result<std::optional<std::string>> GetRaw(const std::string& key);
  // Visits the records under `prefix` in key order with the prefix removed from the key. A
  // non-ok Status from `visit` ends the scan and is returned; so does setting *stopped.
  Status ScanPrefix(
      std::string_view prefix,
      const std::function<Status(std::string_view key, std::string_view value)>& visit,
      bool* stopped = nullptr);

  std::string dir_;
  Mode mode_;
  const Key* key_;
  const SealingKey* sealing_key_;  // checked against the store's when it is in sealed mode
  // The number of tombstones the store recorded (kept in the same write as the tombstones), or
  // nullopt for a store made before it was kept and not opened by a writer since.
  Result<std::optional<std::uint64_t>> RecordedCount();
  Status RecordCountIfMissing();
  // kStoreError unless `seen` (a whole pass over the tombstones) is the recorded count.
  Status CheckCount(std::uint64_t seen);
  // Puts the tombstone count into `batch`, to be written with the change that makes it true.
  void PutCount(rocksdb::WriteBatch* batch, std::uint64_t n);

  // History (store_records.cpp). The events recorded for `request_id`, oldest first.
  Result<std::vector<HistoryEvent>> RecordedHistory(const std::string& request_id);
  // Puts `event` into `batch` after the recorded ones. When `current` (the tombstone before
  // this change) is on a hold that its history does not know (a hold made before histories
  // were kept), the event known from its record goes first, so that the history stays whole.
  Status AppendHistory(rocksdb::WriteBatch* batch, const Tombstone* current,
                       const HistoryEvent& event);

  // Sealed identifiers (store_sealed.cpp).
  // The sealing key the store is bound to is checked by Open(); these assume it.
  static std::string EncodeSealingMode(const SealingKey& sealing_key);
  // The number of sealed records the store recorded (m/sealed), 0 when none.
  Result<std::uint64_t> RecordedSealedCount();
  void PutSealedCount(rocksdb::WriteBatch* batch, std::uint64_t n);
  // Add() in sealed mode: checks each identifier's sealed form (it opens with sealing_key_ for
  // its kind and hash, and hashes back to it under key_ when there is one) and appends its
  // record (key, value) to *records unless one is already stored (`check_stored`).
  using Records = std::vector<std::pair<std::string, std::string>>;
  Status SealedRecords(const Tombstone& t, bool check_stored, Records* records);
  // Retract(): deletes the sealed records of `t` in `batch`; adds to *deleted how many.
  Status DeleteSealed(rocksdb::WriteBatch* batch, const Tombstone& t, std::uint64_t* deleted);
  // Reads the kinds, the tombstones and every sealed record into *out (values only when
  // `open_with` is given, each record then authenticated); *records: how many sealed records.
  // kStoreError for a record that is malformed, belongs to no tombstone, does not open, or
  // when the number of records is not the one recorded.
  Status ReadSealed(const SealingKey* open_with, SealedIdentifiers* out, std::uint64_t* records);

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace tombstones

// Legal holds, retractions and the history that keeps them; backup entries removed from the
// catalog; when each catalog source was last imported. Part of RocksStore (store_impl.h).
#include <algorithm>

#include "tombstones/history_coding.h"
#include "tombstones/store_impl.h"

namespace tombstones {
namespace {

using Kind = HistoryEvent::Kind;

Status NoSuchTombstone(const std::string& request_id) {
  return Status::Failed("unable to find tombstone '" + request_id + "': no such request id",
                        "'tombstone list' shows the request ids");
}

// Whether the history (oldest first) knows the running hold: a hold or re-hold after the last
// release or retraction.
bool KnowsRunningHold(const std::vector<HistoryEvent>& history) {
  return !history.empty() &&
         (history.back().kind == Kind::kHold || history.back().kind == Kind::kRehold);
}

// The one event known of a hold made before histories were kept: its start and reason, from
// the tombstone's own record; who made it is unknown.
HistoryEvent HoldFromRecord(const Tombstone& t) {
  return HistoryEvent{t.request_id, Kind::kHold, Actor{"", t.held_at}, t.hold_reason.value_or("")};
}

}  // namespace

Result<std::vector<HistoryEvent>> RocksStore::RecordedHistory(const std::string& request_id) {
  std::vector<HistoryEvent> events;
  const std::string prefix = coding::SeriesPrefix(coding::kHistoryPrefix, request_id);
  Status s = ScanPrefix(prefix, [&](std::string_view, std::string_view value) {
    HistoryEvent e;
    if (!coding::DecodeHistoryEvent(request_id, value, &e))
      return Status::StoreError("unable to read the history of '" + request_id + "' in store '" +
                                dir_ + "': corrupt record");
    events.push_back(std::move(e));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return events;
}

Status RocksStore::AppendHistory(rocksdb::WriteBatch* batch, const Tombstone* current,
                                 const HistoryEvent& event) {
  auto recorded = RecordedHistory(event.request_id);
  if (!recorded.ok()) return recorded.status();
  std::uint64_t seq = recorded->size();
  if (current != nullptr && current->hold_reason && !KnowsRunningHold(recorded.value()))
    batch->Put(coding::SeriesKey(coding::kHistoryPrefix, event.request_id, ++seq),
               coding::EncodeHistoryEvent(HoldFromRecord(*current)));
  batch->Put(coding::SeriesKey(coding::kHistoryPrefix, event.request_id, ++seq),
             coding::EncodeHistoryEvent(event));
  return Status::Ok();
}

Result<std::vector<HistoryEvent>> RocksStore::History(const std::string& request_id) {
  auto events = RecordedHistory(request_id);
  if (!events.ok()) return events.status();
  auto found = Get(request_id);
  if (!found.ok()) return found.status();
  const std::optional<Tombstone>& t = found.value();
  if (t && t->hold_reason && !KnowsRunningHold(events.value())) {
    const HistoryEvent known = HoldFromRecord(*t);
    const auto at = std::upper_bound(
        events->begin(), events->end(), known.actor.at,
        [](Micros when, const HistoryEvent& e) { return when < e.actor.at; });
    events->insert(at, known);
  }
  return events;
}

Status RocksStore::ForEachHistoryEvent(const std::function<bool(const HistoryEvent&)>& visit) {
  bool stopped = false;
  HistoryEvent e;
  return ScanPrefix(
      coding::kHistoryPrefix,
      [&](std::string_view key, std::string_view value) {
        std::string_view request;
        std::uint64_t seq = 0;
        if (!coding::SplitSeriesKey(key, &request, &seq) ||
            !coding::DecodeHistoryEvent(request, value, &e))
          return Status::StoreError("unable to read a history record in store '" + dir_ +
                                    "': corrupt record");
        if (!visit(e)) stopped = true;
        return Status::Ok();
      },
      &stopped);
}

Status RocksStore::SetHold(const std::string& request_id, std::optional<std::string> reason) {
  if (reason) return Hold(request_id, *reason, Actor::Current()).status();
  return Release(request_id, "", Actor::Current());
}

Result<Store::HoldOutcome> RocksStore::Hold(const std::string& request_id,
                                            const std::string& reason, const Actor& actor) {
  if (reason.empty())
    return Status::Usage("unable to hold tombstone '" + request_id + "': the reason is empty");
  auto found = Get(request_id);
  if (!found.ok()) return found.status();
  if (!found.value()) return NoSuchTombstone(request_id);
  const Tombstone before = *found.value();
  if (before.hold_reason == reason) return HoldOutcome::kUnchanged;
  Tombstone t = before;
  const bool running = t.hold_reason.has_value();
  t.hold_reason = reason;
  if (!running) t.held_at = actor.at;  // a new reason does not restart a running hold
  rocksdb::WriteBatch write;
  write.Put(std::string(coding::kTombstonePrefix) + request_id, coding::EncodeTombstone(t));
  const HistoryEvent event{request_id, running ? Kind::kRehold : Kind::kHold, actor, reason};
  if (Status s = AppendHistory(&write, &before, event); !s.ok()) return s;
  if (Status s = WriteSynced(&write); !s.ok()) return s;
  return running ? HoldOutcome::kReasonChanged : HoldOutcome::kHeld;
}

Status RocksStore::Release(const std::string& request_id, const std::string& reason,
                           const Actor& actor) {
  auto found = Get(request_id);
  if (!found.ok()) return found.status();
  if (!found.value()) return NoSuchTombstone(request_id);
  const Tombstone before = *found.value();
  if (!before.hold_reason)
    return Status::Usage("unable to release tombstone '" + request_id +
                             "': it is not on legal hold",
                         "'tombstone show " + request_id + "' prints its hold history");
  Tombstone t = before;
  t.hold_reason.reset();
  t.held_at = 0;
  rocksdb::WriteBatch write;
  write.Put(std::string(coding::kTombstonePrefix) + request_id, coding::EncodeTombstone(t));
  if (Status s = AppendHistory(&write, &before, {request_id, Kind::kRelease, actor, reason});
      !s.ok())
    return s;
  return WriteSynced(&write);
}

Status RocksStore::Retract(const std::string& request_id, const std::string& reason,
                           const Actor& actor) {
  const std::string what = "unable to retract tombstone '" + request_id + "': ";
  if (reason.empty()) return Status::Usage(what + "the reason is empty");
  auto found = Get(request_id);
  if (!found.ok()) return found.status();
  if (!found.value()) {
    auto history = RecordedHistory(request_id);
    if (!history.ok()) return history.status();
    if (!history->empty() && history->back().kind == Kind::kRetract)
      return Status::Failed(what + "it was already retracted at " +
                            FormatTime(history->back().actor.at));
    return NoSuchTombstone(request_id);
  }
  const Tombstone& t = *found.value();
  if (t.hold_reason)
    return Status::Usage(what + "it is on legal hold",
                         "a hold is evidence: release it first ('tombstone release " + request_id +
                             " --reason TEXT'); both stay in its history");
  auto count = RecordedCount();
  if (!count.ok()) return count.status();
  if (count.value() && *count.value() == 0)
    return Status::StoreError(what + "the store records no tombstones but holds this one",
                              "run 'tombstone store check'");
  HistoryEvent event{request_id, Kind::kRetract, actor, reason};
  event.erased_at = t.erased_at;
  event.recorded_at = t.recorded_at;
  rocksdb::WriteBatch write;
  write.Delete(std::string(coding::kTombstonePrefix) + request_id);
  if (Status s = AppendHistory(&write, &t, event); !s.ok()) return s;
  // The count every whole pass checks changes in the same write as the tombstone set.
  if (count.value()) PutCount(&write, *count.value() - 1);
  // Its sealed identifiers go with it: the store keeps no value of a subject it no longer erases.
  std::uint64_t unsealed = 0;
  if (Status s = DeleteSealed(&write, t, &unsealed); !s.ok()) return s;
  if (unsealed > 0) {
    auto sealed = RecordedSealedCount();
    if (!sealed.ok()) return sealed.status();
    PutSealedCount(&write, sealed.value() >= unsealed ? sealed.value() - unsealed : 0);
  }
  return WriteSynced(&write);
}

Status RocksStore::ImportBackups(const std::vector<BackupRecord>& backups,
                                 const std::vector<SourceImport>& sources) {
  rocksdb::WriteBatch write;
  for (const BackupRecord& b : backups) {
    if (b.id.empty() || b.id.size() > 200)
      return Status::Usage("unable to record backup: a backup id is 1 to 200 characters");
    write.Put(std::string(coding::kBackupPrefix) + b.id, coding::EncodeBackup(b));
  }
  for (const SourceImport& s : sources)
    write.Put(coding::SourceKey(s.source, s.scope), coding::EncodeSourceImport(s));
  return WriteSynced(&write);
}

Result<std::vector<SourceImport>> RocksStore::SourceImports() {
  std::vector<SourceImport> sources;
  Status s = ScanPrefix(coding::kSourcePrefix, [&](std::string_view key, std::string_view value) {
    SourceImport source;
    if (!coding::DecodeSourceImport(key, value, &source))
      return Status::StoreError("unable to read a catalog source in store '" + dir_ +
                                "': corrupt record");
    sources.push_back(std::move(source));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return sources;
}

Status RocksStore::RemoveBackup(const std::string& id, const std::string& reason,
                                const Actor& actor) {
  const std::string what = "unable to remove backup '" + id + "': ";
  if (reason.empty()) return Status::Usage(what + "the reason is empty");
  const std::string key = std::string(coding::kBackupPrefix) + id;
  auto raw = GetRaw(key);
  if (!raw.ok()) return raw.status();
  if (!raw.value())
    return Status::Failed(what + "no such backup in the catalog",
                          "'tombstone backups list' shows the backup ids");
  BackupRemoval removal{{}, actor, reason};
  if (!coding::DecodeBackup(id, *raw.value(), &removal.backup))
    return Status::StoreError(what + "its record in store '" + dir_ + "' is corrupt");
  std::uint64_t seq = 0;
  Status counted = ScanPrefix(coding::SeriesPrefix(coding::kBackupRemovalPrefix, id),
                              [&](std::string_view, std::string_view) {
                                ++seq;
                                return Status::Ok();
                              });
  if (!counted.ok()) return counted;
  rocksdb::WriteBatch write;
  write.Delete(key);
  write.Put(coding::SeriesKey(coding::kBackupRemovalPrefix, id, seq + 1),
            coding::EncodeBackupRemoval(removal));
  return WriteSynced(&write);
}

Result<std::vector<BackupRemoval>> RocksStore::BackupRemovals() {
  std::vector<BackupRemoval> removals;
  Status s = ScanPrefix(coding::kBackupRemovalPrefix,
                        [&](std::string_view key, std::string_view value) {
                          std::string_view id;
                          std::uint64_t seq = 0;
                          BackupRemoval r;
                          if (!coding::SplitSeriesKey(key, &id, &seq) ||
                              !coding::DecodeBackupRemoval(id, value, &r))
                            return Status::StoreError("unable to read a backup removal in store '" +
                                                      dir_ + "': corrupt record");
                          removals.push_back(std::move(r));
                          return Status::Ok();
                        });
  if (!s.ok()) return s;
  return removals;
}

Result<std::string> RocksStore::Fingerprint() {
  auto raw = GetRaw(std::string(coding::kMetaPrefix) + "fingerprint");
  if (!raw.ok()) return raw.status();
  if (!raw.value())
    return Status::StoreError("unable to read store '" + dir_ + "': it has no key fingerprint");
  return *raw.value();
}

}  // namespace tombstones

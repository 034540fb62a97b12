#include "src/compliance/store_summary.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace tombstone::compliance {
namespace {

using nlohmann::json;

std::string StringField(const json& r, const char* name) {
  const auto it = r.find(name);
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The later of two runs by their place in the log.
void KeepLast(std::optional<RunOutcome>& slot, const RunOutcome& run) {
  if (!slot || slot->seq < run.seq) slot = run;
}

}  // namespace

ReceiptKind ClassifyReceipt(const std::string& body) {
  ReceiptKind k;
  const json r = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!r.is_object() || StringField(r, "command") != "replay") return k;
  const auto dry = r.find("dry_run");
  if (dry != r.end() && *dry != false) return k;
  const auto finished = tombstones::ParseTime(StringField(r, "finished_at"));
  if (!finished.ok()) return k;
  bool drill = false;
  if (const auto it = r.find("drill"); it != r.end() && it->is_boolean()) {
    drill = it->get<bool>();
  } else if (const auto snap = r.find("snapshot"); snap != r.end() && snap->is_object()) {
    drill = StringField(*snap, "label").rfind("drill ", 0) == 0;  // before the field existed
  }
  k.kind = drill ? ReceiptKind::Kind::kDrill : ReceiptKind::Kind::kReplay;
  k.target = StringField(r, "target");
  k.outcome.finished_at = finished.value();
  const auto code = r.find("exit_code");
  k.outcome.exit_code = code != r.end() && code->is_number_integer() ? code->get<int>() : -1;
  k.outcome.verification = StringField(r, "verification");
  if (const auto db = r.find("database"); db != r.end() && db->is_object())
    k.outcome.database = StringField(*db, "name");
  return k;
}

tombstones::Result<StoreSummary> Summarize(tombstones::Store& store, Micros now,
                                           const std::vector<std::string>& configured) {
  StoreSummary s;
  s.at = now;
  auto fingerprint = store.Fingerprint();
  if (!fingerprint.ok()) return fingerprint.status();
  s.key_fingerprint = fingerprint.value();
  auto sealing = store.SealingFingerprint();
  if (!sealing.ok()) return sealing.status();
  s.sealing_fingerprint = sealing.value();

  auto index = PendingIndex::Build(store, now);  // the catalog, the receipts, the holds
  if (!index.ok()) return index.status();
  auto digest = store.Digest([&](const tombstones::Tombstone& t) {
    s.pending.Add(index->Evaluate(t));
  });
  if (!digest.ok()) return digest.status();
  s.tombstones = digest->tombstones;
  s.held = digest->held;
  if (tombstones::Status st = store.ForEachHistoryEvent([&](const tombstones::HistoryEvent& e) {
        if (e.kind == tombstones::HistoryEvent::Kind::kRetract) ++s.retracted;
        return true;
      });
      !st.ok())
    return st;

  auto catalog = AssessStoreCatalog(store, now, kDefaultStaleAfter);
  if (!catalog.ok()) return catalog.status();
  s.catalog = std::move(catalog.value());
  auto backups = store.Backups();
  if (!backups.ok()) return backups.status();
  for (const tombstones::BackupRecord& b : backups.value())
    if (!s.newest_backup || *s.newest_backup < b.taken_at) s.newest_backup = b.taken_at;

  std::map<std::string, TargetRuns> runs;
  for (const std::string& name : configured) runs[name] = {name, true, {}, {}};
  if (tombstones::Status st = store.ForEachReceipt([&](const tombstones::ReceiptEntry& e) {
        ++s.receipts;
        ReceiptKind k = ClassifyReceipt(e.body);
        if (k.kind == ReceiptKind::Kind::kOther) return true;
        k.outcome.seq = e.seq;
        TargetRuns& t = runs[k.target];
        t.target = k.target;
        KeepLast(k.kind == ReceiptKind::Kind::kDrill ? t.last_drill : t.last_replay, k.outcome);
        return true;
      });
      !st.ok())
    return st;
  for (const std::string& name : configured) s.targets.push_back(runs[name]);
  for (auto& [name, t] : runs)
    if (!t.configured && !name.empty()) s.targets.push_back(t);
  if (const auto none = runs.find(""); none != runs.end() && !none->second.configured)
    s.targets.push_back(none->second);  // the runs that named no target, last
  return s;
}

}  // namespace tombstone::compliance

// The pending computation: one binary search per tombstone over backups sorted by taken_at.
#include "src/compliance/pending.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

namespace tombstone::compliance {

std::optional<Micros> CleanReplayFinishedAt(const std::string& body) {
  const nlohmann::json r = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!r.is_object()) return std::nullopt;
  const auto field = [&](const char* name) {
    auto it = r.find(name);
    return it == r.end() ? nlohmann::json() : *it;
  };
  if (field("command") != "replay" || field("dry_run") != false ||
      field("verification") != "clean" || field("exit_code") != 0)
    return std::nullopt;
  const nlohmann::json finished = field("finished_at");
  if (!finished.is_string()) return std::nullopt;
  auto t = tombstones::ParseTime(finished.get<std::string>());
  if (!t.ok()) return std::nullopt;
  return t.value();
}

tombstones::Result<PendingIndex> PendingIndex::Build(tombstones::Store& store, Micros at) {
  auto backups = store.Backups();
  if (!backups.ok()) return backups.status();
  std::vector<CleanReplay> replays;
  tombstones::Status s = store.ForEachReceipt([&](const tombstones::ReceiptEntry& e) {
    if (auto finished = CleanReplayFinishedAt(e.body)) replays.push_back({e.seq, *finished});
    return true;
  });
  if (!s.ok()) return s;
  return PendingIndex(std::move(backups.value()), std::move(replays), at);
}

PendingIndex::PendingIndex(std::vector<tombstones::BackupRecord> backups,
                           std::vector<CleanReplay> replays, Micros at)
    : at_(at), replays_(std::move(replays)) {
  for (auto& b : backups)
    if (!b.expires_at || *b.expires_at > at) live_.push_back(std::move(b));
  std::stable_sort(live_.begin(), live_.end(),
                   [](const auto& a, const auto& b) { return a.taken_at < b.taken_at; });
  Micros max = 0;
  bool unknown = false;
  for (const auto& b : live_) {
    if (b.expires_at) max = std::max(max, *b.expires_at);
    else unknown = true;
    max_expiry_.push_back(max);
    unknown_.push_back(unknown ? 1 : 0);
  }
  std::stable_sort(replays_.begin(), replays_.end(),
                   [](const auto& a, const auto& b) { return a.finished_at < b.finished_at; });
}

PendingVerdict PendingIndex::Evaluate(const tombstones::Tombstone& t) const {
  PendingVerdict v;
  if (t.erased_at > at_) return v;
  v.considered = true;
  // Backups taken strictly before the erasure still hold the subject.
  const auto end = std::lower_bound(
      live_.begin(), live_.end(), t.erased_at,
      [](const tombstones::BackupRecord& b, Micros erased) { return b.taken_at < erased; });
  v.holding = static_cast<std::size_t>(end - live_.begin());
  v.held = t.hold_reason.has_value();
  v.pending = v.holding > 0 || v.held;
  if (v.holding > 0) {
    if (unknown_[v.holding - 1]) v.ages_out_unknown = true;
    else v.ages_out = max_expiry_[v.holding - 1];
  }
  // The last clean replay that finished after the tombstone was recorded and, for a tombstone
  // on hold, before the hold began (a replay skips held tombstones).
  const Micros until = v.held ? std::min(t.held_at, at_) : at_;
  auto last = std::lower_bound(replays_.begin(), replays_.end(), until,
                               [](const CleanReplay& r, Micros u) { return r.finished_at < u; });
  if (!v.held) last = std::upper_bound(replays_.begin(), replays_.end(), until,
                                       [](Micros u, const CleanReplay& r) { return u < r.finished_at; });
  if (last != replays_.begin() && std::prev(last)->finished_at >= t.recorded_at)
    v.reapplied = *std::prev(last);
  return v;
}

void PendingSummary::Add(const PendingVerdict& v) {
  if (!v.considered) return;
  ++considered;
  if (!v.pending) return;
  ++pending;
  if (v.held) ++held;
  if (v.ages_out_unknown) ++unknown;
  if (v.ages_out) {
    if (!next_age_out || *v.ages_out < *next_age_out) next_age_out = v.ages_out;
    if (!last_age_out || *v.ages_out > *last_age_out) last_age_out = v.ages_out;
  }
}

}  // namespace tombstone::compliance

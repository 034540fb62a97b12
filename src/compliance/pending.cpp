// The pending computation: one binary search per tombstone over backups sorted by taken_at, and
// one per kind over the replays that could match that kind.
#include "src/compliance/pending.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

namespace tombstone::compliance {
namespace {

std::optional<Micros> TimeField(const nlohmann::json& r, const char* name) {
  auto it = r.find(name);
  if (it == r.end() || !it->is_string()) return std::nullopt;
  auto t = tombstones::ParseTime(it->get<std::string>());
  if (!t.ok()) return std::nullopt;
  return t.value();
}

// "kinds_matched": the kinds the run's map could match. A list of names is the schema; a list
// of {"kind": ...} objects or an object keyed by kind are read the same way. Anything else
// proves nothing: nullopt.
std::optional<std::vector<std::string>> KindsMatched(const nlohmann::json& value) {
  std::vector<std::string> kinds;
  if (value.is_object()) {
    for (const auto& [kind, unused] : value.items()) kinds.push_back(kind);
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) {
        kinds.push_back(item.get<std::string>());
      } else if (item.is_object() && item.contains("kind") && item["kind"].is_string()) {
        kinds.push_back(item["kind"].get<std::string>());
      } else {
        return std::nullopt;
      }
    }
  } else {
    return std::nullopt;
  }
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  return kinds;
}

bool Overlaps(const CleanReplay& r, const std::pair<Micros, Micros>& hold) {
  return r.started_at < hold.second && r.finished_at >= hold.first;
}

}  // namespace

ReceiptCredit ReadReceiptCredit(const std::string& body) {
  ReceiptCredit credit;
  const nlohmann::json r = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!r.is_object()) return credit;
  const auto field = [&](const char* name) {
    auto it = r.find(name);
    return it == r.end() ? nlohmann::json() : *it;
  };
  const std::optional<Micros> finished = TimeField(r, "finished_at");
  if (field("command") != "replay" || field("dry_run") != false ||
      field("verification") != "clean" || field("exit_code") != 0 || !finished)
    return credit;
  const nlohmann::json committed = field("committed");
  if (committed.is_boolean() && !committed.get<bool>()) return credit;  // rolled back
  const nlohmann::json kinds = field("kinds_matched");
  std::optional<std::vector<std::string>> matched;
  if (!kinds.is_null()) matched = KindsMatched(kinds);
  if (committed != true || !matched) {
    credit.use = ReceiptCredit::Use::kNoKinds;
    return credit;
  }
  credit.use = ReceiptCredit::Use::kCredits;
  credit.replay.finished_at = *finished;
  credit.replay.started_at = TimeField(r, "started_at").value_or(*finished);
  credit.replay.kinds_matched = std::move(*matched);
  return credit;
}

void HoldPeriodsBuilder::Add(const tombstones::HistoryEvent& e) {
  using Kind = tombstones::HistoryEvent::Kind;
  if (e.request_id != request_) {
    request_ = e.request_id;
    open_.reset();
  }
  switch (e.kind) {
    case Kind::kHold:
    case Kind::kRehold:
      if (!open_) open_ = e.actor.at;
      break;
    case Kind::kRelease:
    case Kind::kRetract:
      if (open_) periods_[request_].emplace_back(*open_, e.actor.at);
      open_.reset();
      break;
  }
}

tombstones::Result<PendingIndex> PendingIndex::Build(tombstones::Store& store, Micros at) {
  auto backups = store.Backups();
  if (!backups.ok()) return backups.status();
  std::vector<CleanReplay> replays;
  ReceiptTally tally;
  tombstones::Status s = store.ForEachReceipt([&](const tombstones::ReceiptEntry& e) {
    ReceiptCredit credit = ReadReceiptCredit(e.body);
    if (credit.use == ReceiptCredit::Use::kCredits) {
      credit.replay.seq = e.seq;
      replays.push_back(std::move(credit.replay));
      ++tally.crediting;
    } else if (credit.use == ReceiptCredit::Use::kNoKinds) {
      ++tally.no_kinds;
    }
    return true;
  });
  if (!s.ok()) return s;
  HoldPeriodsBuilder holds;
  s = store.ForEachHistoryEvent([&](const tombstones::HistoryEvent& e) {
    holds.Add(e);
    return true;
  });
  if (!s.ok()) return s;
  return PendingIndex(std::move(backups.value()), std::move(replays), at, holds.Take(), tally);
}

PendingIndex::PendingIndex(std::vector<tombstones::BackupRecord> backups,
                           std::vector<CleanReplay> replays, Micros at, HoldPeriods holds,
                           ReceiptTally tally)
    : at_(at), replays_(std::move(replays)), holds_(std::move(holds)), tally_(tally) {
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
  for (std::uint32_t i = 0; i < replays_.size(); ++i) {
    std::sort(replays_[i].kinds_matched.begin(), replays_[i].kinds_matched.end());
    all_.push_back(i);
    for (const std::string& kind : replays_[i].kinds_matched) by_kind_[kind].push_back(i);
  }
}

// The last replay on `line` that applied `t`: it finished by AT (for a tombstone on hold, before
// the hold began), started after `t` was recorded (it loaded the tombstones at its start), and
// did not run during one of its ended holds.
const CleanReplay* PendingIndex::LastCrediting(
    const Timeline& line, const tombstones::Tombstone& t,
    const std::vector<std::pair<Micros, Micros>>* periods) const {
  Micros bound = t.hold_reason ? std::min(t.held_at, at_) : at_;
  bool before = t.hold_reason.has_value();  // finished strictly before `bound`
  const auto finished = [&](std::uint32_t i) { return replays_[i].finished_at; };
  for (;;) {
    auto end = before
                   ? std::lower_bound(line.begin(), line.end(), bound,
                                      [&](std::uint32_t i, Micros b) { return finished(i) < b; })
                   : std::upper_bound(line.begin(), line.end(), bound,
                                      [&](Micros b, std::uint32_t i) { return b < finished(i); });
    if (end == line.begin()) return nullptr;
    const CleanReplay& r = replays_[*std::prev(end)];
    if (r.finished_at < t.recorded_at) return nullptr;
    bound = r.finished_at;
    before = true;
    if (r.started_at < t.recorded_at) continue;  // it began before the tombstone existed
    if (periods != nullptr) {
      auto hold = std::find_if(periods->begin(), periods->end(),
                               [&](const auto& p) { return Overlaps(r, p); });
      if (hold != periods->end()) {
        bound = std::min(bound, hold->first);  // it skipped the tombstone: look before the hold
        continue;
      }
    }
    return &r;
  }
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
  if (replays_.empty()) return v;
  const std::vector<std::pair<Micros, Micros>>* periods = nullptr;
  if (!holds_.empty())
    if (auto it = holds_.find(t.request_id); it != holds_.end()) periods = &it->second;
  // Identifiers are sorted by kind: each kind once.
  for (std::size_t i = 0; i < t.identifiers.size(); ++i) {
    const std::string& kind = t.identifiers[i].kind;
    if (i > 0 && t.identifiers[i - 1].kind == kind) continue;
    auto line = by_kind_.find(kind);
    if (line == by_kind_.end()) continue;
    const CleanReplay* r = LastCrediting(line->second, t, periods);
    if (r != nullptr && (v.reapplied == nullptr || r->finished_at > v.reapplied->finished_at))
      v.reapplied = r;
  }
  if (v.reapplied == nullptr) {
    v.not_matched_by = LastCrediting(all_, t, periods);
    return v;
  }
  const auto& matched = v.reapplied->kinds_matched;
  for (const auto& id : t.identifiers)
    if (!std::binary_search(matched.begin(), matched.end(), id.kind) &&
        (v.kinds_not_matched.empty() || v.kinds_not_matched.back() != id.kind))
      v.kinds_not_matched.push_back(id.kind);
  return v;
}

void PendingSummary::Add(const PendingVerdict& v) {
  if (!v.considered) return;
  ++considered;
  if (!v.pending) return;
  ++pending;
  if (v.held) ++held;
  if (v.ages_out_unknown) ++unknown;
  if (v.reapplied == nullptr && v.not_matched_by != nullptr) ++not_matched;
  if (v.ages_out) {
    if (!next_age_out || *v.ages_out < *next_age_out) next_age_out = v.ages_out;
    if (!last_age_out || *v.ages_out > *last_age_out) last_age_out = v.ages_out;
  }
}

}  // namespace tombstone::compliance

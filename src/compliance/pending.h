// Which tombstones are still pending, i.e. still held by a backup that has not expired.
//
// A tombstone is pending at time AT while some backup taken before its erased_at has not
// expired by AT (a backup with no forecast never has); it ages out when the last of those
// expires ("unknown" if any of them has no forecast). A tombstone on legal hold is pending too,
// whatever the backups. Tombstones erased after AT are not considered. docs/compliance.md.
//
// A tombstone is credited as re-applied only by a replay receipt that proves it: a committed,
// clean, real replay whose map could match at least one of its kinds, that finished after it
// was recorded and did not run while it was on hold. Receipts that do not say which kinds their
// map could match (written before they did) prove nothing per tombstone and credit nothing.
//
// PendingIndex is built once (backups sorted by taken_at, prefix maxima of their expiry, the
// crediting replays per kind, the ended holds) and then answers for one tombstone in
// O(kinds x log replays). It is read-only after Build and may be shared between threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::compliance {

using tombstones::Micros;

// A replay receipt that can credit tombstones: committed, clean, not a dry run, exit 0, with
// the kinds its map could match.
struct CleanReplay {
  std::uint64_t seq = 0;
  Micros started_at = 0;
  Micros finished_at = 0;
  std::vector<std::string> kinds_matched;  // sorted
};

// What a receipt body (JSON) is worth to 'pending'.
struct ReceiptCredit {
  enum class Use {
    kNone,       // not a clean, committed, real replay: credits nothing
    kCredits,    // a CleanReplay
    kNoKinds,    // a clean replay receipt without 'committed' and 'kinds_matched' (older
                 // receipts): it cannot say which tombstones its map could match, so none
  };
  Use use = Use::kNone;
  CleanReplay replay;  // kCredits: seq left 0
};
ReceiptCredit ReadReceiptCredit(const std::string& body);

// The closed legal holds of one request id ([start, end) each): a replay that ran during one
// skipped the tombstone. The running hold is the tombstone's own held_at.
using HoldPeriods = std::unordered_map<std::string, std::vector<std::pair<Micros, Micros>>>;
// From a store's history events (by request id, then age).
class HoldPeriodsBuilder {
 public:
  void Add(const tombstones::HistoryEvent& e);
  HoldPeriods Take() { return std::move(periods_); }

 private:
  HoldPeriods periods_;
  std::string request_;
  std::optional<Micros> open_;  // start of the running hold of request_
};

struct PendingVerdict {
  bool considered = false;        // erased at or before AT
  bool pending = false;
  std::size_t holding = 0;        // how many unexpired backups hold it (see Holding())
  bool held = false;              // on legal hold
  std::optional<Micros> ages_out; // set when holding > 0 and every holder has a forecast
  bool ages_out_unknown = false;  // holding > 0 and some holder has no forecast
  // The last replay that re-applied it: its map matched at least one of its kinds.
  const CleanReplay* reapplied = nullptr;
  // Of its kinds, those that `reapplied`'s map could not match (usually none).
  std::vector<std::string> kinds_not_matched;
  // When nothing re-applied it: the last replay since it was recorded whose map could match
  // none of its kinds (it was not applied there).
  const CleanReplay* not_matched_by = nullptr;
};

struct ReceiptTally {
  std::uint64_t crediting = 0;  // clean, committed replays with per-kind coverage
  std::uint64_t no_kinds = 0;   // clean replay receipts without it: credit nothing
};

class PendingIndex {
 public:
  // Reads the backup catalog, the receipts log and the hold history of `store`. Receipts whose
  // body is not a receipt are ignored; store errors are returned.
  static tombstones::Result<PendingIndex> Build(tombstones::Store& store, Micros at);
  // For tests and benchmarks: from given parts.
  PendingIndex(std::vector<tombstones::BackupRecord> backups, std::vector<CleanReplay> replays,
               Micros at, HoldPeriods holds = {}, ReceiptTally tally = {});

  PendingVerdict Evaluate(const tombstones::Tombstone& t) const;
  // The unexpired backups that hold the tombstone of `v`, oldest first.
  std::span<const tombstones::BackupRecord> Holding(const PendingVerdict& v) const {
    return {live_.data(), v.holding};
  }
  Micros at() const { return at_; }
  // Every backup unexpired at AT, oldest first: Holding() is always a prefix of it.
  std::span<const tombstones::BackupRecord> Live() const { return live_; }
  const ReceiptTally& receipts() const { return tally_; }

 private:
  // Positions in replays_ (by finished_at), all of them and per kind.
  using Timeline = std::vector<std::uint32_t>;
  const CleanReplay* LastCrediting(const Timeline& line, const tombstones::Tombstone& t,
                                   const std::vector<std::pair<Micros, Micros>>* periods) const;

  Micros at_ = 0;
  std::vector<tombstones::BackupRecord> live_;  // unexpired at AT, by taken_at
  std::vector<Micros> max_expiry_;              // prefix maximum of expires_at
  std::vector<char> unknown_;                   // prefix: some expires_at missing
  std::vector<CleanReplay> replays_;            // by finished_at
  Timeline all_;
  std::unordered_map<std::string, Timeline> by_kind_;
  HoldPeriods holds_;
  ReceiptTally tally_;
};

// Running totals for the summary line.
struct PendingSummary {
  std::uint64_t considered = 0;
  std::uint64_t pending = 0;
  std::uint64_t held = 0;           // pending because of (or also on) legal hold
  std::uint64_t unknown = 0;        // pending with an unknown age-out date
  std::uint64_t not_matched = 0;    // pending, and the last replay's map matched none of its kinds
  std::optional<Micros> next_age_out;
  std::optional<Micros> last_age_out;
  void Add(const PendingVerdict& v);
};

}  // namespace tombstone::compliance

// Which tombstones are still pending, i.e. still held by a backup that has not expired.
//
// A tombstone is pending at time AT while some backup taken before its erased_at has not
// expired by AT (a backup with no forecast never has); it ages out when the last of those
// expires ("unknown" if any of them has no forecast). A tombstone on legal hold is pending too,
// whatever the backups. Tombstones erased after AT are not considered. docs/compliance.md.
//
// PendingIndex is built once (backups sorted by taken_at, prefix maxima of their expiry, the
// clean replays from the receipts log) and then answers for one tombstone in O(log backups).
// It is read-only after Build and may be shared between threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::compliance {

using tombstones::Micros;

// A clean replay receipt: it re-applied every tombstone recorded before it finished.
struct CleanReplay {
  std::uint64_t seq = 0;
  Micros finished_at = 0;
};

struct PendingVerdict {
  bool considered = false;        // erased at or before AT
  bool pending = false;
  std::size_t holding = 0;        // how many unexpired backups hold it (see Holding())
  bool held = false;              // on legal hold
  std::optional<Micros> ages_out; // set when holding > 0 and every holder has a forecast
  bool ages_out_unknown = false;  // holding > 0 and some holder has no forecast
  std::optional<CleanReplay> reapplied;  // the last clean replay that re-applied it
};

class PendingIndex {
 public:
  // Reads the backup catalog and the receipts log of `store`. Receipts whose body is not a
  // receipt (receipt_version 1 schema) are ignored; store errors are returned.
  static tombstones::Result<PendingIndex> Build(tombstones::Store& store, Micros at);
  // For tests and benchmarks: from given parts.
  PendingIndex(std::vector<tombstones::BackupRecord> backups, std::vector<CleanReplay> replays,
               Micros at);

  PendingVerdict Evaluate(const tombstones::Tombstone& t) const;
  // The unexpired backups that hold the tombstone of `v`, oldest first.
  std::span<const tombstones::BackupRecord> Holding(const PendingVerdict& v) const {
    return {live_.data(), v.holding};
  }
  Micros at() const { return at_; }
  // Every backup unexpired at AT, oldest first: Holding() is always a prefix of it.
  std::span<const tombstones::BackupRecord> Live() const { return live_; }

 private:
  Micros at_ = 0;
  std::vector<tombstones::BackupRecord> live_;  // unexpired at AT, by taken_at
  std::vector<Micros> max_expiry_;              // prefix maximum of expires_at
  std::vector<char> unknown_;                   // prefix: some expires_at missing
  std::vector<CleanReplay> replays_;            // by finished_at
};

// Whether a receipt body (JSON) is a clean, real replay; its finished_at when so.
std::optional<Micros> CleanReplayFinishedAt(const std::string& body);

// Running totals for the summary line.
struct PendingSummary {
  std::uint64_t considered = 0;
  std::uint64_t pending = 0;
  std::uint64_t held = 0;           // pending because of (or also on) legal hold
  std::uint64_t unknown = 0;        // pending with an unknown age-out date
  std::optional<Micros> next_age_out;
  std::optional<Micros> last_age_out;
  void Add(const PendingVerdict& v);
};

}  // namespace tombstone::compliance

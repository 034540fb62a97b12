// What happens to a row that holds an identifier of one or more tombstones: the one rule that
// replay (rows streamed from the server) and the exports (rows read from CSV files and dumps)
// both follow, so that a legal hold or a guard means the same wherever the row is found.
#pragma once

#include <cstdint>

#include "tombstones/tombstones.h"

namespace tombstone::match {

using tombstones::Micros;

// The row's created_at guard, as its reader found it.
struct Guard {
  enum State {
    kNone,        // the table has no guard
    kNull,        // the guard column is NULL: the row is as old as can be, never kept by it
    kUnreadable,  // a value that cannot be read as a time
    kTime,
  } state = kNone;
  Micros time = 0;  // kTime only
};

enum class RowFate {
  kApply,            // the table's action applies (delete, anonymize, retain, refresh)
  kHeld,             // one of the matching tombstones is on legal hold: the row stays as it is
  kKeptByGuard,      // created after the latest matching erasure: a new sign-up, kept
  kGuardUnreadable,  // the guard cannot be read: kept rather than lost, and reported
};

// The fate of a matching row. `any_held`: whether any matching tombstone is on legal hold (a
// hold wins over every other tombstone of the row); `latest_erasure`: the latest erased_at of the
// matching tombstones not on hold (unused when any_held). A guard later than that erasure keeps
// the row; one equal to it or earlier does not.
RowFate DecideRow(bool any_held, Micros latest_erasure, Guard guard);

// The tombstones one row matches, gathered value by value (a TombstoneTable number each), and
// the one that decides it: the first one on legal hold met, else the latest erasure.
class RowMatch {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  void Clear() { *this = RowMatch(); }
  void Add(std::uint32_t tombstone, bool held, Micros erased_at) {
    if (held) {
      if (held_ == kNone) held_ = tombstone;
    } else if (latest_ == kNone || erased_at > latest_erasure_) {
      latest_ = tombstone;
      latest_erasure_ = erased_at;
    }
  }
  bool empty() const { return held_ == kNone && latest_ == kNone; }
  bool held() const { return held_ != kNone; }
  // The latest erasure not on hold (kNone when every match is held).
  std::uint32_t latest() const { return latest_; }
  // The tombstone a report names for the row. REQUIRES: !empty().
  std::uint32_t decisive() const { return held() ? held_ : latest_; }
  // DecideRow over what was gathered. REQUIRES: !empty().
  RowFate Decide(Guard guard) const {
    return DecideRow(held(), held() ? 0 : latest_erasure_, guard);
  }

 private:
  std::uint32_t held_ = kNone, latest_ = kNone;
  Micros latest_erasure_ = 0;
};

}  // namespace tombstone::match

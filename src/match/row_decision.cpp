#include "src/match/row_decision.h"

namespace tombstone::match {

RowFate DecideRow(bool any_held, Micros latest_erasure, Guard guard) {
  if (any_held) return RowFate::kHeld;
  switch (guard.state) {
    case Guard::kNone:
    case Guard::kNull:
      return RowFate::kApply;
    case Guard::kUnreadable:
      return RowFate::kGuardUnreadable;
    case Guard::kTime:
      return guard.time > latest_erasure ? RowFate::kKeptByGuard : RowFate::kApply;
  }
  return RowFate::kApply;
}

}  // namespace tombstone::match

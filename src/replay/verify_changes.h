// The default verification, before commit: every row replay changed is read again by its
// locator. A deleted row must be gone (unless deleted by ctid: see the .cpp); an anonymized row must no longer match any tombstone
// through a source the anonymize changes, and must hold its strategy's values. This catches what
// the statement counts cannot: a trigger that puts back the old value, a rule that re-inserts.
#pragma once

#include <vector>

#include "src/pg/session.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"
#include "src/match/tombstone_table.h"

namespace tombstone::replay {

using match::TombstoneTable;
using tombstones::Hash128;
using tombstones::Micros;

// kResidue (exit 3) naming the table and the number of rows that are back or still match.
Status VerifyByReading(pg::Session& session, const std::vector<TablePlan>& plans,
                       const std::vector<TableScan>& scans, const TombstoneTable& tombstones,
                       const tombstones::Key& key);

}  // namespace tombstone::replay

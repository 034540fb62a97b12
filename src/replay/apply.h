// Changing the rows a scan found: batched DELETEs and UPDATEs by locator, in the planned order,
// inside the caller's transaction. Every statement must change exactly the rows it was given:
// that count check is the default verification (one snapshot, no second pass).
#pragma once

#include <vector>

#include "src/pg/session.h"
#include "src/replay/order.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

// Applies each table's action to `scans[i].rows` and fills counts.deleted / counts.anonymized.
// kResidue when a statement changed another number of rows than it was given (the caller rolls
// back); kFailed on a server error (e.g. a foreign key), with the server's message.
Status ApplyChanges(pg::Session& session, const ApplyOrder& order,
                    const std::vector<TablePlan>& plans, std::vector<TableScan>& scans,
                    const tombstones::Key& key);

// Refreshes each materialized view, in order (each after what it reads), in the caller's
// transaction: a view over a cleaned table no longer holds what was erased from it.
Status RefreshViews(pg::Session& session, const std::vector<RefreshPlan>& refreshes);

}  // namespace tombstone::replay

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

// Applies each table's action to `scans[i].rows` and fills counts.deleted / counts.anonymized
// (and scans[i].updated, the anonymized rows' new locators). Before each delete, the foreign
// keys into the table are checked (CheckBeforeDelete). kResidue when a statement changed another
// number of rows than it was given (the caller rolls back); kFailed on a server error, named by
// its SQLSTATE (never the server's text: it may quote a row).
Status ApplyChanges(pg::Session& session, const ApplyOrder& order,
                    const std::vector<TablePlan>& plans, std::vector<TableScan>& scans,
                    const tombstones::Key& key);

// The same for one plan (its index in `plans`), e.g. a second pass over a table the server
// changed by itself (expect_changes).
Status ApplyPlan(pg::Session& session, const ApplyOrder& order,
                 const std::vector<TablePlan>& plans, std::vector<TableScan>& scans,
                 std::size_t index, const tombstones::Key& key);

// Refreshes each materialized view, in order (each after what it reads), in the caller's
// transaction: a view over a cleaned table no longer holds what was erased from it.
Status RefreshViews(pg::Session& session, const std::vector<RefreshPlan>& refreshes);

}  // namespace tombstone::replay

// Where replay may delete rows by their ctid instead of their primary key. A delete by key pays
// an index probe per row; by ctid it is a direct fetch of the row version the scan read (at a
// million erasures, three times faster on the events table of docs/performance.md). That is
// exact only while nothing else changes the table in replay's transaction: a row the server
// updates (a trigger, a rule, a foreign key's SET NULL) gets a new ctid, and its delete by the
// old one would find nothing (the statement's count would then stop the replay, exit 3).
#pragma once

#include <vector>

#include "src/pg/session.h"
#include "src/replay/order.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

// Whether the database has a trigger (not a foreign key's own) or a rule other than a view's
// SELECT, on any relation of its own (the system's are not counted), enabled or not: then any
// table may be written behind replay's back.
Result<bool> HasTriggersOrRules(pg::Session& session);

// Switches each delete plan that streams a ctid (TablePlan::ctid_field) to locate its rows by
// it, unless `triggers_or_rules`, or a foreign key's SET NULL / SET DEFAULT may change rows of
// its table (order.column_changes). Returns how many plans were switched. Call before the scan.
std::size_t LocateDeletesByCtid(Plan& plan, const ApplyOrder& order, bool triggers_or_rules);

}  // namespace tombstone::replay

// The order replay changes tables in, from the foreign keys in the catalog: anonymized tables
// first, then deleted tables children before parents. Foreign keys from tables whose rows stay
// (unmapped, anonymized or retained) are checked against the rows about to be deleted before
// anything changes.
#pragma once

#include <string>
#include <vector>

#include "src/pg/catalog.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

struct ApplyOrder {
  std::vector<std::size_t> tables;   // indices into the plans, in the order to change them
  std::vector<pg::ForeignKey> keys;  // every foreign key into a table whose rows are deleted
  std::vector<std::string> notes;    // for people: what each such key means for the replay
};

Result<ApplyOrder> OrderTables(pg::Session& session, const std::vector<TablePlan>& plans);

// kFailed (exit 1) when a row about to be deleted is still referenced, through a key that does
// not cascade or set null, from a table whose rows stay; names the table, the constraint and the
// number of referencing rows. Run inside the replay's transaction, before any change.
Status CheckBlockingKeys(pg::Session& session, const ApplyOrder& order,
                         const std::vector<TablePlan>& plans, const std::vector<TableScan>& scans);

}  // namespace tombstone::replay

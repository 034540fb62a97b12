// The side-effect account, before commit: what the server changed in the replay's transaction,
// table by table (two readings of pg_stat_xact_user_tables: at the start and now), against what
// replay itself asked for. Foreign-key cascades and SET NULL into tables the map does not cover
// are allowed and reported; anything else unexplained (rows a trigger inserted into another
// table, more rows changed in a mapped table than planned) fails the run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "src/pg/catalog.h"
#include "src/replay/order.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

// Rows the server deleted or changed by itself in a table the map does not cover.
struct ServerChange {
  std::string table;
  std::uint64_t deleted = 0, updated = 0;
  std::string through;  // the foreign keys that lead there
};

// kFailed (exit 1) naming the table, what replay asked for and what the server counts, with the
// keys, triggers and rules that may explain it. Tables whose entry says expect_changes and the
// materialized views refreshed are not checked here (they are scanned again and verified).
Result<std::vector<ServerChange>> AccountSideEffects(
    const std::map<std::uint32_t, pg::TableChanges>& before,
    const std::map<std::uint32_t, pg::TableChanges>& after, const Plan& plan,
    const std::vector<TableScan>& scans, const ApplyOrder& order,
    const std::vector<pg::ServerAction>& actions);

}  // namespace tombstone::replay

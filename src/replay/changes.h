// The part of a replay that runs inside its one transaction, shared by the real run and the
// rehearsal (--dry-run): scan, apply, let the server act, account for what it did, verify. The
// caller commits or rolls back.
#pragma once

#include <cstdint>
#include <vector>

#include "src/replay/job.h"
#include "src/replay/order.h"

namespace tombstone::replay {

// REQUIRES: job.session has an open transaction, begun just before (its statistics are read
// first). In order:
//   1. scan every mapped table (materialized views later);
//   2. apply the changes in `order`, checking the foreign keys before each delete;
//   3. scan again and apply the tables whose entry expects the server's changes;
//   4. refresh the materialized views and scan those the map names;
//   5. check deferred constraints now (SET CONSTRAINTS ALL IMMEDIATE);
//   6. account for every row the server changed (side_effects.h);
//   7. verify: read again every changed row (and with --verify full, scan everything again).
// Sets job.record.server_changes and .verification. The first failure is returned (with the
// holders of a lock that was not granted named).
Status ApplyAndVerify(Job& job, const ApplyOrder& order, Progress& progress);

// The relations a replay reads or changes: its tables, the tables its foreign keys lead to, the
// materialized views it refreshes (to name who holds a lock on them).
std::vector<std::uint32_t> RelationsTouched(const Job& job, const ApplyOrder& order);

}  // namespace tombstone::replay

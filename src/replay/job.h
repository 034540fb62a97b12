// What replay and verify share once the map, the tombstones and the connection are ready: the
// state of one run on one database, and the scan of every mapped table. Preparing a Job (options,
// the store, the map file) and finishing it (the receipt) is the commands' part:
// src/commands/replay_job.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/map/data_map.h"
#include "src/match/tombstone_table.h"
#include "src/pg/session.h"
#include "src/replay/parallel_scan.h"
#include "src/replay/read_path.h"
#include "src/replay/receipt.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

using match::TombstoneTable;
using tombstones::Hash128;
using tombstones::Micros;

struct Job {
  DataMap map;
  std::unique_ptr<tombstones::Key> key;  // the store's: tells its pseudonyms from lookalikes
  std::optional<TombstoneTable> tombstones;
  std::unique_ptr<pg::Session> session;
  ScanSettings scan_settings;  // --jobs: how ScanAll reads the tables
  // The erased identifiers in the clear, from a sealed store; nullopt for a hash-only store
  // (every table scanned). Checked before use (CheckClearIdentifiers): a kind the list does not
  // wholly cover is scanned.
  std::optional<std::vector<ClearIdentifier>> clear_identifiers;
  PlanMode plan_mode = PlanMode::kAuto;  // --plan
  Plan plan;
  std::vector<TableScan> scans;  // one per plan.tables entry, in the same order
  RunRecord record;

  // Adds the seconds since the last Lap to timings[step].
  void Lap(const std::string& step);
  std::chrono::steady_clock::time_point lap = std::chrono::steady_clock::now();
};

// After a failed statement: when the server refused it for a lock it could not get in time
// (lock_not_available), the same status with the sessions holding locks on the relations replay
// touches (pid, user, application, state; never their query), read once the transaction is
// rolled back. REQUIRES: the transaction is rolled back.
Status NameLockHolders(Job& job, Status failed, const std::vector<std::uint32_t>& relations);

// Chooses how each table of job.plan is read (plan.tables[i].read): the index path where the
// identifiers in the clear make it exact and (--plan auto) cheaper, the scan otherwise. Adds a
// plan note when the list leaves kinds to the scan. kFailed when the catalog cannot be read.
Status ChooseReadPaths(Job& job);

// Reads one planned relation the way its plan says: ScanTable, or LookupTable (index_path.h).
Result<TableScan> ReadTable(Job& job, const TablePlan& plan, Progress& progress);

// Reads every mapped relation once (ReadTable), in the job's transaction's snapshot: on the
// job's session in map order, or with scan_settings.jobs sessions sharing that snapshot
// (parallel_scan.h; scans and index lookups alike), which gives the same result. Materialized
// views (action refresh) are scanned only when `views` is set: replay scans them after
// refreshing. REQUIRES: the job's session is in a repeatable-read transaction that has changed
// nothing yet.
Status ScanAll(Job& job, bool views, Progress& progress);
// Scans the materialized views ScanAll left out (after replay refreshed them).
Status ScanViews(Job& job, Progress& progress);

}  // namespace tombstone::replay

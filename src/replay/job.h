// What replay and verify share: the steps before any change (load the map and the tombstones,
// connect, read the snapshot's identity, check the map against the schema), the scan of every
// mapped table, and the receipt at the end.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/cli/command.h"
#include "src/cli/store_access.h"
#include "src/cli/target.h"
#include "src/map/data_map.h"
#include "src/pg/session.h"
#include "src/replay/receipt.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"
#include "src/match/tombstone_table.h"

namespace tombstone::replay {

using match::TombstoneTable;
using tombstones::Hash128;
using tombstones::Micros;

struct Job {
  DataMap map;
  OpenedStore store;
  // replay: the store opened for writing before the fence goes up, held until the receipt is
  // recorded, so that a run never commits and then fails to record its receipt.
  OpenedStore writer;
  std::optional<TombstoneTable> tombstones;
  std::unique_ptr<pg::Session> session;
  Plan plan;
  std::vector<TableScan> scans;  // one per plan.tables entry, in the same order
  RunRecord record;
  std::string receipt_file;       // --receipt, per database (JobInput::receipt); may be empty
  bool reached_database = false;  // a receipt is written from here on

  // Adds the seconds since the last Lap to timings[step].
  void Lap(const std::string& step);
  std::chrono::steady_clock::time_point lap = std::chrono::steady_clock::now();
};

// Declares --dsn, --map, --target, --database, --receipt, --snapshot-label, --db-lock-timeout,
// --backup-source, --backup-id and --drill.
void DeclareJobOptions(cxxopts::Options& options);

// Loads the map and the store's tombstones, connects, reads the snapshot and checks the map
// against the schema. Nothing is changed. kUsage for a bad map, kStoreError for the store,
// kFailed when the server cannot be reached.
Status Prepare(Context& ctx, const std::string& command, const JobInput& input, Job& job);

// Runs `one` for each input in turn (ResolveJobInputs), stopping at the first that does not
// return ok: its status is returned, and the databases not run are named on stderr.
Status ForEachInput(Context& ctx, const std::string& command,
                    const std::function<Status(const JobInput&)>& one);

// replay: opens the store for writing (waiting --lock-timeout seconds for another writer), so
// that the receipt can be recorded whatever happens next. kStoreError when it cannot.
Status HoldStoreForReceipt(Context& ctx, Job& job);

// After a failed statement: when the server refused it for a lock it could not get in time
// (lock_not_available), the same status with the sessions holding locks on the relations replay
// touches (pid, user, application, state; never their query), read once the transaction is
// rolled back. REQUIRES: the transaction is rolled back.
Status NameLockHolders(Job& job, Status failed, const std::vector<std::uint32_t>& relations);

// Scans every mapped relation once, in map order, on the job's session. Materialized views
// (action refresh) are scanned only when `views` is set: replay scans them after refreshing.
Status ScanAll(Context& ctx, Job& job, bool views);
// Scans the materialized views ScanAll left out (after replay refreshed them).
Status ScanViews(Context& ctx, Job& job);

// Completes the record from `outcome`, prints the per-table table and writes the receipt to
// --receipt FILE (complete or not at all) and, unless `file_only`, to the store's receipts log.
// Returns `outcome`, or the receipt's own error when `outcome` was ok.
Status Finish(Context& ctx, Job& job, Status outcome, bool file_only, bool store_best_effort);

}  // namespace tombstone::replay

// What the replay and verify commands share around a replay::Job (src/replay/job.h): their
// options, preparing the job from them, running it for each database of a target, and the
// receipt at the end (the store's log and --receipt FILE).
#pragma once

#include <functional>
#include <string>

#include "src/cli/command.h"
#include "src/cli/store_access.h"
#include "src/cli/target.h"
#include "src/replay/job.h"

namespace tombstone {

struct JobRun : replay::Job {
  // replay: the store opened for writing before the fence goes up, held until the receipt is
  // recorded, so that a run never commits and then fails to record its receipt.
  OpenedStore writer;
  std::string receipt_file;       // --receipt, per database (JobInput::receipt); may be empty
  bool reached_database = false;  // a receipt is written from here on
};

// Declares --dsn, --map, --target, --database, --receipt, --snapshot-label, --db-lock-timeout,
// --backup-source, --backup-id, --jobs, --drill and --plan.
void DeclareJobOptions(cxxopts::Options& options);

// Loads the map and the store's tombstones, connects, reads the snapshot and checks the map
// against the schema. Nothing is changed. kUsage for a bad map, kStoreError for the store,
// kFailed when the server cannot be reached.
Status Prepare(Context& ctx, const std::string& command, const JobInput& input, JobRun& job);

// Runs `one` for each input in turn (ResolveJobInputs), stopping at the first that does not
// return ok: its status is returned, and the databases not run are named on stderr.
Status ForEachInput(Context& ctx, const std::string& command,
                    const std::function<Status(const JobInput&)>& one);

// replay: opens the store for writing (waiting --lock-timeout seconds for another writer), so
// that the receipt can be recorded whatever happens next. kStoreError when it cannot.
Status HoldStoreForReceipt(Context& ctx, JobRun& job);

// Completes the record from `outcome`, prints the per-table table and writes the receipt to
// --receipt FILE (complete or not at all) and, unless `file_only`, to the store's receipts log.
// Returns `outcome`, or the receipt's own error when `outcome` was ok.
Status Finish(Context& ctx, JobRun& job, Status outcome, bool file_only, bool store_best_effort);

}  // namespace tombstone

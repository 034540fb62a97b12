// tombstone verify: the same scan and match as replay, changing nothing. Exit 3 when any
// tombstoned subject is still present; also the compliance check for a live database.
#include "src/commands/verify.h"

#include <ostream>

#include "src/commands/replay_job.h"

namespace tombstone {
namespace {

using Job = JobRun;

void Declare(cxxopts::Options& options) { DeclareJobOptions(options); }

// Counts and request ids of the tombstones still present, never an identifier.
Status Outcome(Context& ctx, Job& job) {
  std::uint64_t present = 0;
  for (const replay::TableScan& scan : job.scans) present += scan.counts.to_change;
  if (present == 0) {
    job.record.verification = "clean";
    ctx.io.out << "verify clean: no mapped row matches an applicable tombstone\n";
    return Status::Ok();
  }
  job.record.verification = "residue";
  const std::vector<std::uint32_t> behind = replay::TombstonesBehind(job.record);
  ctx.io.out << "tombstoned subjects present: " << present << " rows, " << behind.size()
             << " requests:";
  constexpr std::size_t kShown = 100;  // the receipt has more (docs/receipt.md)
  for (std::size_t i = 0; i < behind.size() && i < kShown; ++i)
    ctx.io.out << " " << job.tombstones->request_id(behind[i]);
  if (behind.size() > kShown)
    ctx.io.out << " ... and " << behind.size() - kShown << " more (--receipt FILE)";
  ctx.io.out << "\n";
  return Status::Residue(std::to_string(present) + " rows of " + std::to_string(behind.size()) +
                             " tombstoned subjects are still in the database",
                         "run 'tombstone replay' on this database (docs/replay.md)");
}

Status RunOne(Context& ctx, const JobInput& input) {
  Job job;
  job.record.verify_method = "scan";
  if (Status s = Prepare(ctx, "verify", input, job); !s.ok()) return s;  // map, store, connect
  job.reached_database = true;
  replay::Progress progress(ctx.io.err, ctx.io.err_is_terminal);
  Status s = job.session->Begin(/*repeatable_read=*/true, /*read_only=*/true);  // one snapshot
  if (s.ok()) s = replay::ScanAll(job, /*views=*/true, progress);              // scan and match
  job.session->Rollback();                                                     // changes nothing
  std::vector<std::uint32_t> relations;
  for (const replay::TablePlan& plan : job.plan.tables) relations.push_back(plan.relation.oid);
  s = replay::NameLockHolders(job, s, relations);
  if (s.ok()) s = Outcome(ctx, job);
  return Finish(ctx, job, s, /*file_only=*/false, /*store_best_effort=*/true);
}

Status Run(Context& ctx) {
  return ForEachInput(ctx, "verify",
                              [&](const JobInput& input) { return RunOne(ctx, input); });
}

}  // namespace

const CommandSpec& VerifyCommand() {
  static const CommandSpec spec{
      "verify",
      "[--dsn DSN] --map FILE | --target NAME [--database DB]",
      0,
      0,
      "check that no tombstoned subject is in a database (changes nothing)",
      "Scans every table of the data map (--map) once, in one snapshot, with the same matching\n"
      "as 'replay' (normalized identifiers, the created_at guard, legal holds), and changes\n"
      "nothing. Prints per table the rows scanned, matched, and still present (rows replay would\n"
      "delete or anonymize), then the request ids of the tombstones behind them, never an\n"
      "identifier. Writes a receipt to the store (and to --receipt FILE).\n"
      "Use it after a replay, or on a live database as a compliance check.\n"
      "--jobs N reads with N sessions that share one snapshot (large tables split into block\n"
      "ranges, tables and index lookups at once): the same result as one session\n"
      "(docs/replay.md, \"More cores\").\n"
      "--plan auto|scan|index: how each table is read, as for replay (docs/replay.md, \"How\n"
      "each table is read\"): index lookups need a sealed store and --sealing-key-file; a store\n"
      "that keeps only hashes scans every table.\n"
      "--target NAME verifies each database of a configured target in turn (docs/\n"
      "configuration.md), stopping at the first that is not clean; --database DB only that one.\n"
      "Exit 0 clean; 3 tombstoned subjects present; 1 the database could not be read; 2 usage or\n"
      "map error; 4 store error.\n",
      Declare,
      Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

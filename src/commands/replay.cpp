// tombstone replay: the restore runbook's step. Re-applies every erasure to a restored database
// in one verified transaction while it is fenced off from applications, and leaves a receipt.
#include "src/commands/replay.h"

#include <ostream>
#include <vector>

#include "src/commands/replay_job.h"
#include "src/replay/changes.h"
#include "src/replay/fence.h"
#include "src/replay/order.h"
#include "src/replay/row_address.h"

namespace tombstone {
namespace {

using Job = JobRun;

void Declare(cxxopts::Options& options) {
  DeclareJobOptions(options);
  options.add_options()(
      "dry-run",
      "rehearse: run every change, the server's actions and the verification in a transaction "
      "that is rolled back; no fence, nothing changed (it takes the same locks as a replay)")(
      "verify",
      "read: read again every changed row before commit (default); full: also scan every "
      "mapped table again",
      cxxopts::value<std::string>()->default_value("read"), "HOW");
}

void PrintPlan(std::ostream& out, const Job& job, const replay::ApplyOrder& order) {
  const std::vector<replay::TablePlan>& tables = job.plan.tables;
  out << "plan (" << tables.size() << " relations; changed in this order):\n";
  int step = 0;
  const auto describe = [](const replay::TablePlan& plan) {
    std::string text = plan.Display();
    if (!plan.inherits_from.empty()) text += " (inherits from " + plan.inherits_from + ")";
    return text;
  };
  for (std::size_t i : order.tables)
    out << "  " << ++step << ". " << describe(tables[i]) << ": "
        << ActionName(tables[i].action())
        << (tables[i].map->expect_changes.empty() ? "" : ", scanned again after the changes")
        << "\n";
  for (const replay::TablePlan& plan : tables)
    if (plan.action() == Action::kRetain)
      out << "  -. " << describe(plan) << ": retain (counted, never changed"
          << (plan.map->reason.empty() ? "" : ": " + plan.map->reason) << ")\n";
  for (const replay::RefreshPlan& view : job.plan.refreshes)
    out << "  " << ++step << ". " << view.Display() << ": refresh materialized view"
        << (view.map != nullptr ? "" : " (reads a changed table)") << "\n";
  for (const replay::TablePlan& plan : tables) {
    if (!plan.guard_zone.empty())
      out << "  note: " << plan.Display() << ": guard '" << plan.map->created_at
          << "' has no time zone; read as " << plan.guard_zone << " time\n";
    for (const replay::KeySource& source : plan.sources)
      if (source.kept())
        out << "  note: " << plan.Display() << ": " << source.Describe()
            << " keeps its value (map line " << source.map->line << ": " << source.map->keep
            << ")\n";
  }
  for (const pg::ServerAction& a : job.record.server_actions)
    for (const replay::TablePlan& plan : tables)
      if (plan.relation.oid == a.relation)
        out << "  note: " << a.kind << " '" << a.name << "' on " << plan.Display() << " ("
            << a.when << "): its changes are accounted for before commit\n";
  std::string by_ctid;
  for (const replay::TablePlan& plan : tables)
    if (plan.ctid_field >= 0 && plan.locator_fields == std::vector<int>{plan.ctid_field})
      by_ctid += (by_ctid.empty() ? "" : ", ") + plan.Display();
  if (!by_ctid.empty())
    out << "  note: " << by_ctid << ": rows deleted by ctid, not by primary key (no trigger, "
        << "rule or SET NULL key can move them during replay)\n";
  // How each table is read, once there is a choice (a store with identifiers in the clear, or
  // --plan given): a hash-only store scans every table, as it always did.
  if (job.clear_identifiers || job.plan_mode != replay::PlanMode::kAuto)
    for (const replay::TablePlan& plan : tables)
      out << "  read: " << describe(plan) << ": " << (plan.read.index ? "index lookups" : "scan")
          << " (" << plan.read.why << ")\n";
  for (const std::string& note : job.plan.notes) out << "  note: " << note << "\n";
  for (const std::string& note : order.notes) out << "  note: " << note << "\n";
  const replay::KindCoverage coverage = replay::CoverageOf(job.plan, *job.tombstones);
  if (coverage.not_covered_total > 0) {
    out << "  note: " << coverage.not_covered_total
        << " tombstones have no kind this map matches, so it cannot re-apply them:";
    for (const auto& [kind, count] : coverage.not_covered) out << " " << kind << " " << count;
    out << "\n";
  }
}

void PrintServerChanges(std::ostream& out, const Job& job) {
  for (const replay::ServerChange& c : job.record.server_changes)
    out << "the server " << (job.record.committed ? "" : "would have ") << "deleted "
        << c.deleted << " and changed " << c.updated << " rows of " << c.table
        << " (not in the data map) through " << c.through << "\n";
}

Status Fence(Context& ctx, Job& job) {
  auto fence = replay::RaiseFence(*job.session);
  if (!fence.ok()) return fence.status();
  job.record.fence = fence.value();
  job.reached_database = true;
  ctx.io.err << "fence up: only superusers can connect; " << fence->sessions_ended
             << " sessions of other roles ended\n";
  job.Lap("fence");
  return Status::Ok();
}

// The whole replay in a transaction that is rolled back: every failure a replay would meet shows
// here, before any fence.
Status Rehearse(Context& ctx, Job& job, const replay::ApplyOrder& order) {
  job.record.dry_run = true;
  job.reached_database = true;
  replay::Progress progress(ctx.io.err, ctx.io.err_is_terminal);
  Status s = job.session->Begin(/*repeatable_read=*/true);
  if (s.ok()) s = replay::ApplyAndVerify(job, order, progress);
  job.session->Rollback();
  s = replay::NameLockHolders(job, s, replay::RelationsTouched(job, order));
  if (s.ok()) job.record.verification = "clean (rehearsed, rolled back)";
  PrintServerChanges(ctx.io.out, job);
  ctx.io.out << (s.ok() ? "dry run: the changes, the server's actions and the verification were "
                          "rehearsed and rolled back; nothing was changed\n"
                        : "dry run: stopped by the error below and rolled back; nothing was "
                          "changed\n");
  return Finish(ctx, job, s, /*file_only=*/true, /*store_best_effort=*/false);
}

Status RunOne(Context& ctx, const JobInput& input) {
  Job job;
  job.record.verify_method = ctx.Get<std::string>("verify");
  if (job.record.verify_method == "counts") job.record.verify_method = "read";  // its old name
  if (job.record.verify_method != "read" && job.record.verify_method != "full")
    return Status::Usage("unable to parse option '--verify': expected read or full, got '" +
                         job.record.verify_method + "'");
  if (Status s = Prepare(ctx, "replay", input, job); !s.ok())
    return s;  // map, store, connect, check the map against the schema
  auto order = replay::OrderTables(*job.session, job.plan);  // plan the foreign keys
  if (!order.ok()) return order.status();
  auto actions = pg::TriggersAndRules(*job.session, replay::RelationsTouched(job, order.value()));
  if (!actions.ok()) return actions.status();
  job.record.server_actions = std::move(actions.value());
  auto writers = replay::HasTriggersOrRules(*job.session);  // may a row move under replay?
  if (!writers.ok()) return writers.status();
  replay::LocateDeletesByCtid(job.plan, order.value(), writers.value());
  PrintPlan(ctx.io.out, job, order.value());
  if (ctx.Has("dry-run")) return Rehearse(ctx, job, order.value());
  if (Status s = HoldStoreForReceipt(ctx, job); !s.ok()) return s;  // the store's lock
  replay::Progress progress(ctx.io.err, ctx.io.err_is_terminal);
  Status s = Fence(ctx, job);                                           // fence
  if (s.ok()) s = job.session->Begin(/*repeatable_read=*/true);
  if (s.ok()) s = replay::ApplyAndVerify(job, order.value(), progress);  // scan, apply, verify
  if (s.ok()) s = job.session->Commit();                                 // commit
  if (!s.ok()) {
    job.session->Rollback();
    s = replay::NameLockHolders(job, s, replay::RelationsTouched(job, order.value()));
    if (job.record.fence.raised)
      ctx.io.err << "nothing was committed and the database stays fenced: run replay again once "
                    "the cause is fixed (docs/replay.md, \"Lifting the fence by hand\")\n";
    return Finish(ctx, job, s, false, /*store_best_effort=*/true);
  }
  job.record.committed = true;
  job.Lap("commit");
  PrintServerChanges(ctx.io.out, job);
  s = Finish(ctx, job, s, false, false);  // receipt
  if (!s.ok()) return s;
  if (Status lifted = replay::LiftFence(*job.session, job.record.fence); !lifted.ok())
    return lifted;  // unfence
  const replay::KindCoverage coverage = replay::CoverageOf(job.plan, *job.tombstones);
  ctx.io.out << "replay clean: " << replay::TombstonesBehind(job.record).size()
             << " tombstones had rows to change; " << coverage.covered << " of "
             << job.tombstones->tombstones() << " tombstones are covered by the map's kinds";
  if (coverage.not_covered_total > 0)
    ctx.io.out << " (" << coverage.not_covered_total << " cannot be matched by this map)";
  ctx.io.out << "; verified (" << job.record.verify_method << "), committed; fence lifted\n";
  return Status::Ok();
}

// A target's databases one after the other, each its own fence, transaction and receipt.
Status Run(Context& ctx) {
  return ForEachInput(ctx, "replay",
                              [&](const JobInput& input) { return RunOne(ctx, input); });
}

}  // namespace

const CommandSpec& ReplayCommand() {
  static const CommandSpec spec{
      "replay",
      "[--dsn DSN] --map FILE | --target NAME [--database DB]",
      0,
      0,
      "re-apply every erasure to a restored database, verified, with a receipt",
      "The restore runbook's step (docs/replay.md). On the restored database it:\n"
      "  1. checks the data map (--map) against the live schema: anything replay cannot honour\n"
      "     is exit 2 naming the map line, before anything is fenced or changed;\n"
      "  2. plans from the foreign keys (anonymized tables first, then deletes children before\n"
      "     parents) and lists the triggers and rules on the mapped tables; prints the plan;\n"
      "  3. takes the store's write lock (for its receipt), then fences the database: only\n"
      "     superusers can connect, other roles' sessions end;\n"
      "  4. in one transaction: scans each mapped table once (COPY of its key columns) and\n"
      "     matches every identifier against the store's tombstones; deletes, anonymizes or\n"
      "     counts the matching rows (the created_at guard and legal holds keep theirs),\n"
      "     checking before each delete that no kept row still references it; refreshes\n"
      "     materialized views;\n"
      "  5. accounts for every row the server changed (cascades, SET NULL, triggers): anything\n"
      "     unexplained fails the run; reads every changed row again (--verify);\n"
      "  6. commits, records the receipt in the store (and --receipt FILE), and only then lifts\n"
      "     the fence.\n"
      "Connect as a superuser. A second run changes nothing. Exit 0 clean; 1 failed, nothing\n"
      "changed (a lock not granted within --db-lock-timeout names who holds it); 2 usage or map\n"
      "error; 3 residue (rolled back); 4 store error. After 1, 3 or 4 the database stays fenced\n"
      "until a run succeeds or a DBA lifts the fence by hand.\n"
      "--dry-run rehearses all of it in a transaction that is rolled back, without a fence.\n"
      "--jobs N reads with N sessions that share the transaction's snapshot (large tables split\n"
      "into block ranges, tables and index lookups at once); the changes stay in the one\n"
      "transaction\n"
      "(docs/replay.md, \"More cores\").\n"
      "--plan auto|scan|index: how each table is read. A store that keeps only hashes (the\n"
      "default) scans every table; with identifiers in the clear (a sealed store, opened with\n"
      "--sealing-key-file), tables whose every match source an index answers exactly may be\n"
      "read by index lookups (docs/replay.md, \"How each table is read\"); the plan says which\n"
      "and why.\n"
      "--target NAME takes the DSN and the data map of each database of a configured target\n"
      "(docs/configuration.md) and replays them one after the other, each with its own fence,\n"
      "transaction and receipt (the receipt names the target); it stops at the first database\n"
      "that is not clean, with that database's exit code, and names those not run.\n"
      "--database DB replays only that one.\n",
      Declare,
      Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

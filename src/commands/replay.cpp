// tombstone replay: the restore runbook's step. Re-applies every erasure to a restored database
// in one verified transaction while it is fenced off from applications, and leaves a receipt.
#include "src/commands/replay.h"

#include <ostream>

#include "src/replay/apply.h"
#include "src/replay/fence.h"
#include "src/replay/job.h"
#include "src/replay/order.h"

namespace tombstone {
namespace {

using replay::Job;

void Declare(cxxopts::Options& options) {
  replay::DeclareJobOptions(options);
  options.add_options()(
      "dry-run", "print the plan and the rows each table would change; change nothing, no fence")(
      "verify",
      "counts: every statement changed exactly the rows it was given (default); "
      "full: also rescan every table before commit",
      cxxopts::value<std::string>()->default_value("counts"), "HOW");
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
        << ActionName(tables[i].action()) << "\n";
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
  for (const std::string& note : job.plan.notes) out << "  note: " << note << "\n";
  for (const std::string& note : order.notes) out << "  note: " << note << "\n";
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

// Materialized views are refreshed after the changes; those the map names with match sources
// must then hold no tombstoned subject.
Status RefreshAndCheckViews(Context& ctx, Job& job) {
  if (Status s = replay::RefreshViews(*job.session, job.plan.refreshes); !s.ok()) return s;
  if (Status s = replay::ScanViews(ctx, job); !s.ok()) return s;
  for (const replay::TableScan& scan : job.scans)
    if (scan.plan->action() == Action::kRefresh && scan.counts.to_change > 0)
      return Status::Residue("unable to verify '" + scan.plan->Display() + "': " +
                                 std::to_string(scan.counts.to_change) +
                                 " rows still match a tombstone after the refresh",
                             "nothing was committed; the database stays fenced. The view reads "
                             "them from a table the map retains or does not cover: map it");
  job.Lap("refresh");
  return Status::Ok();
}

// Before commit: by default the statement counts (checked in ApplyChanges); with --verify full,
// every table is scanned again inside the transaction and must show nothing left to change.
Status Verify(Context& ctx, Job& job) {
  if (job.record.verify_method == "full") {
    std::vector<replay::TableScan> rescan = std::move(job.scans);  // first pass, kept below
    Status rescanned = replay::ScanAll(ctx, job, /*views=*/true);
    std::swap(rescan, job.scans);  // the receipt reports the first pass and its changes
    job.record.scans.clear();
    for (const replay::TableScan& scan : job.scans) job.record.scans.push_back(&scan);
    if (!rescanned.ok()) return rescanned;
    for (const replay::TableScan& again : rescan)
      if (again.counts.to_change > 0)
        return Status::Residue("unable to verify '" + again.plan->Display() +
                                   "': " + std::to_string(again.counts.to_change) +
                                   " rows still match a tombstone after the changes",
                               "nothing was committed; the database stays fenced");
  }
  job.record.verification = "clean";
  job.Lap("verify");
  return Status::Ok();
}

Status DryRun(Context& ctx, Job& job, const replay::ApplyOrder& order) {
  job.record.dry_run = true;
  job.record.verification = "not run";
  Status s = job.session->Begin(/*repeatable_read=*/true);
  if (s.ok()) s = replay::ScanAll(ctx, job, /*views=*/true);
  if (s.ok()) s = replay::CheckBlockingKeys(*job.session, order, job.plan.tables, job.scans);
  job.session->Rollback();
  job.reached_database = true;
  ctx.io.out << "dry run: nothing was changed\n";
  return replay::Finish(ctx, job, s, /*file_only=*/true, /*store_best_effort=*/false);
}

Status Run(Context& ctx) {
  Job job;
  job.record.verify_method = ctx.Get<std::string>("verify");
  if (job.record.verify_method != "counts" && job.record.verify_method != "full")
    return Status::Usage("unable to parse option '--verify': expected counts or full, got '" +
                         job.record.verify_method + "'");
  if (Status s = replay::Prepare(ctx, "replay", job); !s.ok())
    return s;                                                 // map, store, connect, check
  auto order = replay::OrderTables(*job.session, job.plan.tables);  // plan
  if (!order.ok()) return order.status();
  PrintPlan(ctx.io.out, job, order.value());
  if (ctx.Has("dry-run")) return DryRun(ctx, job, order.value());
  Status s = Fence(ctx, job);  // fence
  if (s.ok()) s = job.session->Begin(/*repeatable_read=*/true);
  if (s.ok()) s = replay::ScanAll(ctx, job, /*views=*/false);  // scan
  if (s.ok())
    s = replay::CheckBlockingKeys(*job.session, order.value(), job.plan.tables, job.scans);
  if (s.ok())
    s = replay::ApplyChanges(*job.session, order.value(), job.plan.tables, job.scans,
                             *job.store.key);  // apply
  if (s.ok()) job.Lap("apply");
  if (s.ok()) s = RefreshAndCheckViews(ctx, job);  // refresh
  if (s.ok()) s = Verify(ctx, job);                // verify
  if (s.ok()) s = job.session->Commit();  // commit
  if (!s.ok()) {
    job.session->Rollback();
    if (job.record.fence.raised)
      ctx.io.err << "nothing was committed and the database stays fenced: run replay again once "
                    "the cause is fixed (docs/replay.md, \"Lifting the fence by hand\")\n";
    return replay::Finish(ctx, job, s, false, /*store_best_effort=*/true);
  }
  job.Lap("commit");
  s = replay::Finish(ctx, job, s, false, false);  // receipt
  if (!s.ok()) return s;
  if (Status lifted = replay::LiftFence(*job.session, job.record.fence); !lifted.ok())
    return lifted;  // unfence
  ctx.io.out << "replay clean: " << replay::TombstonesBehind(job.record).size()
             << " tombstones applied, verified (" << job.record.verify_method
             << "), committed; fence lifted\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& ReplayCommand() {
  static const CommandSpec spec{
      "replay",
      "[--dsn DSN] --map FILE",
      0,
      0,
      "re-apply every erasure to a restored database, verified, with a receipt",
      "The restore runbook's step (docs/replay.md). On the restored database it:\n"
      "  1. checks the data map (--map) against the live schema (exit 2 naming the map line);\n"
      "  2. plans from the foreign keys: anonymized tables first, then deletes children before\n"
      "     parents; prints the plan;\n"
      "  3. fences the database: only superusers can connect, other roles' sessions end;\n"
      "  4. scans each mapped table once (COPY of its key columns) and matches every identifier\n"
      "     against the store's tombstones; a key from an uncovered table that would block a\n"
      "     delete stops the run here (exit 1, nothing changed);\n"
      "  5. deletes, anonymizes or counts (retain) the matching rows in one transaction; rows\n"
      "     created after the erasure (the map's created_at guard) and subjects on legal hold\n"
      "     are kept and counted;\n"
      "  6. verifies, commits, records the receipt in the store (and --receipt FILE), and only\n"
      "     then lifts the fence.\n"
      "Connect as a superuser. A second run changes nothing. Exit 0 clean; 1 failed, nothing\n"
      "changed; 2 usage or map error; 3 residue (rolled back); 4 store error. After 1, 3 or 4\n"
      "the database stays fenced until a run succeeds or a DBA lifts the fence by hand.\n"
      "--dry-run prints the plan and what would change, and changes nothing.\n",
      Declare,
      Run};
  return spec;
}

}  // namespace tombstone

#include "src/replay/changes.h"

#include <set>

#include "src/replay/apply.h"
#include "src/replay/side_effects.h"
#include "src/replay/verify_changes.h"

namespace tombstone::replay {
namespace {

// Tables whose entry expects the server to change them (a trigger copies rows there): scanned
// again once replay's own changes are done, and changed again.
Status SecondPass(Job& job, const ApplyOrder& order, Progress& progress) {
  for (std::size_t i = 0; i < job.plan.tables.size(); ++i) {
    const TablePlan& plan = job.plan.tables[i];
    if (plan.map->expect_changes.empty() || plan.action() == Action::kRetain) continue;
    auto again = ReadTable(job, plan, progress);  // the way the first pass read it
    if (!again.ok()) return again.status();
    TableScan first = std::move(job.scans[i]);
    job.scans[i] = std::move(again.value());
    Status s = ApplyPlan(*job.session, order, job.plan.tables, job.scans, i, *job.key);
    // The receipt counts both passes: the first pass's rows and what the second one changed.
    first.counts.deleted += job.scans[i].counts.deleted;
    first.counts.anonymized += job.scans[i].counts.anonymized;
    first.counts.to_change += job.scans[i].counts.to_change;
    first.counts.matched += job.scans[i].counts.matched;
    std::swap(first, job.scans[i]);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Materialized views are refreshed after the changes; those the map names with match sources
// must then hold no tombstoned subject.
Status RefreshAndCheckViews(Job& job, Progress& progress) {
  if (Status s = RefreshViews(*job.session, job.plan.refreshes); !s.ok()) return s;
  if (Status s = ScanViews(job, progress); !s.ok()) return s;
  for (const TableScan& scan : job.scans)
    if (scan.plan->action() == Action::kRefresh && scan.counts.to_change > 0)
      return Status::Residue("unable to verify '" + scan.plan->Display() + "': " +
                                 std::to_string(scan.counts.to_change) +
                                 " rows still match a tombstone after the refresh",
                             "nothing was committed; the view reads them from a table the map "
                             "retains or does not cover: map it");
  return Status::Ok();
}

// Reading `plan` again (a full scan, or the lookups of a table read through its indexes) must
// find nothing left to change.
Status Rescan(Job& job, const TablePlan& plan, bool full, Progress& progress) {
  auto again = full ? ScanTable(*job.session, plan, *job.tombstones, *job.key, progress)
                    : ReadTable(job, plan, progress);
  if (!again.ok()) return again.status();
  if (again->counts.to_change > 0)
    return Status::Residue("unable to verify '" + plan.Display() + "': " +
                               std::to_string(again->counts.to_change) +
                               " rows still match a tombstone after the changes" +
                               (!full && plan.read.index ? " (read through its indexes)" : ""),
                           "nothing was committed");
  return Status::Ok();
}

Status Verify(Job& job, Progress& progress) {
  if (Status s = VerifyByReading(*job.session, job.plan.tables, job.scans, *job.tombstones,
                                 *job.key);
      !s.ok())
    return s;
  const bool full = job.record.verify_method == "full";
  for (const TablePlan& plan : job.plan.tables) {
    if (plan.action() == Action::kRefresh) continue;  // checked after the refresh
    // A table read through its indexes is read so again (the lookups are cheap): a trigger
    // or rule that put a subject back shows there. --verify full scans every table.
    if (full || !plan.map->expect_changes.empty() || plan.read.index)
      if (Status s = Rescan(job, plan, full, progress); !s.ok()) return s;
  }
  job.record.verification = "clean";
  return Status::Ok();
}

}  // namespace

std::vector<std::uint32_t> RelationsTouched(const Job& job, const ApplyOrder& order) {
  std::set<std::uint32_t> oids;
  for (const TablePlan& p : job.plan.tables) oids.insert(p.relation.oid);
  for (const RefreshPlan& r : job.plan.refreshes) oids.insert(r.view.oid);
  for (const pg::ForeignKey& fk : order.keys)
    if (oids.count(fk.parent_oid) > 0) oids.insert(fk.declared_child);
  return {oids.begin(), oids.end()};
}

Status ApplyAndVerify(Job& job, const ApplyOrder& order, Progress& progress) {
  auto before = pg::TransactionChanges(*job.session);  // this transaction's starting point
  if (!before.ok()) return before.status();
  if (Status s = ScanAll(job, /*views=*/false, progress); !s.ok()) return s;  // scan
  if (Status s = ApplyChanges(*job.session, order, job.plan.tables, job.scans, *job.key);
      !s.ok())
    return s;  // apply
  if (Status s = SecondPass(job, order, progress); !s.ok()) return s;
  job.Lap("apply");
  if (Status s = RefreshAndCheckViews(job, progress); !s.ok()) return s;  // refresh
  auto checked = job.session->Query("check deferred constraints", "SET CONSTRAINTS ALL IMMEDIATE",
                                    {}, pg::Shape::kAnyRows, tombstones::ExitCode::kFailed,
                                    pg::Detail::kConditionOnly);
  if (!checked.ok()) return checked.status();
  auto after = pg::TransactionChanges(*job.session);  // account
  if (!after.ok()) return after.status();
  auto changes = AccountSideEffects(before.value(), after.value(), job.plan, job.scans, order,
                                    job.record.server_actions);
  if (!changes.ok()) return changes.status();
  job.record.server_changes = std::move(changes.value());
  Status verified = Verify(job, progress);  // verify
  job.Lap("verify");
  return verified;
}

}  // namespace tombstone::replay

#include "src/replay/job.h"

#include "src/pg/errors.h"

namespace tombstone::replay {

void Job::Lap(const std::string& step) {
  const auto now = std::chrono::steady_clock::now();
  record.timings[step] += std::chrono::duration<double>(now - lap).count();
  lap = now;
}

Status NameLockHolders(Job& job, Status failed, const std::vector<std::uint32_t>& relations) {
  if (job.session->last_sqlstate() != pg::kLockNotAvailable) return failed;
  auto holders = pg::LockHolders(*job.session, relations);
  std::string who;
  if (holders.ok())
    for (const std::string& h : holders.value()) who += (who.empty() ? "" : "; ") + h;
  return Status::Failed(
      failed.message() + ": a lock was not granted within --db-lock-timeout" +
          (who.empty() ? std::string() : "; held by " + who),
      "nothing was committed; end that session (SELECT pg_terminate_backend(pid)) or let it "
      "finish, then run replay again");
}

namespace {

// ScanAll on the job's session alone, in the order of `plans`.
Result<std::vector<TableScan>> ScanOneByOne(Job& job, const std::vector<const TablePlan*>& plans,
                                            Progress& progress) {
  std::vector<TableScan> scans;
  for (const TablePlan* plan : plans) {
    auto scan = ScanTable(*job.session, *plan, *job.tombstones, *job.key, progress);
    if (!scan.ok()) return scan.status();
    scans.push_back(std::move(scan.value()));
  }
  return scans;
}

}  // namespace

Status ScanAll(Job& job, bool views, Progress& progress) {
  job.scans.clear();
  job.scans.reserve(job.plan.tables.size());
  job.record.scans.clear();
  const auto now = [views](const TablePlan& plan) {
    return plan.action() != Action::kRefresh || views;  // else scanned once refreshed (ScanViews)
  };
  std::vector<const TablePlan*> plans;
  for (const TablePlan& plan : job.plan.tables)
    if (now(plan)) plans.push_back(&plan);
  auto scans = job.scan_settings.jobs > 1
                   ? ScanInParallel(*job.session, job.scan_settings, plans, *job.tombstones,
                                    *job.key, progress)
                   : ScanOneByOne(job, plans, progress);
  if (!scans.ok()) return scans.status();
  std::size_t next = 0;
  for (const TablePlan& plan : job.plan.tables) {
    if (now(plan)) {
      job.scans.push_back(std::move(scans.value()[next++]));
      continue;
    }
    job.scans.emplace_back();
    job.scans.back().plan = &plan;
  }
  for (const TableScan& scan : job.scans) job.record.scans.push_back(&scan);
  job.Lap("scan");
  return Status::Ok();
}

Status ScanViews(Job& job, Progress& progress) {
  for (TableScan& scan : job.scans) {
    if (scan.plan->action() != Action::kRefresh) continue;
    auto again = ScanTable(*job.session, *scan.plan, *job.tombstones, *job.key, progress);
    if (!again.ok()) return again.status();
    scan = std::move(again.value());
  }
  return Status::Ok();
}

}  // namespace tombstone::replay

#include "src/replay/job.h"

#include <set>

#include "src/pg/errors.h"
#include "src/replay/index_path.h"

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

Status ChooseReadPaths(Job& job) {
  if (!job.clear_identifiers || job.plan_mode == PlanMode::kScan)
    return replay::ChooseReadPaths(*job.session, &job.plan, nullptr, job.plan_mode);
  const std::map<std::string, ClearKind> clear =
      CheckClearIdentifiers(*job.clear_identifiers, *job.tombstones, *job.key);
  std::set<std::string> read;  // the kinds some match source reads
  for (const TablePlan& plan : job.plan.tables)
    for (const KeySource& source : plan.sources) read.insert(source.kind);
  for (const auto& [kind, checked] : clear)
    if (!checked.complete && read.count(kind) > 0)
      job.plan.notes.push_back("kind '" + kind + "' is scanned: " + checked.why);
  return replay::ChooseReadPaths(*job.session, &job.plan, &clear, job.plan_mode);
}

Result<TableScan> ReadTable(Job& job, const TablePlan& plan, Progress& progress) {
  if (plan.read.index) return LookupTable(*job.session, plan, *job.tombstones, *job.key);
  return ScanTable(*job.session, plan, *job.tombstones, *job.key, progress);
}

namespace {

// Reads `plans` on the job's session alone, in their order (ReadTable).
Result<std::vector<TableScan>> ReadOneByOne(Job& job, const std::vector<const TablePlan*>& plans,
                                            Progress& progress) {
  std::vector<TableScan> scans;
  for (const TablePlan* plan : plans) {
    auto scan = ReadTable(job, *plan, progress);
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
  // On the job's session alone, in map order; or over --jobs sessions, index lookups and scans
  // at the same time.
  std::vector<const TablePlan*> read;
  bool lookups = false;
  for (const TablePlan& plan : job.plan.tables)
    if (now(plan)) {
      read.push_back(&plan);
      lookups = lookups || plan.read.index;
    }
  const bool parallel = job.scan_settings.jobs > 1 && !read.empty();
  // The lookups' sessions keep their parameters out of the server log; so must the job's, whose
  // deletes by primary key would show the erased subjects' keys there.
  if (parallel && lookups)
    if (Status s = KeepParametersOutOfLog(*job.session); !s.ok()) return s;
  auto scans = parallel ? ScanInParallel(*job.session, job.scan_settings, read, *job.tombstones,
                                         *job.key, progress)
                        : ReadOneByOne(job, read, progress);
  if (!scans.ok()) return scans.status();
  std::size_t next = 0;
  for (const TablePlan& plan : job.plan.tables) {
    if (!now(plan)) {
      job.scans.emplace_back();
      job.scans.back().plan = &plan;
    } else {
      job.scans.push_back(std::move(scans.value()[next++]));
    }
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

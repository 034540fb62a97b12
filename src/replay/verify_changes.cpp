#include "src/replay/verify_changes.h"

#include <algorithm>

#include "src/replay/locator.h"

namespace tombstone::replay {

Status VerifyByReading(pg::Session& session, const std::vector<TablePlan>& plans,
                       const std::vector<TableScan>& scans, const TombstoneTable& tombstones,
                       const tombstones::Key& key) {
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const TablePlan& plan = plans[i];
    const TableScan& scan = scans[i];
    const std::size_t k = plan.locator.size();
    const std::string condition = LocatorCondition(plan, "p", 1);
    if (plan.action() == Action::kDelete) {
      // Rows deleted by ctid are not read again: the deleted version stays in its slot until
      // after commit, so a read by ctid could never find one, and a row put back gets a new
      // ctid. What would put one back (a trigger, a rule) inserts into a mapped table, which the
      // accounting of the server's changes refuses unless the map expects it, and then that
      // table is scanned again (changes.cpp).
      if (std::find(plan.locator.begin(), plan.locator.end(), "ctid") != plan.locator.end())
        continue;
      std::uint64_t back = 0;
      for (std::size_t b = 0; b < scan.rows.size(); b += kBatchRows) {
        const std::size_t e = std::min(scan.rows.size(), b + kBatchRows);
        auto count = session.QueryValue<std::uint64_t>(
            "read again the deleted rows of '" + plan.Display() + "'",
            "SELECT count(*) FROM " + plan.target + " p WHERE " + condition,
            LocatorParams(scan.rows, b, e, k), tombstones::ExitCode::kFailed,
            pg::Detail::kConditionOnly);
        if (!count.ok()) return count.status();
        back += count.value();
      }
      if (back > 0)
        return Status::Residue("unable to verify '" + plan.Display() + "': " +
                                   std::to_string(back) + " of the rows replay deleted are there "
                                   "again",
                               "nothing was committed; the database stays fenced. A trigger or "
                               "rule puts them back: the plan lists them ('replay --dry-run')");
    } else if (plan.action() == Action::kAnonymize) {
      std::uint64_t still = 0;
      for (std::size_t b = 0; b < scan.updated.size(); b += kBatchRows) {
        const std::size_t e = std::min(scan.updated.size(), b + kBatchRows);
        auto again = ScanRows(session, plan, tombstones, key, condition,
                              LocatorParams(scan.updated, b, e, k));
        if (!again.ok()) return again.status();
        still += again->counts.to_change;
      }
      if (still > 0)
        return Status::Residue("unable to verify '" + plan.Display() + "': " +
                                   std::to_string(still) + " of the rows replay anonymized still "
                                   "match a tombstone, or lost their anonymized values",
                               "nothing was committed; the database stays fenced. A trigger may "
                               "keep the old values: the plan lists the triggers "
                               "('replay --dry-run')");
    }
  }
  return Status::Ok();
}

}  // namespace tombstone::replay

#include "src/replay/apply.h"

#include <chrono>

#include "src/pg/errors.h"
#include "src/replay/locator.h"

namespace tombstone::replay {
namespace {

using Strategy = AnonymizeSet::Strategy;

std::string DeleteSql(const TablePlan& plan) {
  return "DELETE FROM " + plan.target + " p WHERE " + LocatorCondition(plan, "p", 1);
}

// UPDATE ... FROM unnest(locator arrays, pseudonym arrays) v: constants are parameters after the
// arrays; 'hash' columns take their row's pseudonym from v.
std::string UpdateSql(pg::Session& session, const TablePlan& plan, int* constants_from) {
  const std::size_t k = plan.locator.size();
  std::string arrays, names, match, assignments;
  int param = 1;
  for (std::size_t i = 0; i < k; ++i, ++param) {
    arrays += (i ? ", $" : "$") + std::to_string(param) + "::" + plan.locator_types[i] + "[]";
    names += (i ? ", l" : "l") + std::to_string(i);
    match += (i ? " AND p." : "p.") + plan.locator[i] + " = v.l" + std::to_string(i);
  }
  for (std::size_t s = 0; s < plan.sets.size(); ++s) {
    if (plan.sets[s].strategy != Strategy::kHash) continue;
    arrays += ", $" + std::to_string(param++) + "::text[]";
    names += ", h" + std::to_string(s);
  }
  *constants_from = param;
  for (std::size_t s = 0; s < plan.sets.size(); ++s) {
    const SetTarget& set = plan.sets[s];
    std::string value;
    switch (set.strategy) {
      case Strategy::kNull: value = "NULL"; break;
      case Strategy::kHash: value = "v.h" + std::to_string(s) + "::" + set.type; break;
      case Strategy::kRedact:
      case Strategy::kLiteral: value = "$" + std::to_string(param++) + "::text::" + set.type; break;
    }
    assignments += (s ? ", " : "") + session.QuoteName(set.column) + " = " + value;
  }
  // The new row versions' locators come back: a ctid changes with every update, and the rows
  // are read again by them to verify the result.
  std::string returning;
  for (std::size_t i = 0; i < k; ++i) returning += (i ? ", p." : "p.") + plan.locator[i];
  return "UPDATE " + plan.target + " p SET " + assignments + " FROM unnest(" + arrays + ") AS v(" +
         names + ") WHERE " + match + " RETURNING " + returning;
}

// The pseudonym of a 'hash' column's value: of the normalized identifier when the column is a
// match source (one subject, one pseudonym per kind, whatever its spelling), else of the text.
std::string PseudonymOf(const SetTarget& set, std::string_view value, const tombstones::Key& key,
                        std::string* scratch) {
  if (!set.pseudonym_kind.empty() &&
      tombstones::Normalize(set.pseudonym_normalizer, value, scratch))
    return key.Pseudonym(set.pseudonym_kind, *scratch);
  return key.Pseudonym({}, value);
}

std::vector<std::string> UpdateParams(const TablePlan& plan, const TableScan& scan,
                                      std::size_t begin, std::size_t end,
                                      const tombstones::Key& key) {
  std::vector<std::string> params = LocatorParams(scan.rows, begin, end, plan.locator.size());
  const std::size_t k = plan.locator.size();
  std::string scratch;
  for (std::size_t s = 0; s < plan.sets.size(); ++s) {
    if (plan.sets[s].strategy != Strategy::kHash) continue;
    std::string pseudonyms = "{";
    RowsToChange::Cursor row(scan.rows, begin);
    for (std::size_t r = begin; r < end; ++r, row.Next()) {
      if (r > begin) pseudonyms += ',';
      const bool null = row.IsNull(k + s);
      AppendArrayElement(&pseudonyms,
                         null ? std::string() : PseudonymOf(plan.sets[s], row.Value(k + s), key,
                                                            &scratch),
                         null);
    }
    params.push_back(pseudonyms + "}");
  }
  for (const SetTarget& set : plan.sets)
    if (set.strategy == Strategy::kRedact || set.strategy == Strategy::kLiteral)
      params.push_back(set.value);
  return params;
}

// A delete the server refused for a foreign key that CheckBeforeDelete could not see: one that
// blocks the rows a cascade reaches. Names the candidates.
Status BlockedFurtherDown(const ApplyOrder& order, const TablePlan& plan, const Status& failed) {
  std::string keys;
  for (const auto& [relation, into] : order.cascade_deletes) {
    (void)into;
    for (const pg::ForeignKey& fk : order.keys)
      if (fk.parent_oid == relation && fk.Blocks())
        keys += (keys.empty() ? "" : ", ") + std::string("'") + fk.name + "' (" +
                fk.ChildDisplay() + " -> " + fk.ParentDisplay() + ", ON DELETE " +
                std::string(fk.OnDeleteName()) + ")";
  }
  return Status::Failed(failed.message() + (keys.empty() ? std::string() :
                                             ": rows the server deletes by cascade are still "
                                             "referenced through " + keys),
                        "nothing was committed; map the referencing table(s) of '" +
                            plan.Display() + "' to delete those rows, or change the constraint, "
                            "then run replay again ('replay --dry-run' shows it without a fence)");
}

// SAVEPOINT, ROLLBACK TO SAVEPOINT or RELEASE SAVEPOINT of the one savepoint a delete takes.
Status Savepoint(pg::Session& session, const std::string& command, const TablePlan& plan) {
  auto done = session.Query("prepare the delete from '" + plan.Display() + "'",
                            command + " tombstone_delete", {}, pg::Shape::kAnyRows,
                            tombstones::ExitCode::kFailed, pg::Detail::kConditionOnly);
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace

Status ApplyPlan(pg::Session& session, const ApplyOrder& order,
                 const std::vector<TablePlan>& plans, std::vector<TableScan>& scans,
                 std::size_t index, const tombstones::Key& key) {
  const TablePlan& plan = plans[index];
  TableScan& scan = scans[index];
  const bool deleting = plan.action() == Action::kDelete;
  // Blocking keys the server enforces at each statement's end are counted only after a refusal,
  // from a savepoint taken before the first delete (KeyChecks).
  bool savepoint = false;
  if (deleting && !scan.rows.empty()) {
    auto enforced = ServerEnforcesBlockingKeys(session, order, plans, index);
    if (!enforced.ok()) return enforced.status();
    savepoint = enforced.value();
  }
  if (deleting)
    if (Status s = CheckBeforeDelete(session, order, plans, scans, index,
                                     savepoint ? KeyChecks::kNotEnforcedByServer : KeyChecks::kAll);
        !s.ok())
      return s;
  if (savepoint)
    if (Status s = Savepoint(session, "SAVEPOINT", plan); !s.ok()) return s;
  const auto refused = [&](const Status& failed) {
    if (!savepoint) return BlockedFurtherDown(order, plan, failed);
    if (Status s = Savepoint(session, "ROLLBACK TO SAVEPOINT", plan); !s.ok()) return s;
    if (Status s = CheckBeforeDelete(session, order, plans, scans, index); !s.ok()) return s;
    return BlockedFurtherDown(order, plan, failed);
  };
  int constants_from = 0;
  const std::string sql = deleting ? DeleteSql(plan) : UpdateSql(session, plan, &constants_from);
  const std::string what = std::string(deleting ? "delete from" : "anonymize rows of") + " '" +
                           plan.Display() + "'";
  const std::size_t k = plan.locator.size();
  const std::size_t batch = order.one_statement.count(index) ? scan.rows.size() : kBatchRows;
  scan.updated = RowsToChange(k);
  std::vector<std::string_view> values(k);
  std::vector<const std::string_view*> pointers(k);
  for (std::size_t b = 0; b < scan.rows.size(); b += batch) {
    const std::size_t e = std::min(scan.rows.size(), b + batch);
    auto done = session.Query(what, sql,
                              deleting ? LocatorParams(scan.rows, b, e, k)
                                       : UpdateParams(plan, scan, b, e, key),
                              pg::Shape::kAnyRows, tombstones::ExitCode::kFailed,
                              pg::Detail::kConditionOnly);
    if (!done.ok() && deleting && session.last_sqlstate() == pg::kForeignKeyViolation)
      return refused(done.status());
    if (!done.ok()) return done.status();
    const auto changed = static_cast<std::uint64_t>(done->affected_rows());
    (deleting ? scan.counts.deleted : scan.counts.anonymized) += changed;
    if (changed != e - b)
      return Status::Residue("unable to verify '" + plan.Display() + "': a statement given " +
                                 std::to_string(e - b) + " rows changed " + std::to_string(changed),
                             "nothing was committed; the database stays fenced. A trigger may "
                             "skip the change; run 'tombstone replay --dry-run' to see the plan's "
                             "triggers, and 'tombstone verify'");
    if (deleting) continue;
    for (const auto& row : done.value()) {  // the RETURNING locators of the new versions
      std::vector<std::string> text(k);
      for (std::size_t i = 0; i < k; ++i) {
        text[i] = row[static_cast<int>(i)].c_str();
        values[i] = text[i];
        pointers[i] = &values[i];
      }
      scan.updated.Add(pointers.data());
    }
  }
  if (savepoint) return Savepoint(session, "RELEASE SAVEPOINT", plan);
  return Status::Ok();
}

Status RefreshViews(pg::Session& session, const std::vector<RefreshPlan>& refreshes) {
  for (const RefreshPlan& r : refreshes) {
    auto done = session.Query("refresh materialized view '" + r.Display() + "'",
                              "REFRESH MATERIALIZED VIEW " + r.quoted, {}, pg::Shape::kAnyRows,
                              tombstones::ExitCode::kFailed, pg::Detail::kConditionOnly);
    if (!done.ok()) return done.status();
  }
  return Status::Ok();
}

Status ApplyChanges(pg::Session& session, const ApplyOrder& order,
                    const std::vector<TablePlan>& plans, std::vector<TableScan>& scans,
                    const tombstones::Key& key) {
  for (std::size_t i : order.tables) {
    const auto started = std::chrono::steady_clock::now();
    if (Status s = ApplyPlan(session, order, plans, scans, i, key); !s.ok()) return s;
    scans[i].counts.apply_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return Status::Ok();
}

}  // namespace tombstone::replay

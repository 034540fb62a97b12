#include "src/replay/order.h"

#include <algorithm>

#include "src/replay/locator.h"
#include "src/replay/set_check.h"

namespace tombstone::replay {
namespace {

bool Deletes(const TablePlan& p) { return p.action() == Action::kDelete; }

// The plan of physical relation `oid`, or -1.
int PlanOf(const std::vector<TablePlan>& plans, std::uint32_t oid) {
  for (std::size_t i = 0; i < plans.size(); ++i)
    if (plans[i].relation.oid == oid) return static_cast<int>(i);
  return -1;
}

std::string KeyName(const pg::ForeignKey& fk) {
  return "'" + fk.name + "' (" + fk.ChildDisplay() + " -> " + fk.ParentDisplay() + ", ON DELETE " +
         std::string(fk.OnDeleteName()) + ")";
}

std::string Note(const std::vector<TablePlan>& plans, const pg::ForeignKey& fk) {
  const int child = PlanOf(plans, fk.child_oid);
  const std::string head = "foreign key " + KeyName(fk) + ": ";
  if (child >= 0 && Deletes(plans[static_cast<std::size_t>(child)]))
    return head + (fk.child_oid == fk.parent_oid
                       ? "rows of the same table; checked before the delete"
                       : "deleted first, as a child; rows it keeps are checked before the delete");
  const std::string whose =
      child < 0 ? "an unmapped table"
                : "a table whose rows stay (" +
                      std::string(ActionName(plans[static_cast<std::size_t>(child)].action())) +
                      ")";
  if (fk.Cascades())
    return head + "the server deletes the referencing rows of " + whose +
           (child < 0 ? ": allowed, and counted in the receipt"
                      : ": checked before the delete, stops the replay if there are any");
  if (fk.SetsColumns())
    return head + "the server clears the reference in the rows of " + whose +
           (child < 0 ? ": allowed, and counted in the receipt"
                      : ": checked before the delete, stops the replay if there are any");
  return head + "from " + whose +
         ": checked before the delete; a deleted row still referenced stops the replay";
}

// What `plan` keeps of the rows that still reference the deleted ones, for messages.
std::string KeptRows(const TablePlan& plan) {
  switch (plan.action()) {
    case Action::kDelete:
      return "rows replay keeps (not matched, on hold, or kept by the guard)";
    case Action::kAnonymize:
      return "rows the data map keeps (anonymize)";
    case Action::kRetain:
      return "rows the data map keeps (retain)";
    case Action::kRefresh:
      break;
  }
  return "rows the data map keeps";
}

// Statically refused: an anonymized column that a key references or that places the row in its
// partition.
Status CheckSets(pg::Session& session, const Plan& plan, const std::vector<pg::ForeignKey>& keys) {
  for (const TablePlan& p : plan.tables) {
    if (p.action() != Action::kAnonymize) continue;
    std::vector<std::string> partition_key;
    if (p.relation.kind == 'p') {
      auto columns = pg::PartitionKeyColumns(session, p.relation.oid);
      if (!columns.ok()) return columns.status();
      partition_key = std::move(columns.value());
    }
    for (const AnonymizeSet& set : p.map->set) {
      for (const pg::ForeignKey& fk : keys)
        if (fk.parent_oid == p.relation.oid &&
            std::find(fk.parent_columns.begin(), fk.parent_columns.end(), set.column) !=
                fk.parent_columns.end())
          return MapError(*plan.map, set.line,
                          "column '" + set.column + "' of table '" + p.Display() +
                              "' is referenced by foreign key " + KeyName(fk) +
                              ": anonymizing it would change or break the references; map '" +
                              fk.ChildDisplay() + "' too and anonymize there, or keep it");
      if (std::find(partition_key.begin(), partition_key.end(), set.column) != partition_key.end())
        return MapError(*plan.map, set.line,
                        "column '" + set.column + "' of table '" + p.Display() +
                            "' is part of its partition key: anonymizing it would move rows "
                            "between partitions");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string KeysInto(const ApplyOrder& order, std::uint32_t relation, bool deletes) {
  const auto& index = deletes ? order.cascade_deletes : order.column_changes;
  const auto found = index.find(relation);
  if (found == index.end()) return {};
  std::string names;
  for (std::size_t k : found->second) names += (names.empty() ? "" : ", ") + KeyName(order.keys[k]);
  return names;
}

Result<ApplyOrder> OrderTables(pg::Session& session, const Plan& plan) {
  const std::vector<TablePlan>& plans = plan.tables;
  ApplyOrder order;
  auto keys = pg::AllForeignKeys(session);
  if (!keys.ok()) return keys.status();
  order.keys = std::move(keys.value());
  if (Status s = CheckSets(session, plan, order.keys); !s.ok()) return s;

  for (std::size_t i = 0; i < plans.size(); ++i)
    if (plans[i].action() == Action::kAnonymize) order.tables.push_back(i);

  // Children before parents: a deleting table goes once every other deleting table that
  // references it has gone. A cycle falls back to map order (the checks before each delete then
  // find what still blocks).
  std::vector<std::size_t> pending;
  std::map<std::size_t, std::size_t> waiting;  // plan -> deleting children not yet placed
  for (std::size_t i = 0; i < plans.size(); ++i)
    if (Deletes(plans[i])) pending.push_back(i), waiting[i] = 0;
  const auto deleting = [&](std::uint32_t oid) {
    const int p = PlanOf(plans, oid);
    return p >= 0 && Deletes(plans[static_cast<std::size_t>(p)]) ? p : -1;
  };
  for (const pg::ForeignKey& fk : order.keys) {
    const int child = deleting(fk.child_oid), parent = deleting(fk.parent_oid);
    if (child >= 0 && parent >= 0 && child != parent) ++waiting[static_cast<std::size_t>(parent)];
    if (child >= 0 && child == parent && fk.Blocks())
      order.one_statement.insert(static_cast<std::size_t>(child));
  }
  while (!pending.empty()) {
    std::size_t pick = pending.size();
    for (std::size_t j = 0; j < pending.size() && pick == pending.size(); ++j)
      if (waiting[pending[j]] == 0) pick = j;
    if (pick == pending.size()) pick = 0;  // a cycle
    const std::size_t table = pending[pick];
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
    order.tables.push_back(table);
    for (const pg::ForeignKey& fk : order.keys) {
      const int parent = deleting(fk.parent_oid);
      if (deleting(fk.child_oid) == static_cast<int>(table) && parent >= 0 &&
          parent != static_cast<int>(table) && waiting[static_cast<std::size_t>(parent)] > 0)
        --waiting[static_cast<std::size_t>(parent)];
    }
  }

  // Where the server goes from the deleted rows: cascades reach further tables (whose deleted
  // rows cascade again), SET NULL and SET DEFAULT change rows and stop there.
  std::set<std::uint32_t> losing;  // relations that lose rows
  for (std::size_t i : order.tables)
    if (Deletes(plans[i])) losing.insert(plans[i].relation.oid);
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t k = 0; k < order.keys.size(); ++k) {
      const pg::ForeignKey& fk = order.keys[k];
      if (losing.count(fk.parent_oid) == 0) continue;
      auto& into = fk.Cascades() ? order.cascade_deletes[fk.child_oid]
                                 : order.column_changes[fk.child_oid];
      if (!fk.Cascades() && !fk.SetsColumns()) continue;
      if (std::find(into.begin(), into.end(), k) == into.end()) into.push_back(k);
      if (fk.Cascades() && losing.insert(fk.child_oid).second) grew = true;
    }
  }
  for (auto it = order.column_changes.begin(); it != order.column_changes.end();)
    it = it->second.empty() ? order.column_changes.erase(it) : std::next(it);

  for (const pg::ForeignKey& fk : order.keys)
    if (deleting(fk.parent_oid) >= 0) order.notes.push_back(Note(plans, fk));
  return order;
}

Result<bool> ServerEnforcesBlockingKeys(pg::Session& session, const ApplyOrder& order,
                                        const std::vector<TablePlan>& plans, std::size_t index) {
  bool blocking = false;
  for (const pg::ForeignKey& fk : order.keys)
    if (fk.parent_oid == plans[index].relation.oid && fk.Blocks() && !fk.deferrable)
      blocking = true;
  if (!blocking) return false;
  // A disabled trigger (ALTER TABLE ... DISABLE TRIGGER ALL), or a replica session, lets the
  // delete through without the check: then replay counts the references itself. (The partition
  // tree of a plain table is empty: the table itself is named too.)
  return session.QueryValue<bool>(
      "read whether the foreign keys into '" + plans[index].Display() + "' are enforced",
      "SELECT pg_catalog.current_setting('session_replication_role') IN ('origin', 'local') AND "
      "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgisinternal AND "
      "t.tgenabled NOT IN ('O', 'A') AND (t.tgrelid = $1::oid OR t.tgrelid IN (SELECT relid "
      "FROM pg_catalog.pg_partition_tree($1::oid))))",
      {std::to_string(plans[index].relation.oid)}, tombstones::ExitCode::kFailed,
      pg::Detail::kConditionOnly);
}

Status CheckBeforeDelete(pg::Session& session, const ApplyOrder& order,
                         const std::vector<TablePlan>& plans, const std::vector<TableScan>& scans,
                         std::size_t index, KeyChecks checks) {
  const TablePlan& parent = plans[index];
  const TableScan& scan = scans[index];
  if (scan.rows.empty()) return Status::Ok();
  const std::size_t k = parent.locator.size();
  for (const pg::ForeignKey& fk : order.keys) {
    if (fk.parent_oid != parent.relation.oid) continue;
    const int child_plan = PlanOf(plans, fk.child_oid);
    // An unmapped table may lose rows to a cascade or have a reference cleared (the receipt
    // counts them); a mapped one may not: replay keeps those rows.
    if (!fk.Blocks() && child_plan < 0) continue;
    if (checks == KeyChecks::kNotEnforcedByServer && fk.Blocks() && !fk.deferrable) continue;
    const bool self = fk.child_oid == parent.relation.oid;
    std::string child_columns, parent_columns;
    for (std::size_t i = 0; i < fk.child_columns.size(); ++i) {
      child_columns += (i ? ", c." : "c.") + session.QuoteName(fk.child_columns[i]);
      parent_columns += (i ? ", p." : "p.") + session.QuoteName(fk.parent_columns[i]);
    }
    const std::string child_table = (fk.child_kind == 'p' ? "" : "ONLY ") +
                                    session.QuoteTable(fk.child_schema, fk.child_name);
    // A row of the same table that goes in the same statement does not count.
    const std::string sql =
        "SELECT count(*) FROM " + child_table + " c WHERE (" + child_columns + ") IN (SELECT " +
        parent_columns + " FROM " + parent.target + " p WHERE " +
        LocatorCondition(parent, "p", 1) + ")" +
        (self ? " AND NOT " + LocatorCondition(parent, "c", static_cast<int>(k) + 1) : "");
    const std::size_t batch = order.one_statement.count(index) ? scan.rows.size() : kBatchRows;
    std::uint64_t referencing = 0;
    for (std::size_t b = 0; b < scan.rows.size(); b += batch) {
      const std::size_t e = std::min(scan.rows.size(), b + batch);
      std::vector<std::string> params = LocatorParams(scan.rows, b, e, k);
      if (self) {
        // The same table: exclude every row this delete removes (with one_statement, all).
        const std::vector<std::string> all = LocatorParams(scan.rows, 0, scan.rows.size(), k);
        params.insert(params.end(), all.begin(), all.end());
      }
      auto count = session.QueryValue<std::uint64_t>("check foreign key '" + fk.name + "'", sql,
                                                     params, tombstones::ExitCode::kFailed,
                                                     pg::Detail::kConditionOnly);
      if (!count.ok()) return count.status();
      referencing += count.value();
    }
    if (referencing == 0) continue;
    const std::string rows = std::to_string(referencing) + " rows of '" + fk.ChildDisplay() + "'";
    const std::string kept =
        child_plan < 0 ? "and the data map does not cover that table"
                       : "and they are " + KeptRows(plans[static_cast<std::size_t>(child_plan)]);
    if (fk.Blocks())
      return Status::Failed(
          "unable to delete from '" + parent.Display() + "': " + rows +
              " reference rows to delete through foreign key " + KeyName(fk) + ", " + kept,
          "nothing was committed; map '" + fk.ChildDisplay() +
              "' to delete those rows (or anonymize them with the reference set to \"null\"), or "
              "change the constraint, then run replay again");
    return Status::Failed(
        "unable to delete from '" + parent.Display() + "': the server would " +
            (fk.Cascades() ? "delete " : "change ") + rows + " through foreign key " +
            KeyName(fk) + ", " + kept,
        "nothing was committed; the server's foreign-key actions may not touch rows replay "
        "keeps: map '" + fk.ChildDisplay() + "' to delete them, or change the constraint");
  }
  return Status::Ok();
}

}  // namespace tombstone::replay

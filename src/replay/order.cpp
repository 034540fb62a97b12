#include "src/replay/order.h"

#include <map>

#include "src/replay/locator.h"

namespace tombstone::replay {
namespace {

bool Deletes(const TablePlan& p) { return p.map->action == Action::kDelete; }

// The index of the deleting plan for `oid`, or -1.
int DeletingPlan(const std::vector<TablePlan>& plans, std::uint32_t oid) {
  for (std::size_t i = 0; i < plans.size(); ++i)
    if (plans[i].relation.oid == oid && Deletes(plans[i])) return static_cast<int>(i);
  return -1;
}

const TablePlan* PlanOf(const std::vector<TablePlan>& plans, std::uint32_t oid) {
  for (const TablePlan& p : plans)
    if (p.relation.oid == oid) return &p;
  return nullptr;
}

std::string Note(const std::vector<TablePlan>& plans, const pg::ForeignKey& fk,
                 const TablePlan& parent) {
  const TablePlan* child = PlanOf(plans, fk.child_oid);
  const std::string head = "foreign key '" + fk.name + "' from '" + fk.ChildDisplay() + "' to '" +
                           parent.Display() + "' (ON DELETE " + std::string(fk.OnDeleteName()) +
                           "): ";
  if (child != nullptr && Deletes(*child))
    return head + (child == &parent ? "rows of the same table" : "deleted first, as a child");
  const std::string whose =
      child == nullptr
          ? "an unmapped table"
          : "a table whose rows stay (" + std::string(ActionName(child->map->action)) + ")";
  if (fk.on_delete == 'c') return head + "the server deletes the referencing rows of " + whose;
  if (fk.on_delete == 'n' || fk.on_delete == 'd')
    return head + "the server clears the reference in the rows of " + whose;
  return head + "from " + whose +
         ": checked before anything changes; a deleted row still referenced stops the replay";
}

}  // namespace

Result<ApplyOrder> OrderTables(pg::Session& session, const std::vector<TablePlan>& plans) {
  ApplyOrder order;
  std::vector<std::uint32_t> parents;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].map->action == Action::kAnonymize) order.tables.push_back(i);
    if (Deletes(plans[i])) parents.push_back(plans[i].relation.oid);
  }
  if (parents.empty()) return order;
  auto keys = pg::ForeignKeysInto(session, parents);
  if (!keys.ok()) return keys.status();
  order.keys = std::move(keys.value());

  // Children before parents: a deleting table goes once every other deleting table that
  // references it has gone. A cycle falls back to map order (the server then decides).
  std::map<std::size_t, std::size_t> waiting;  // plan -> deleting children not yet placed
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < plans.size(); ++i)
    if (Deletes(plans[i])) pending.push_back(i), waiting[i] = 0;
  for (const pg::ForeignKey& fk : order.keys) {
    const int child = DeletingPlan(plans, fk.child_oid);
    const int parent = DeletingPlan(plans, fk.parent_oid);
    if (child >= 0 && parent >= 0 && child != parent) ++waiting[static_cast<std::size_t>(parent)];
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
      const int parent = DeletingPlan(plans, fk.parent_oid);
      if (DeletingPlan(plans, fk.child_oid) == static_cast<int>(table) && parent >= 0 &&
          parent != static_cast<int>(table) && waiting[static_cast<std::size_t>(parent)] > 0)
        --waiting[static_cast<std::size_t>(parent)];
    }
  }
  for (const pg::ForeignKey& fk : order.keys)
    order.notes.push_back(Note(plans, fk, *PlanOf(plans, fk.parent_oid)));
  return order;
}

Status CheckBlockingKeys(pg::Session& session, const ApplyOrder& order,
                         const std::vector<TablePlan>& plans, const std::vector<TableScan>& scans) {
  for (const pg::ForeignKey& fk : order.keys) {
    if (!fk.Blocks() || DeletingPlan(plans, fk.child_oid) >= 0) continue;
    const int p = DeletingPlan(plans, fk.parent_oid);
    const TableScan& scan = scans[static_cast<std::size_t>(p)];
    const TablePlan& parent = plans[static_cast<std::size_t>(p)];
    if (scan.rows.empty()) continue;
    std::string child_columns, parent_columns;
    for (std::size_t i = 0; i < fk.child_columns.size(); ++i) {
      child_columns += (i ? ", c." : "c.") + session.QuoteName(fk.child_columns[i]);
      parent_columns += (i ? ", p." : "p.") + session.QuoteName(fk.parent_columns[i]);
    }
    const std::string sql = "SELECT count(*) FROM " +
                            session.QuoteTable(fk.child_schema, fk.child_name) + " c WHERE (" +
                            child_columns + ") IN (SELECT " + parent_columns + " FROM " +
                            parent.target + " p WHERE " + LocatorCondition(parent, "p", 1) + ")";
    std::uint64_t referencing = 0;
    for (std::size_t b = 0; b < scan.rows.size(); b += kBatchRows) {
      const std::size_t e = std::min(scan.rows.size(), b + kBatchRows);
      auto count =
          session.Query("check foreign key '" + fk.name + "'", sql,
                        LocatorParams(scan.rows, b, e, parent.locator.size()), pg::Shape::kOneRow);
      if (!count.ok()) return count.status();
      referencing += count.value()[0][0].as<std::uint64_t>();
    }
    if (referencing > 0) {
      const TablePlan* child = PlanOf(plans, fk.child_oid);
      return Status::Failed(
          "unable to delete from '" + parent.Display() + "': " + std::to_string(referencing) +
              " rows of '" + fk.ChildDisplay() +
              "' reference rows to delete through foreign key '" + fk.name + "' (ON DELETE " +
              std::string(fk.OnDeleteName()) + ")" +
              (child == nullptr ? ", and the data map does not cover that table"
                                : ", and the data map keeps those rows (" +
                                      std::string(ActionName(child->map->action)) + ")"),
          "nothing was changed; map '" + fk.ChildDisplay() +
              "' with action = \"delete\" (or change the constraint), then run replay again");
    }
  }
  return Status::Ok();
}

}  // namespace tombstone::replay

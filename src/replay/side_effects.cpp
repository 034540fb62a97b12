#include "src/replay/side_effects.h"

namespace tombstone::replay {
namespace {

// The triggers and rules on the changed tables, for messages: the likely authors of an
// unexplained change.
std::string Actions(const std::vector<pg::ServerAction>& actions, const Plan& plan) {
  std::string list;
  for (const pg::ServerAction& a : actions) {
    std::string on;
    for (const TablePlan& p : plan.tables)
      if (p.relation.oid == a.relation) on = p.Display();
    list += (list.empty() ? "" : "; ") + a.kind + " '" + a.name + "' on " + on + " (" + a.when + ")";
  }
  return list;
}

std::string Counts(std::uint64_t deleted, std::uint64_t updated, std::uint64_t inserted) {
  return std::to_string(deleted) + " deleted, " + std::to_string(updated) + " updated, " +
         std::to_string(inserted) + " inserted";
}

}  // namespace

Result<std::vector<ServerChange>> AccountSideEffects(
    const std::map<std::uint32_t, pg::TableChanges>& before,
    const std::map<std::uint32_t, pg::TableChanges>& after, const Plan& plan,
    const std::vector<TableScan>& scans, const ApplyOrder& order,
    const std::vector<pg::ServerAction>& actions) {
  std::vector<ServerChange> allowed;
  const std::string hint_actions = Actions(actions, plan);
  const std::string hint =
      "nothing was committed. If the server is meant to change that table during a replay, map "
      "it with expect_changes = \"why\" (it is then scanned again after the changes and "
      "verified); otherwise change the trigger, rule or constraint" +
      (hint_actions.empty() ? std::string() : ". Triggers and rules on the changed tables: " +
                                                  hint_actions);
  for (const auto& [relation, now] : after) {
    pg::TableChanges was;
    if (const auto it = before.find(relation); it != before.end()) was = it->second;
    const std::uint64_t inserted = now.inserted - was.inserted;
    const std::uint64_t updated = now.updated - was.updated;
    const std::uint64_t deleted = now.deleted - was.deleted;
    if (inserted == 0 && updated == 0 && deleted == 0) continue;
    if (now.kind == 'm') continue;  // a refreshed materialized view
    int mapped = -1;
    for (std::size_t i = 0; i < plan.tables.size(); ++i)
      if (plan.tables[i].relation.oid == relation) mapped = static_cast<int>(i);
    if (mapped >= 0) {
      const TablePlan& p = plan.tables[static_cast<std::size_t>(mapped)];
      if (!p.map->expect_changes.empty()) continue;
      const TableCounts& c = scans[static_cast<std::size_t>(mapped)].counts;
      if (inserted == 0 && deleted == c.deleted && updated == c.anonymized) continue;
      std::string why;
      const std::string cascades = KeysInto(order, relation, true);
      const std::string clears = KeysInto(order, relation, false);
      if (!cascades.empty()) why += "; foreign keys that cascade here: " + cascades;
      if (!clears.empty()) why += "; foreign keys that clear references here: " + clears;
      return Status::Failed("unable to account for the changes to '" + now.Display() +
                                "': replay asked for " + Counts(c.deleted, c.anonymized, 0) +
                                ", the server counts " + Counts(deleted, updated, inserted) + why,
                            hint);
    }
    ServerChange change{now.Display(), deleted, updated, {}};
    const bool cascaded = order.cascade_deletes.count(relation) > 0;
    const bool cleared = order.column_changes.count(relation) > 0;
    if (inserted > 0 || (deleted > 0 && !cascaded) || (updated > 0 && !cleared))
      return Status::Failed("unable to account for the changes to '" + now.Display() +
                                "', a table the data map does not cover: the server counts " +
                                Counts(deleted, updated, inserted) +
                                " rows there, and no foreign key of the changed tables explains " +
                                (inserted > 0 ? "the inserted ones" : "them"),
                            hint);
    change.through = KeysInto(order, relation, true);
    const std::string clears = KeysInto(order, relation, false);
    if (!clears.empty()) change.through += (change.through.empty() ? "" : ", ") + clears;
    allowed.push_back(std::move(change));
  }
  return allowed;
}

}  // namespace tombstone::replay

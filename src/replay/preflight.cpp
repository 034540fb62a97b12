#include "src/replay/preflight.h"

#include <algorithm>
#include <set>

#include "src/pg/catalog.h"
#include "src/replay/order.h"
#include "src/replay/receipt.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {
namespace {

using Level = Finding::Level;

// Whether a column name suggests personal data: one of its words (split at '_') is a telltale.
bool LooksPersonal(const std::string& column) {
  static const std::set<std::string> kWords = {
      "email", "mail", "phone", "mobile", "msisdn", "ssn", "iban", "ip", "address", "addr",
      "passport", "birth", "dob", "surname", "firstname", "lastname", "fullname", "postcode",
      "zip", "tax", "vat", "street", "contact"};
  static const std::set<std::string> kNames = {"name", "first_name", "last_name", "full_name",
                                               "given_name", "family_name"};
  std::string lower;
  for (char c : column) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (kNames.count(lower) > 0) return true;
  std::size_t start = 0;
  while (start <= lower.size()) {
    const std::size_t end = std::min(lower.find('_', start), lower.size());
    if (kWords.count(lower.substr(start, end - start)) > 0) return true;
    start = end + 1;
  }
  return false;
}

std::string KeyText(const pg::ForeignKey& fk) {
  return "'" + fk.name + "' (" + fk.ChildDisplay() + " -> " + fk.ParentDisplay() +
         ", ON DELETE " + std::string(fk.OnDeleteName()) + ")";
}

}  // namespace

std::string_view LevelName(Finding::Level level) {
  switch (level) {
    case Level::kRefused:
      return "refused";
    case Level::kFails:
      return "fails";
    case Level::kWarning:
      return "warning";
    case Level::kInfo:
      return "info";
    case Level::kHint:
      return "hint";
  }
  return "?";
}

Result<std::vector<Finding>> Preflight(pg::Session& session, const DataMap& map,
                                       const TombstoneTable& tombstones,
                                       const tombstones::Key& key) {
  std::vector<Finding> found;
  // The server: replay needs a superuser and a promoted server.
  auto super = pg::IsSuperuser(session);
  if (!super.ok()) return super.status();
  if (!super.value())
    found.push_back({Level::kRefused, "server", "",
                     "the connecting role is not a superuser: replay must connect as one to "
                     "fence every other role out"});
  auto snapshot = ReadSnapshot(session, "");
  if (!snapshot.ok()) return snapshot.status();
  if (snapshot->in_recovery)
    found.push_back({Level::kRefused, "server", "",
                     "the server is in recovery (a standby, or recovery not finished): replay "
                     "needs it promoted"});

  // The map against the schema: every refusal, one per refused entry.
  Plan plan;
  if (Status s = PlanTablesCollecting(session, map, tombstones, key, &plan); !s.ok()) return s;
  for (const Status& problem : plan.problems)
    found.push_back({Level::kRefused, "map", "", problem.message()});
  auto order = OrderTables(session, plan);
  if (!order.ok() && order.status().code() != tombstones::ExitCode::kUsage)
    return order.status();
  if (!order.ok()) {
    found.push_back({Level::kRefused, "map", "", order.status().message()});
    return found;
  }

  // Tombstones this map cannot re-apply at all.
  const KindCoverage coverage = CoverageOf(plan, tombstones);
  for (const auto& [kind, count] : coverage.not_covered)
    found.push_back({Level::kWarning, "kinds", kind,
                     std::to_string(count) + " tombstones have kind '" + kind +
                         "' and no kind the map matches: this map cannot re-apply them"});

  // What the server does by itself from the rows replay deletes.
  std::set<std::uint32_t> mapped;
  for (const TablePlan& p : plan.tables) mapped.insert(p.relation.oid);
  std::set<std::uint32_t> deleting;
  for (const TablePlan& p : plan.tables)
    if (p.action() == Action::kDelete) deleting.insert(p.relation.oid);
  for (const pg::ForeignKey& fk : order->keys) {
    if (deleting.count(fk.parent_oid) == 0 || mapped.count(fk.child_oid) > 0) continue;
    if (fk.Cascades())
      found.push_back({Level::kInfo, "foreign key", fk.ChildDisplay(),
                       "the data map does not cover this table; through " + KeyText(fk) +
                           " the server deletes its rows that reference deleted ones (counted in "
                           "the receipt)"});
    else if (fk.SetsColumns())
      found.push_back({Level::kInfo, "foreign key", fk.ChildDisplay(),
                       "the data map does not cover this table; through " + KeyText(fk) +
                           " the server clears its references to deleted rows (counted in the "
                           "receipt)"});
    else
      found.push_back({Level::kWarning, "foreign key", fk.ChildDisplay(),
                       "the data map does not cover this table; a row of it that references a "
                       "row to delete through " + KeyText(fk) +
                           " stops the replay (exit 1): map it, or run 'replay --dry-run'"});
  }
  for (const std::string& note : order->notes)
    if (note.find("rows stay") != std::string::npos)
      found.push_back({Level::kInfo, "foreign key", "", note});

  // Triggers, rules and materialized views: the server's changes that replay accounts for.
  std::vector<std::uint32_t> relations(mapped.begin(), mapped.end());
  auto actions = pg::TriggersAndRules(session, relations);
  if (!actions.ok()) return actions.status();
  for (const pg::ServerAction& a : actions.value()) {
    std::string on;
    for (const TablePlan& p : plan.tables)
      if (p.relation.oid == a.relation) on = p.Display();
    found.push_back({Level::kInfo, a.kind, on,
                     a.kind + " '" + a.name + "' (" + a.when +
                         "): replay accounts for its changes before commit; changes to a table "
                         "the map does not cover fail the run unless that table's entry says "
                         "expect_changes"});
  }
  for (const RefreshPlan& view : plan.refreshes)
    found.push_back(
        {Level::kInfo, "materialized view", view.Display(),
         view.map != nullptr
             ? "named by the map: refreshed after the changes" +
                   std::string(view.map->match.empty() ? "" : ", then verified")
             : "reads a changed table: refreshed after the changes (name it with action = "
               "\"refresh\" and match sources to have it verified)"});

  // Columns that look personal in tables the map does not cover.
  auto columns = session.Query(
      "read the columns of the database's tables",
      "SELECT c.oid, n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod)"
      "  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
      "  JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition AND a.attnum > 0"
      "   AND NOT a.attisdropped AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
      "   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
      " ORDER BY n.nspname, c.relname, a.attnum");
  if (!columns.ok()) return columns.status();
  std::set<std::uint32_t> covered = mapped;
  for (const RefreshPlan& view : plan.refreshes) covered.insert(view.view.oid);
  for (const auto& row : columns.value()) {
    auto oid = pg::Value<std::uint32_t>(row, 0, "read the columns of the database's tables");
    if (!oid.ok()) return oid.status();
    const std::string column = row[3].c_str();
    if (covered.count(oid.value()) > 0 || !LooksPersonal(column)) continue;
    found.push_back({Level::kHint, "column",
                     std::string(row[1].c_str()) + "." + row[2].c_str() + "." + column,
                     "a column named like personal data (" + std::string(row[4].c_str()) +
                         ") in a table the map does not cover: 'tombstone discover' shows "
                         "whether erased subjects are there"});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const Finding& a, const Finding& b) { return a.level < b.level; });
  return found;
}

}  // namespace tombstone::replay

#include "src/replay/row_address.h"

namespace tombstone::replay {

Result<bool> HasTriggersOrRules(pg::Session& session) {
  // pg_rewrite's ev_type '1' is SELECT: a view's own rule. The system's own (pg_settings has
  // UPDATE rules) are on relations below FirstNormalObjectId (16384).
  return session.QueryValue<bool>(
      "read the database's triggers and rules",
      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger WHERE NOT tgisinternal) OR "
      "EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite WHERE ev_type <> '1' AND ev_class >= 16384)");
}

std::size_t LocateDeletesByCtid(Plan& plan, const ApplyOrder& order, bool triggers_or_rules) {
  if (triggers_or_rules) return 0;
  std::size_t switched = 0;
  for (TablePlan& table : plan.tables) {
    if (table.action() != Action::kDelete || table.ctid_field < 0) continue;
    if (order.column_changes.count(table.relation.oid) > 0) continue;
    table.locator = {"ctid"};
    table.locator_types = {"tid"};
    table.locator_fields = {table.ctid_field};
    ++switched;
  }
  return switched;
}

}  // namespace tombstone::replay

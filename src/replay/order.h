// The foreign-key graph around the relations replay changes: the order to change them in
// (anonymized tables first, then deleted tables children before parents), what the server
// itself will do through the keys (cascades and SET NULL followed to any depth, across cycles),
// and the check made right before each delete, when every earlier planned change is done: a
// reference still there that blocks the delete, or a server action that would delete or change
// rows the map keeps, stops the replay (exit 1, nothing committed).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/pg/catalog.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

struct ApplyOrder {
  std::vector<std::size_t> tables;   // indices into the plan's tables, in the order to change them
  std::vector<pg::ForeignKey> keys;  // every foreign key of the database (partition roots)
  std::vector<std::string> notes;    // for people: what each key into a changed table means
  // Relations the server may delete rows of (cascades), and may change rows of (SET NULL, SET
  // DEFAULT), because of replay's deletes: the keys that lead there, at any depth.
  std::map<std::uint32_t, std::vector<std::size_t>> cascade_deletes;
  std::map<std::uint32_t, std::vector<std::size_t>> column_changes;
  // Plans deleted in one statement: a key from the table to itself that blocks (NO ACTION or
  // RESTRICT) is checked at the end of each statement, so rows that reference each other must
  // go together.
  std::set<std::size_t> one_statement;
};

// Reads the keys and builds the order. kUsage (exit 2) for an anonymize whose 'set' writes a
// column that a foreign key references (the server would cascade or refuse the update) or that
// is part of its table's partition key (the row would move to another partition).
Result<ApplyOrder> OrderTables(pg::Session& session, const Plan& plan);

// Which keys into the table CheckBeforeDelete reads. A key that blocks and cannot be deferred
// is enforced by the server at the end of the delete statement anyway; counting its references
// first costs an index probe per row (as much as the delete's own check), so replay lets the
// server refuse, rolls back to a savepoint and counts them only then, for the message.
enum class KeyChecks { kAll, kNotEnforcedByServer };

// Whether a key into plan `index`'s table blocks and is checked by the server at the end of each
// statement (not deferrable), and the server will check it: the foreign keys' own triggers on
// the table (each partition's) are enabled and fire in this session (session_replication_role
// origin or local). When false, CheckBeforeDelete must count every key (KeyChecks::kAll).
Result<bool> ServerEnforcesBlockingKeys(pg::Session& session, const ApplyOrder& order,
                                        const std::vector<TablePlan>& plans, std::size_t index);

// Run inside the replay's transaction right before plan `index`'s rows are deleted. kFailed
// (exit 1) naming the key, the tables and the number of rows when a row about to be deleted is
// still referenced through a key that blocks, or when a cascade or SET NULL would delete or change
// rows of a mapped table that replay keeps (retained, anonymized, held, kept by the guard, not
// matched).
Status CheckBeforeDelete(pg::Session& session, const ApplyOrder& order,
                         const std::vector<TablePlan>& plans, const std::vector<TableScan>& scans,
                         std::size_t index, KeyChecks checks = KeyChecks::kAll);

// The keys (by index into order.keys) that lead the server into `relation`, named for messages:
// "'orders_user_id_fkey' (public.orders -> public.users, ON DELETE CASCADE)".
std::string KeysInto(const ApplyOrder& order, std::uint32_t relation, bool deletes);

}  // namespace tombstone::replay

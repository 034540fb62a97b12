// The data map checked against the live schema: for each mapped table, what to stream out of it
// with COPY, where each field lands, and what an anonymized column becomes. Built before anything
// changes; every problem is a usage error (exit 2) naming the map line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/map/data_map.h"
#include "src/pg/catalog.h"
#include "src/pg/copy_binary.h"
#include "src/pg/session.h"
#include "src/replay/tombstone_set.h"

namespace tombstone::replay {

// One identifier source of the table (a column or an expression) and where it sits in a row.
struct KeySource {
  int field = 0;
  std::string kind;
  tombstones::Normalizer normalizer = tombstones::Normalizer::kExact;
  std::optional<tombstones::Key::KindHasher> hasher;
};

// One anonymized column: its strategy and, for redact and literals, the value in the server's
// own text form (how COPY prints it), to tell rows already anonymized from rows still to change.
struct SetTarget {
  std::string column;
  std::string type;
  AnonymizeSet::Strategy strategy = AnonymizeSet::Strategy::kNull;
  std::string value;  // kRedact, kLiteral: the target in text form
  int field = 0;      // the column's current value in the scanned row
};

struct TablePlan {
  const TableMap* map = nullptr;
  pg::Relation relation;
  std::string quoted;  // "schema"."name", quoted by the driver
  // How a row is found again to change it: the primary key, else ctid (with tableoid for a
  // partitioned table). SQL expressions (quoted) and their types; fields 0..k-1 of a row.
  std::vector<std::string> locator;
  std::vector<std::string> locator_types;
  std::vector<KeySource> sources;
  int guard_field = -1;  // the created_at guard: a date or timestamp (guard_time.h)
  std::vector<SetTarget> sets;
  std::string select;           // the query whose binary COPY is scanned
  std::vector<pg::Wire> wires;  // how each field of `select` arrives

  std::string Display() const { return relation.Display(); }
};

// What the plan is for: replay needs each row's locator to change it; verify only counts.
enum class PlanFor { kChanges, kCounting };

// Checks every [[table]] of `map` against the database and the store's kinds, in map order.
// kUsage (exit 2) for: a table that does not exist or is a partition, an unknown column, a kind
// whose normalizer differs from the store's, an expression that fails to run, a guard column that
// is not a date or timestamp, an anonymize strategy the column's type cannot hold.
Result<std::vector<TablePlan>> PlanTables(pg::Session& session, const DataMap& map,
                                          const TombstoneSet& tombstones,
                                          const tombstones::Key& key, PlanFor plan_for);

}  // namespace tombstone::replay

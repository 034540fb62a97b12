// The data map checked against the live schema: for each physical relation a map entry covers
// (a table, each table that inherits from it, a partitioned table through its parent), what to
// stream out of it with COPY, where each field lands, and what an anonymized column becomes; and
// the materialized views to refresh after the changes. Built before anything changes: every
// problem is a usage error (exit 2) naming the map line, before any fence goes up.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/map/data_map.h"
#include "src/match/value_types.h"
#include "src/pg/catalog.h"
#include "src/pg/copy_binary.h"
#include "src/pg/session.h"
#include "src/match/tombstone_table.h"

namespace tombstone::replay {

using match::TombstoneTable;
using tombstones::Hash128;
using tombstones::Micros;

// One identifier source of the relation (a column or an expression) and where it sits in a row.
struct KeySource {
  int field = 0;
  // The field is a text[] of values to match one by one (an array column, or the strings and
  // numbers inside a json value); otherwise one value.
  bool many = false;
  std::string kind;
  tombstones::Normalizer normalizer = tombstones::Normalizer::kExact;
  std::optional<tombstones::Key::KindHasher> hasher;
  const MatchSource* map = nullptr;
  // A source the map says may keep its value under anonymize (MatchSource::keep).
  bool kept() const { return map != nullptr && !map->keep.empty(); }
  // "column 'email'" or "the expression on line 7", for messages.
  std::string Describe() const;
};

// One anonymized column: its strategy and, for redact and literals, the value in the server's
// own text form (how it reads back), to tell rows already anonymized from rows still to change.
struct SetTarget {
  std::string column;
  std::string type;
  AnonymizeSet::Strategy strategy = AnonymizeSet::Strategy::kNull;
  std::string value;  // kRedact, kLiteral: the target in text form
  int field = 0;      // the column's current value in the scanned row
  // kHash of a column that is a match source: its kind, so that the pseudonym is of the
  // normalized identifier (one subject, one pseudonym per kind); empty otherwise.
  std::string pseudonym_kind;
  tombstones::Normalizer pseudonym_normalizer = tombstones::Normalizer::kExact;
};

// One lookup of the index path: the rows whose column equals one of the identifiers of a kind
// (src/replay/index_path.h).
struct IndexLookup {
  std::string column;     // quoted
  std::string cast_type;  // the column's base type, quoted, without typmod: pg_catalog.int8
  std::string kind;
  // The identifiers, sorted and distinct, each in the form the column's values take (never
  // printed); count is their number.
  std::vector<std::string> values;
  std::uint64_t count = 0;
  // An integer or uuid column: distinct identifiers are distinct values, so that lookups of
  // disjoint ranges of `values` find disjoint rows (a text type may make two identifiers equal
  // one value: citext, a non-deterministic collation).
  bool distinct_values = false;
};

// How the relation is read: scanned, or looked up through indexes (only where that finds every
// row the scan would match). `why` says why, for the plan and the receipt.
struct ReadPath {
  bool index = false;
  std::string why;
  std::vector<IndexLookup> lookups;  // when index: one per match source
  double scan_cost = -1, index_cost = -1;  // the estimates, when both paths were possible
};

struct TablePlan {
  const TableMap* map = nullptr;
  pg::Relation relation;
  std::string quoted;  // "schema"."name", quoted by the driver
  // What statements name: ONLY "schema"."name" for a table (its inheritance children are plans
  // of their own), "schema"."name" for a partitioned table or a materialized view.
  std::string target;
  std::string inherits_from;  // the mapped table this one inherits from, when it is a child
  // How a row is found again to change it: the primary key, else ctid (with tableoid for a
  // partitioned table). SQL expressions (quoted) and their types; fields 0..k-1 of a row.
  std::vector<std::string> locator;
  std::vector<std::string> locator_types;
  std::vector<int> locator_fields;  // the fields of `select` that hold them, in order
  // A delete from a plain table with a primary key also streams ctid (its field, else -1), so
  // that LocateDeletesByCtid can locate the rows by it instead (row_address.h).
  int ctid_field = -1;
  std::vector<KeySource> sources;
  int guard_field = -1;   // the created_at guard, as a timestamptz (guard_time.h)
  std::string guard_zone; // the zone a guard without time zone is read in, else empty
  std::vector<SetTarget> sets;
  std::string select;           // the query whose binary COPY is scanned
  std::vector<pg::Wire> wires;  // how each field of `select` arrives
  ReadPath read;                // scan unless ChooseReadPaths (index_path.h) says otherwise

  std::string Display() const { return relation.Display(); }
  Action action() const { return map->action; }
};

// A materialized view that replay refreshes after the changes, in this order.
struct RefreshPlan {
  pg::DependentView view;
  std::string quoted;
  const TableMap* map = nullptr;  // the map's entry when it names the view
  std::string Display() const { return view.Display(); }
};

struct Plan {
  const DataMap* map = nullptr;
  pg::DatabaseFacts database;
  // Every physical relation to scan, in map order (a mapped table, then the tables that
  // inherit from it). Materialized views the map names with match sources are here too
  // (action refresh): replay scans them after refreshing, verify like any table.
  std::vector<TablePlan> tables;
  std::vector<RefreshPlan> refreshes;
  std::vector<std::string> notes;  // for the printed plan
  std::vector<Status> problems;    // PlanTablesCollecting: every refusal of the map
};

// What the plan is for: replay needs each row's locator to change it; verify only counts.
enum class PlanFor { kChanges, kCounting };

// Checks every [[table]] of `map` against the database and the store's kinds. kUsage (exit 2)
// naming the map line for: a relation that does not exist, is a view, a foreign table, a
// partition, or a materialized view mapped with another action than refresh; an unknown column;
// a match source whose type the kind's normalizer cannot read; a kind normalized otherwise by
// the store; an expression that does not run; a guard that is not a date or timestamp, or an
// unknown guard zone; a 'set' on a generated, identity or primary-key column, a constant
// ('redact', a literal) on a column under a unique index, a value the column cannot hold; an
// anonymize that leaves a match source as it is without 'keep'; a SQL_ASCII database.
Result<Plan> PlanTables(pg::Session& session, const DataMap& map, const TombstoneTable& tombstones,
                        const tombstones::Key& key, PlanFor plan_for);

// For 'tombstone check': plans every entry that can be planned, and leaves every refusal (exit 2,
// one per refused entry) in plan->problems instead of stopping at the first. The error of
// anything else (the server, the catalog) is returned.
Status PlanTablesCollecting(pg::Session& session, const DataMap& map,
                            const TombstoneTable& tombstones, const tombstones::Key& key, Plan* plan);

}  // namespace tombstone::replay

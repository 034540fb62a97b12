// What replay needs to know about the database's schema, read from the system catalogs.
// Every function runs on the given session (inside its transaction when one is open) and changes
// nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/pg/session.h"

namespace tombstone::pg {

// A type with its domains looked through: what the server stores and sends.
struct BaseType {
  std::uint32_t oid = 0;        // the base type (a domain's base, recursively)
  char category = 'X';          // pg_type.typcategory: S string, N numeric, A array, U user, ...
  std::uint32_t element = 0;    // arrays: the element's base type, else 0
  char element_category = 'X';  // arrays: the element's category
};

struct Column {
  std::string name;
  std::string type;  // format_type(): "bigint", "character varying(20)", "jsonb", a domain's name
  std::uint32_t type_oid = 0;  // as declared (a domain stays a domain)
  BaseType base;
  char category = 'X';  // of the base type
  bool not_null = false;
  int number = 0;  // attnum
  // GENERATED ALWAYS AS (...) STORED: computed by the server, never written, and the columns
  // it is computed from.
  bool generated = false;
  std::vector<std::string> generated_from;
  bool identity_always = false;  // GENERATED ALWAYS AS IDENTITY
};

// A unique index (or primary key) and the columns it reads, expression indexes included.
struct UniqueIndex {
  std::string name;
  std::vector<std::string> columns;
  bool primary = false;
  bool nulls_not_distinct = false;  // PostgreSQL 15: two NULLs collide too
};

struct Relation {
  std::uint32_t oid = 0;
  std::string schema, name;
  // pg_class.relkind: 'r' table, 'p' partitioned table, 'm' materialized view, 'v' view,
  // 'f' foreign table, others ('S' sequence, 'i' index, 'c' composite type, ...).
  char kind = 'r';
  bool is_partition = false;             // a partition of another table
  bool populated = true;                 // materialized views: holds data
  double estimated_rows = 0;             // its reltuples (a partitioned table: of its leaves)
  std::vector<std::uint32_t> ancestors;  // inheritance parents, at every level (not partitions)
  std::vector<Column> columns;           // in attribute order
  std::vector<std::string> primary_key;  // empty when the table has none
  std::vector<UniqueIndex> unique_indexes;

  const Column* Find(const std::string& column) const;
  std::string Display() const { return schema + "." + name; }
};

// The relation `schema.name` (names as stored in the catalog) of any kind, or nullopt.
Result<std::optional<Relation>> FindRelation(Session& session, const std::string& schema,
                                             const std::string& name);
Result<Relation> LoadRelation(Session& session, std::uint32_t oid);

// Tables that inherit from `oid` (INHERITS, not partitions), at every depth, parents first.
Result<std::vector<std::uint32_t>> InheritanceDescendants(Session& session, std::uint32_t oid);

// The base type of `oid`, domains looked through, with its element for arrays.
Result<BaseType> ResolveType(Session& session, std::uint32_t oid);

// A materialized view that reads (directly, or through views and other materialized views) from
// one of a set of relations, in an order where each comes after those it reads from.
struct DependentView {
  std::uint32_t oid = 0;
  std::string schema, name;
  bool populated = true;
  std::string Display() const { return schema + "." + name; }
};
Result<std::vector<DependentView>> MaterializedViewsOver(Session& session,
                                                        const std::vector<std::uint32_t>& oids);

// The connected database: its encoding and the time zone its own settings give sessions
// (ALTER DATABASE ... SET timezone, else the server's default), whatever the session uses.
struct DatabaseFacts {
  std::string name;
  std::string encoding;   // "UTF8", "LATIN1", "SQL_ASCII", ...
  std::string time_zone;  // "Asia/Tokyo", "UTC", ...
};
Result<DatabaseFacts> ReadDatabaseFacts(Session& session);

struct ForeignKey {
  std::string name;
  std::uint32_t child_oid = 0, parent_oid = 0;
  std::string child_schema, child_name;
  std::vector<std::string> child_columns, parent_columns;  // in key order
  char on_delete = 'a';  // a no action, r restrict, c cascade, n set null, d set default

  std::string ChildDisplay() const { return child_schema + "." + child_name; }
  bool Blocks() const { return on_delete == 'a' || on_delete == 'r'; }
  std::string_view OnDeleteName() const;  // "NO ACTION", "RESTRICT", "CASCADE", ...
};

// Every foreign key that references one of `parents` (declared ones: for partitioned tables the
// key on the parent, not its per-partition clones).
Result<std::vector<ForeignKey>> ForeignKeysInto(Session& session,
                                                const std::vector<std::uint32_t>& parents);

// Whether the session's role is a superuser.
Result<bool> IsSuperuser(Session& session);

}  // namespace tombstone::pg

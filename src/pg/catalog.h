// What replay needs to know about the database's schema, read from the system catalogs.
// Every function runs on the given session (inside its transaction when one is open).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/pg/session.h"

namespace tombstone::pg {

struct Column {
  std::string name;
  std::string type;     // format_type(): "bigint", "character varying(20)", "jsonb"
  char category = 'X';  // pg_type.typcategory: S string, N numeric, D date/time, B boolean, U user
  bool not_null = false;
};

struct Relation {
  std::uint32_t oid = 0;
  std::string schema, name;
  char kind = 'r';                       // 'r' table, 'p' partitioned table
  bool is_partition = false;             // a partition of another table
  double estimated_rows = 0;             // sum of the leaf partitions' reltuples, 0 when unknown
  std::vector<Column> columns;           // in attribute order
  std::vector<std::string> primary_key;  // empty when the table has none

  const Column* Find(const std::string& column) const;
  std::string Display() const { return schema + "." + name; }
};

// The table or partitioned table `schema.name` (names as stored in the catalog), or nullopt when
// there is none (views, sequences and other relations count as none).
Result<std::optional<Relation>> FindRelation(Session& session, const std::string& schema,
                                             const std::string& name);

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

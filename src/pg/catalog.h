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

// A foreign key, with each side named by the relation replay plans for: a key declared on a
// partition (schemas made before PostgreSQL 12 could declare no other) or referencing one belongs
// to the partitioned table at the root of its tree.
struct ForeignKey {
  std::string name;
  std::uint32_t child_oid = 0, parent_oid = 0;  // partition roots
  std::uint32_t declared_child = 0;             // the relation the key is declared on
  std::string child_schema, child_name;         // of child_oid
  char child_kind = 'r';                        // 'r' (FROM ONLY: keys are not inherited), 'p' 
  std::string parent_schema, parent_name;       // of parent_oid
  std::vector<std::string> child_columns, parent_columns;  // in key order
  char on_delete = 'a';  // a no action, r restrict, c cascade, n set null, d set default
  bool deferrable = false;

  std::string ChildDisplay() const { return child_schema + "." + child_name; }
  std::string ParentDisplay() const { return parent_schema + "." + parent_name; }
  bool Blocks() const { return on_delete == 'a' || on_delete == 'r'; }
  bool Cascades() const { return on_delete == 'c'; }
  bool SetsColumns() const { return on_delete == 'n' || on_delete == 'd'; }
  std::string_view OnDeleteName() const;  // "NO ACTION", "RESTRICT", "CASCADE", ...
};

// Every foreign key of the database (declared ones: a key declared on a partitioned table once,
// not its per-partition clones), sides mapped to partition roots.
Result<std::vector<ForeignKey>> AllForeignKeys(Session& session);

// The columns of `oid` that are its partition key (a partitioned table; plain columns only, not
// those read by key expressions), else none.
Result<std::vector<std::string>> PartitionKeyColumns(Session& session, std::uint32_t oid);

// A trigger or rule the server runs when rows of a relation change: its side effects are the
// server's, not replay's, and must be accounted for.
struct ServerAction {
  std::uint32_t relation = 0;
  std::string name;
  std::string kind;  // "trigger" or "rule"
  std::string when;  // "AFTER DELETE ROW (function public.archive_user)", "ON DELETE DO ALSO"
};
Result<std::vector<ServerAction>> TriggersAndRules(Session& session,
                                                   const std::vector<std::uint32_t>& relations);

// Rows inserted, updated and deleted by the current transaction so far, per table, summed to
// partition roots (pg_stat_xact_user_tables; on PostgreSQL 15 it also counts earlier unflushed
// transactions of the session: compare two readings in one transaction).
struct TableChanges {
  std::uint32_t relation = 0;  // the partition root
  std::string schema, name;
  char kind = 'r';
  std::uint64_t inserted = 0, updated = 0, deleted = 0;
  std::string Display() const { return schema + "." + name; }
};
Result<std::map<std::uint32_t, TableChanges>> TransactionChanges(Session& session);

// The other sessions holding a lock on one of `relations`: pid, user, application and state,
// never their query text.
Result<std::vector<std::string>> LockHolders(Session& session,
                                             const std::vector<std::uint32_t>& relations);

// Whether the session's role is a superuser.
Result<bool> IsSuperuser(Session& session);

}  // namespace tombstone::pg

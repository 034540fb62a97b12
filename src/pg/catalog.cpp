#include "src/pg/catalog.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace tombstone::pg {
namespace {

// A json array of strings as the catalog queries below build it (json_agg of names).
Result<std::vector<std::string>> JsonStrings(const pqxx::field& field, const std::string& what) {
  std::vector<std::string> out;
  if (field.is_null()) return out;
  const auto parsed = nlohmann::json::parse(field.c_str(), nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array())
    return Status::Failed("unable to read " + what + ": the catalog gave malformed names");
  for (const auto& item : parsed) {
    if (!item.is_string())
      return Status::Failed("unable to read " + what + ": the catalog gave malformed names");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::uint32_t ParseOid(std::string_view text) {
  std::uint32_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

std::uint32_t Oid(const pqxx::field& f) { return ParseOid(f.c_str()); }

}  // namespace

const Column* Relation::Find(const std::string& column) const {
  for (const Column& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

Result<std::optional<Relation>> FindRelation(Session& session, const std::string& schema,
                                             const std::string& name) {
  auto found = session.Query("look up relation '" + schema + "." + name + "'",
                             "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                             " WHERE n.nspname = $1 AND c.relname = $2",
                             {schema, name});
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<Relation>{};
  auto relation = LoadRelation(session, Oid(found.value()[0][0]));
  if (!relation.ok()) return relation.status();
  return std::optional<Relation>(std::move(relation.value()));
}

Result<BaseType> ResolveType(Session& session, std::uint32_t oid) {
  // Follows typbasetype through domains (over domains) to the type the server stores.
  const std::string sql =
      "WITH RECURSIVE chain(oid, basetype, typtype, depth) AS ("
      "  SELECT oid, typbasetype, typtype, 0 FROM pg_type WHERE oid = $1::oid"
      "  UNION ALL SELECT t.oid, t.typbasetype, t.typtype, c.depth + 1"
      "    FROM pg_type t JOIN chain c ON t.oid = c.basetype"
      "   WHERE c.typtype = 'd' AND c.depth < 32)"
      "SELECT t.oid, t.typcategory, t.typelem FROM chain c JOIN pg_type t ON t.oid = c.oid"
      " WHERE c.typtype <> 'd' ORDER BY c.depth LIMIT 1";
  auto base = session.Query("resolve type " + std::to_string(oid), sql, {std::to_string(oid)},
                            Shape::kOneRow);
  if (!base.ok()) return base.status();
  BaseType type;
  type.oid = Oid(base.value()[0][0]);
  type.category = base.value()[0][1].c_str()[0];
  if (type.category == 'A') {
    auto element = session.Query("resolve type " + std::to_string(oid), sql,
                                 {base.value()[0][2].c_str()}, Shape::kOneRow);
    if (!element.ok()) return element.status();
    type.element = Oid(element.value()[0][0]);
    type.element_category = element.value()[0][1].c_str()[0];
  }
  return type;
}

Result<Relation> LoadRelation(Session& session, std::uint32_t oid_value) {
  const std::string oid = std::to_string(oid_value);
  auto found = session.Query(
      "look up relation " + oid,
      "SELECT n.nspname, c.relname, c.relkind, c.relispartition, c.relispopulated,"
      "       CASE WHEN c.relkind = 'p' THEN"
      "         (SELECT coalesce(sum(greatest(p.reltuples, 0)), 0)::float8"
      "            FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid"
      "           WHERE t.isleaf)"
      "       ELSE greatest(c.reltuples, 0)::float8 END,"
      "       (WITH RECURSIVE up(oid) AS ("
      "          SELECT inhparent FROM pg_inherits WHERE inhrelid = c.oid"
      "          UNION SELECT i.inhparent FROM pg_inherits i JOIN up ON i.inhrelid = up.oid)"
      "        SELECT json_agg(oid::text) FROM up)"
      "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid",
      {oid}, Shape::kOneRow);
  if (!found.ok()) return found.status();
  const auto row = found.value()[0];
  Relation r;
  r.oid = oid_value;
  r.schema = row[0].c_str();
  r.name = row[1].c_str();
  r.kind = row[2].c_str()[0];
  RowReader fields(row, "look up relation " + oid);
  r.is_partition = fields.Get<bool>(3);
  r.populated = fields.Get<bool>(4);
  r.estimated_rows = fields.Get<double>(5);
  if (!fields.status().ok()) return fields.status();
  auto ancestors = JsonStrings(row[6], "the parents of '" + r.Display() + "'");
  if (!ancestors.ok()) return ancestors.status();
  // A partition's parent in pg_inherits is its partitioned table, not an inheritance parent.
  if (!r.is_partition)
    for (const std::string& a : ancestors.value()) r.ancestors.push_back(ParseOid(a));

  auto columns = session.Query(
      "read the columns of '" + r.Display() + "'",
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnotnull,"
      "       a.attnum, a.attgenerated = 's', a.attidentity = 'a',"
      "       (SELECT json_agg(s.attname ORDER BY s.attnum) FROM pg_attrdef ad"
      "          JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid"
      "           AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ad.adrelid"
      "           AND d.refobjsubid > 0"
      "          JOIN pg_attribute s ON s.attrelid = ad.adrelid AND s.attnum = d.refobjsubid"
      "         WHERE ad.adrelid = a.attrelid AND ad.adnum = a.attnum AND a.attgenerated = 's')"
      "  FROM pg_attribute a"
      " WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {oid});
  if (!columns.ok()) return columns.status();
  std::map<std::uint32_t, BaseType> types;
  for (const auto& c : columns.value()) {
    Column column;
    column.name = c[0].c_str();
    column.type = c[1].c_str();
    column.type_oid = Oid(c[2]);
    RowReader column_fields(c, "read the columns of '" + r.Display() + "'");
    column.not_null = column_fields.Get<bool>(3);
    column.number = column_fields.Get<int>(4);
    column.generated = column_fields.Get<bool>(5);
    column.identity_always = column_fields.Get<bool>(6);
    if (!column_fields.status().ok()) return column_fields.status();
    auto from = JsonStrings(c[7], "the columns of '" + r.Display() + "'");
    if (!from.ok()) return from.status();
    column.generated_from = std::move(from.value());
    auto known = types.find(column.type_oid);
    if (known == types.end()) {
      auto base = ResolveType(session, column.type_oid);
      if (!base.ok()) return base.status();
      known = types.emplace(column.type_oid, base.value()).first;
    }
    column.base = known->second;
    column.category = column.base.category;
    r.columns.push_back(std::move(column));
  }

  // Unique indexes with every column they read (their key columns and the columns of their
  // expressions), from the dependencies the server records for each index.
  auto unique = session.Query(
      "read the unique indexes of '" + r.Display() + "'",
      "SELECT ic.relname, i.indisprimary,"
      "       coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false),"
      "       (SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_depend d"
      "          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
      "         WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid"
      "           AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid"
      "           AND d.refobjsubid > 0),"
      "       (SELECT json_agg(a.attname ORDER BY k.ord)"
      "          FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)"
      "          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)"
      "  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
      " WHERE i.indrelid = $1::oid AND i.indisunique ORDER BY ic.relname",
      {oid});
  if (!unique.ok()) return unique.status();
  for (const auto& u : unique.value()) {
    UniqueIndex index;
    index.name = u[0].c_str();
    RowReader index_fields(u, "read the unique indexes of '" + r.Display() + "'");
    index.primary = index_fields.Get<bool>(1);
    index.nulls_not_distinct = index_fields.Get<bool>(2);
    if (!index_fields.status().ok()) return index_fields.status();
    auto read = JsonStrings(u[3], "the indexes of '" + r.Display() + "'");
    if (!read.ok()) return read.status();
    index.columns = std::move(read.value());
    if (index.columns.empty()) {  // no recorded dependency: fall back to the key columns
      auto keys = JsonStrings(u[4], "the indexes of '" + r.Display() + "'");
      if (!keys.ok()) return keys.status();
      index.columns = std::move(keys.value());
    }
    if (index.primary) {
      auto keys = JsonStrings(u[4], "the primary key of '" + r.Display() + "'");
      if (!keys.ok()) return keys.status();
      r.primary_key = std::move(keys.value());
    }
    r.unique_indexes.push_back(std::move(index));
  }
  return r;
}

Result<std::vector<std::uint32_t>> InheritanceDescendants(Session& session, std::uint32_t oid) {
  auto rows = session.Query(
      "read the tables that inherit from " + std::to_string(oid),
      "WITH RECURSIVE down(oid, depth) AS ("
      "  SELECT i.inhrelid, 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
      "   WHERE i.inhparent = $1::oid AND NOT c.relispartition"
      "  UNION SELECT i.inhrelid, d.depth + 1 FROM pg_inherits i JOIN down d ON i.inhparent = d.oid"
      "    JOIN pg_class c ON c.oid = i.inhrelid WHERE NOT c.relispartition AND d.depth < 64)"
      "SELECT oid FROM down GROUP BY oid ORDER BY max(depth), oid",
      {std::to_string(oid)});
  if (!rows.ok()) return rows.status();
  std::vector<std::uint32_t> out;
  for (const auto& row : rows.value()) out.push_back(Oid(row[0]));
  return out;
}

Result<std::vector<DependentView>> MaterializedViewsOver(Session& session,
                                                        const std::vector<std::uint32_t>& oids) {
  std::string array = "{";
  for (std::size_t i = 0; i < oids.size(); ++i) array += (i ? "," : "") + std::to_string(oids[i]);
  array += "}";
  // A view or materialized view reads a relation when its rewrite rule depends on it; views in
  // between are followed, and each materialized view is ordered after everything it reads.
  auto rows = session.Query(
      "read the materialized views over the mapped tables",
      "WITH RECURSIVE reads(oid, depth) AS ("
      "  SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid"
      "   WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass"
      "     AND d.refobjid = ANY($1::oid[]) AND r.ev_class <> d.refobjid"
      "  UNION SELECT r.ev_class, x.depth + 1 FROM reads x"
      "    JOIN pg_depend d ON d.refobjid = x.oid AND d.refclassid = 'pg_class'::regclass"
      "     AND d.classid = 'pg_rewrite'::regclass"
      "    JOIN pg_rewrite r ON r.oid = d.objid"
      "   WHERE r.ev_class <> x.oid AND x.depth < 32)"
      "SELECT c.oid, n.nspname, c.relname, c.relispopulated FROM reads x"
      "  JOIN pg_class c ON c.oid = x.oid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind = 'm'"
      " GROUP BY c.oid, n.nspname, c.relname, c.relispopulated ORDER BY max(x.depth), c.oid",
      {array});
  if (!rows.ok()) return rows.status();
  std::vector<DependentView> out;
  for (const auto& row : rows.value()) {
    auto populated = Value<bool>(row, 3, "read the materialized views over the mapped tables");
    if (!populated.ok()) return populated.status();
    out.push_back({Oid(row[0]), row[1].c_str(), row[2].c_str(), populated.value()});
  }
  return out;
}

Result<DatabaseFacts> ReadDatabaseFacts(Session& session) {
  auto row = session.Query(
      "read the database's encoding and time zone",
      "SELECT d.datname, pg_encoding_to_char(d.encoding),"
      "       coalesce((SELECT substr(c, strpos(c, '=') + 1)"
      "                   FROM pg_db_role_setting s, unnest(s.setconfig) c"
      "                  WHERE s.setdatabase = d.oid AND s.setrole = 0"
      "                    AND lower(split_part(c, '=', 1)) = 'timezone' LIMIT 1),"
      "                (SELECT reset_val FROM pg_settings WHERE name = 'TimeZone'))"
      "  FROM pg_database d WHERE d.datname = current_database()",
      {}, Shape::kOneRow);
  if (!row.ok()) return row.status();
  return DatabaseFacts{row.value()[0][0].c_str(), row.value()[0][1].c_str(),
                       row.value()[0][2].c_str()};
}

std::string_view ForeignKey::OnDeleteName() const {
  switch (on_delete) {
    case 'r':
      return "RESTRICT";
    case 'c':
      return "CASCADE";
    case 'n':
      return "SET NULL";
    case 'd':
      return "SET DEFAULT";
    default:
      return "NO ACTION";
  }
}

namespace {

std::string OidArray(const std::vector<std::uint32_t>& oids) {
  std::string array = "{";
  for (std::size_t i = 0; i < oids.size(); ++i) array += (i ? "," : "") + std::to_string(oids[i]);
  return array + "}";
}

}  // namespace

Result<std::vector<ForeignKey>> AllForeignKeys(Session& session) {
  auto keys = session.Query(
      "read the foreign keys",
      "SELECT con.conname, coalesce(pg_partition_root(con.conrelid), con.conrelid)::oid,"
      "       coalesce(pg_partition_root(con.confrelid), con.confrelid)::oid, con.conrelid,"
      "       cn.nspname, c.relname, pn.nspname, p.relname, con.confdeltype, con.condeferrable,"
      "       c.relkind,"
      "  (SELECT json_agg(a.attname ORDER BY k.ord)"
      "     FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)"
      "     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n),"
      "  (SELECT json_agg(a.attname ORDER BY k.ord)"
      "     FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)"
      "     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n)"
      "  FROM pg_constraint con"
      "  JOIN pg_class c ON c.oid = coalesce(pg_partition_root(con.conrelid), con.conrelid)"
      "  JOIN pg_namespace cn ON cn.oid = c.relnamespace"
      "  JOIN pg_class p ON p.oid = coalesce(pg_partition_root(con.confrelid), con.confrelid)"
      "  JOIN pg_namespace pn ON pn.oid = p.relnamespace"
      " WHERE con.contype = 'f' AND con.conparentid = 0"
      " ORDER BY cn.nspname, c.relname, con.conname");
  if (!keys.ok()) return keys.status();
  std::vector<ForeignKey> out;
  for (const auto& row : keys.value()) {
    ForeignKey fk;
    fk.name = row[0].c_str();
    fk.child_oid = Oid(row[1]);
    fk.parent_oid = Oid(row[2]);
    fk.declared_child = Oid(row[3]);
    fk.child_schema = row[4].c_str();
    fk.child_name = row[5].c_str();
    fk.parent_schema = row[6].c_str();
    fk.parent_name = row[7].c_str();
    fk.on_delete = row[8].c_str()[0];
    auto deferrable = Value<bool>(row, 9, "read foreign key '" + fk.name + "'");
    if (!deferrable.ok()) return deferrable.status();
    fk.deferrable = deferrable.value();
    fk.child_kind = row[10].c_str()[0];
    auto child = JsonStrings(row[11], "foreign key '" + fk.name + "'");
    auto parent = JsonStrings(row[12], "foreign key '" + fk.name + "'");
    if (!child.ok()) return child.status();
    if (!parent.ok()) return parent.status();
    fk.child_columns = std::move(child.value());
    fk.parent_columns = std::move(parent.value());
    out.push_back(std::move(fk));
  }
  return out;
}

Result<std::vector<std::string>> PartitionKeyColumns(Session& session, std::uint32_t oid) {
  auto rows = session.Query(
      "read the partition key of " + std::to_string(oid),
      "SELECT a.attname FROM pg_partitioned_table pt, unnest(pt.partattrs) k(n)"
      "  JOIN pg_attribute a ON a.attnum = k.n"
      " WHERE pt.partrelid = $1::oid AND a.attrelid = pt.partrelid",
      {std::to_string(oid)});
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  for (const auto& r : rows.value()) out.emplace_back(r[0].c_str());
  return out;
}

Result<std::vector<ServerAction>> TriggersAndRules(Session& session,
                                                   const std::vector<std::uint32_t>& relations) {
  std::vector<ServerAction> out;
  // tgtype bits (pg_trigger.h): 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate,
  // 64 instead of.
  auto triggers = session.Query(
      "read the triggers of the mapped tables",
      "SELECT t.tgrelid, t.tgname,"
      "       CASE WHEN t.tgtype & 2 <> 0 THEN 'BEFORE' WHEN t.tgtype & 64 <> 0 THEN 'INSTEAD OF'"
      "            ELSE 'AFTER' END"
      "       || ' ' || concat_ws(' OR ', CASE WHEN t.tgtype & 4 <> 0 THEN 'INSERT' END,"
      "            CASE WHEN t.tgtype & 8 <> 0 THEN 'DELETE' END,"
      "            CASE WHEN t.tgtype & 16 <> 0 THEN 'UPDATE' END,"
      "            CASE WHEN t.tgtype & 32 <> 0 THEN 'TRUNCATE' END)"
      "       || CASE WHEN t.tgtype & 1 <> 0 THEN ' ROW' ELSE ' STATEMENT' END"
      "       || ' (function ' || t.tgfoid::regproc::text || ')'"
      "       || CASE t.tgenabled WHEN 'D' THEN ', disabled' ELSE '' END"
      "  FROM pg_trigger t WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal"
      " ORDER BY t.tgrelid, t.tgname",
      {OidArray(relations)});
  if (!triggers.ok()) return triggers.status();
  for (const auto& row : triggers.value())
    out.push_back({Oid(row[0]), row[1].c_str(), "trigger", row[2].c_str()});
  auto rules = session.Query(
      "read the rules of the mapped tables",
      "SELECT r.ev_class, r.rulename,"
      "       'ON ' || CASE r.ev_type WHEN '1' THEN 'SELECT' WHEN '2' THEN 'UPDATE'"
      "                 WHEN '3' THEN 'INSERT' ELSE 'DELETE' END"
      "       || CASE WHEN r.is_instead THEN ' DO INSTEAD' ELSE ' DO ALSO' END"
      "  FROM pg_rewrite r WHERE r.ev_class = ANY($1::oid[]) AND r.rulename <> '_RETURN'"
      " ORDER BY r.ev_class, r.rulename",
      {OidArray(relations)});
  if (!rules.ok()) return rules.status();
  for (const auto& row : rules.value())
    out.push_back({Oid(row[0]), row[1].c_str(), "rule", row[2].c_str()});
  return out;
}

Result<std::map<std::uint32_t, TableChanges>> TransactionChanges(Session& session) {
  auto rows = session.Query(
      "read the rows this transaction changed",
      "SELECT coalesce(pg_partition_root(s.relid), s.relid)::oid, n.nspname, c.relname, c.relkind,"
      "       sum(s.n_tup_ins), sum(s.n_tup_upd), sum(s.n_tup_del)"
      "  FROM pg_stat_xact_user_tables s"
      "  JOIN pg_class c ON c.oid = coalesce(pg_partition_root(s.relid), s.relid)"
      "  JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname NOT LIKE 'pg\\_temp\\_%'"
      " GROUP BY 1, 2, 3, 4");
  if (!rows.ok()) return rows.status();
  std::map<std::uint32_t, TableChanges> out;
  for (const auto& row : rows.value()) {
    TableChanges t;
    t.relation = Oid(row[0]);
    t.schema = row[1].c_str();
    t.name = row[2].c_str();
    t.kind = row[3].c_str()[0];
    RowReader fields(row, "read the changes of '" + t.schema + "." + t.name + "'");
    t.inserted = fields.Get<std::uint64_t>(4);
    t.updated = fields.Get<std::uint64_t>(5);
    t.deleted = fields.Get<std::uint64_t>(6);
    if (!fields.status().ok()) return fields.status();
    out[t.relation] = t;
  }
  return out;
}

Result<std::vector<std::string>> LockHolders(Session& session,
                                             const std::vector<std::uint32_t>& relations) {
  auto rows = session.Query(
      "find the sessions holding locks",
      "SELECT DISTINCT a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''),"
      "       coalesce(a.state, ''), l.mode, c.relname"
      "  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
      "  JOIN pg_class c ON c.oid = l.relation"
      " WHERE l.granted AND l.locktype = 'relation' AND l.relation = ANY($1::oid[])"
      "   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
      "   AND a.pid <> pg_backend_pid()"
      " ORDER BY a.pid",
      {OidArray(relations)});
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  for (const auto& row : rows.value())
    out.push_back("pid " + std::string(row[0].c_str()) + " (user " + row[1].c_str() +
                  ", application '" + row[2].c_str() + "', " + row[3].c_str() + ", " +
                  row[4].c_str() + " on " + row[5].c_str() + ")");
  return out;
}

Result<bool> IsSuperuser(Session& session) {
  return session.QueryValue<bool>("check the role's privileges",
                                  "SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
}

}  // namespace tombstone::pg

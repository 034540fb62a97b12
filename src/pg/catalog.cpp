#include "src/pg/catalog.h"

#include <nlohmann/json.hpp>

namespace tombstone::pg {
namespace {

std::vector<std::string> JsonStrings(const pqxx::field& field) {
  std::vector<std::string> out;
  for (const auto& item : nlohmann::json::parse(field.c_str()))
    out.push_back(item.get<std::string>());
  return out;
}

}  // namespace

const Column* Relation::Find(const std::string& column) const {
  for (const Column& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

Result<std::optional<Relation>> FindRelation(Session& session, const std::string& schema,
                                             const std::string& name) {
  auto found = session.Query(
      "look up table '" + schema + "." + name + "'",
      "SELECT c.oid, c.relkind, c.relispartition,"
      "       (SELECT coalesce(sum(greatest(p.reltuples, 0)), 0)::float8"
      "          FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid WHERE t.isleaf)"
      "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
      {schema, name});
  if (!found.ok()) return found.status();
  if (found->empty()) return std::optional<Relation>{};
  Relation r;
  r.schema = schema;
  r.name = name;
  r.oid = found.value()[0][0].as<std::uint32_t>();
  r.kind = found.value()[0][1].c_str()[0];
  r.is_partition = found.value()[0][2].as<bool>();
  r.estimated_rows = found.value()[0][3].as<double>();
  const std::string oid = std::to_string(r.oid);
  auto columns = session.Query(
      "read the columns of '" + r.Display() + "'",
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory, a.attnotnull"
      "  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
      " WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {oid});
  if (!columns.ok()) return columns.status();
  for (const auto& row : columns.value())
    r.columns.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str()[0], row[3].as<bool>()});
  auto key =
      session.Query("read the primary key of '" + r.Display() + "'",
                    "SELECT a.attname FROM pg_index i"
                    "  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)"
                    "  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
                    " WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord",
                    {oid});
  if (!key.ok()) return key.status();
  for (const auto& row : key.value()) r.primary_key.emplace_back(row[0].c_str());
  return std::optional<Relation>(std::move(r));
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

Result<std::vector<ForeignKey>> ForeignKeysInto(Session& session,
                                                const std::vector<std::uint32_t>& parents) {
  std::string array = "{";
  for (std::size_t i = 0; i < parents.size(); ++i)
    array += (i ? "," : "") + std::to_string(parents[i]);
  array += "}";
  auto keys = session.Query(
      "read the foreign keys that reference the mapped tables",
      "SELECT con.conname, con.conrelid, con.confrelid, n.nspname, c.relname, con.confdeltype,"
      "  (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, "
      "ord)"
      "     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n),"
      "  (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(n, "
      "ord)"
      "     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n)"
      "  FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
      "  JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE con.contype = 'f' AND con.conparentid = 0 AND con.confrelid = ANY($1::oid[])"
      " ORDER BY n.nspname, c.relname, con.conname",
      {array});
  if (!keys.ok()) return keys.status();
  std::vector<ForeignKey> out;
  for (const auto& row : keys.value()) {
    ForeignKey fk;
    fk.name = row[0].c_str();
    fk.child_oid = row[1].as<std::uint32_t>();
    fk.parent_oid = row[2].as<std::uint32_t>();
    fk.child_schema = row[3].c_str();
    fk.child_name = row[4].c_str();
    fk.on_delete = row[5].c_str()[0];
    fk.child_columns = JsonStrings(row[6]);
    fk.parent_columns = JsonStrings(row[7]);
    out.push_back(std::move(fk));
  }
  return out;
}

Result<bool> IsSuperuser(Session& session) {
  auto row = session.Query("check the role's privileges",
                           "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", {},
                           Shape::kOneRow);
  if (!row.ok()) return row.status();
  return row.value()[0][0].as<bool>();
}

}  // namespace tombstone::pg

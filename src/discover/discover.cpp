#include "src/discover/discover.h"

#include "src/discover/relation_scan.h"
#include "src/match/value_types.h"
#include "src/pg/catalog.h"

namespace tombstone::discover {
namespace {

using match::TombstoneTable;

constexpr std::uint32_t kInt8 = 20, kInt4 = 23;

std::string Array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace

bool Coverage::Covers(std::uint32_t relation, const std::string& column) const {
  const auto found = columns.find(relation);
  return found != columns.end() && found->second.count(column) > 0;
}

std::string Place::Display() const {
  std::string text = schema + "." + table + "." + column;
  if (!path.empty()) text += (path.front() == '[' ? "" : ".") + path;
  if (tokens) text += " (tokens in text)";
  return text;
}

Result<Report> Discover(pg::Session& session, const TombstoneTable& tombstones,
                        const tombstones::Key& key, const Coverage* coverage,
                        const Options& options, replay::Progress& progress) {
  std::vector<Probe> probes;
  for (const auto& [kind, normalizer] : tombstones.kinds())
    probes.push_back({kind, normalizer, key.ForKind(kind)});
  Report report;
  if (probes.empty()) return report;  // no tombstone: nothing can be found
  auto relations = session.Query(
      "list the tables and materialized views",
      "SELECT c.oid, n.nspname, c.relname, c.relkind,"
      "       coalesce(pg_partition_root(c.oid), c.oid)::oid, rn.nspname || '.' || rc.relname"
      "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      "  JOIN pg_class rc ON rc.oid = coalesce(pg_partition_root(c.oid), c.oid)"
      "  JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
      " WHERE (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated))"
      "   AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
      "   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
      "   AND (cardinality($1::text[]) = 0 OR n.nspname = ANY($1::text[]))"
      " ORDER BY n.nspname, c.relname",
      {Array(options.schemas)});
  if (!relations.ok()) return relations.status();
  for (const auto& row : relations.value()) {
    Place base;
    pg::RowReader fields(row, "list the tables and materialized views");
    base.relation = fields.Get<std::uint32_t>(0);
    base.schema = row[1].c_str();
    base.table = row[2].c_str();
    base.root = fields.Get<std::uint32_t>(4);
    if (!fields.status().ok()) return fields.status();
    base.root_display = row[5].c_str();
    auto relation = pg::LoadRelation(session, base.relation);
    if (!relation.ok()) return relation.status();
    std::vector<Candidate> candidates;
    std::string select;
    for (const pg::Column& c : relation->columns) {
      Candidate candidate;
      candidate.name = c.name;
      candidate.type = c.type;
      candidate.source = match::SourceTypeOf(c.base.oid, c.base.category, c.base.element,
                                             c.base.element_category);
      for (std::size_t p = 0; p < probes.size(); ++p)
        if (match::Accepts(probes[p].normalizer, candidate.source)) candidate.probes.push_back(p);
      if (candidate.probes.empty()) continue;
      // A table's own integer key numbers its rows: equal to some erased user id by coincidence in
      // every table of the database. Read only where the map matches it (the subjects' table).
      if (candidate.source.value == match::ValueClass::kInteger && !candidate.source.array &&
          relation->primary_key == std::vector<std::string>{c.name} &&
          (coverage == nullptr || !coverage->Covers(base.root, c.name)))
        continue;
      const std::string quoted = session.QuoteName(c.name);
      std::string field = "(" + quoted + ")::text";
      if (candidate.source.array) {
        field = "(" + quoted + ")::text[]";
        candidate.wire = pg::Wire::kTextArray;
      } else if (candidate.source.value == match::ValueClass::kInteger) {
        field = quoted;
        candidate.wire = c.base.oid == kInt8   ? pg::Wire::kInt8
                         : c.base.oid == kInt4 ? pg::Wire::kInt4
                                               : pg::Wire::kInt2;
      }
      select += (select.empty() ? "" : ", ") + field;
      candidates.push_back(std::move(candidate));
    }
    ++report.relations;
    if (candidates.empty()) continue;
    report.columns += candidates.size();
    const std::string from = (relation->kind == 'r' ? "ONLY " : "") +
                             session.QuoteTable(base.schema, base.table);
    RelationScan scan(tombstones, probes, std::move(candidates), options, base);
    progress.Start(base.schema + "." + base.table, relation->estimated_rows);
    const std::string what = "read table '" + base.schema + "." + base.table + "'";
    Status copied = session.Copy(
        what, "SELECT " + select + " FROM " + from,
        [&](std::string_view message) {
          scan.Add(message);
          progress.Tick(scan.scanned());
        },
        pg::Session::CopyFormat::kBinary);
    progress.Finish(scan.scanned());
    if (!copied.ok()) return copied;
    if (!scan.error().empty()) return Status::Failed("unable to " + what + ": " + scan.error());
    report.rows += scan.scanned();
    for (Place& place : scan.Finish()) {
      place.covered = coverage != nullptr && coverage->Covers(place.root, place.column) &&
                      !place.tokens;
      report.places.push_back(std::move(place));
    }
  }
  return report;
}

}  // namespace tombstone::discover

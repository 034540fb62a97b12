#include "src/discover/discover.h"

#include <map>
#include <tuple>

#include "src/discover/json_leaves.h"
#include "src/match/kind_matcher.h"
#include "src/match/value_types.h"
#include "src/pg/catalog.h"
#include "src/pg/copy_binary.h"

namespace tombstone::discover {
namespace {

using match::TombstoneTable;
using tombstones::Normalizer;

constexpr std::uint32_t kInt8 = 20, kInt4 = 23;

struct Probe {
  std::string kind;
  Normalizer normalizer;
  tombstones::Key::KindHasher hasher;
};

// A column that can hold an identifier, and the kinds that read its type.
struct Candidate {
  std::string name, type;
  match::SourceType source;
  pg::Wire wire = pg::Wire::kText;
  std::vector<std::size_t> probes;  // indices into the store's kinds
};

bool Delimiter(unsigned char c) {
  return std::isspace(c) || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' ||
         c == ']' || c == '{' || c == '}' || c == ',' || c == ';' || c == ':' || c == '"' ||
         c == '\'' || c == '`';
}

// Calls `token` for every email-shaped word of `text`: characters around an '@' up to a space
// or punctuation, trailing dots removed.
template <typename F>
void ForEachEmailToken(std::string_view text, F&& token) {
  std::size_t at = 0;
  while ((at = text.find('@', at)) != std::string_view::npos) {
    std::size_t begin = at, end = at + 1;
    while (begin > 0 && !Delimiter(static_cast<unsigned char>(text[begin - 1]))) --begin;
    while (end < text.size() && !Delimiter(static_cast<unsigned char>(text[end]))) ++end;
    std::string_view word = text.substr(begin, end - begin);
    while (!word.empty() && word.back() == '.') word.remove_suffix(1);
    if (word.front() != '@' && word.back() != '@' && word.find('@') == word.rfind('@'))
      token(word);
    at = end;
  }
}

class RelationScan {
 public:
  RelationScan(const TombstoneTable& tombstones, std::vector<Probe>& probes,
               std::vector<Candidate> candidates, const Options& options, Place base)
      : tombstones_(tombstones),
        probes_(probes),
        candidates_(std::move(candidates)),
        options_(options),
        base_(std::move(base)) {
    for (const Candidate& c : candidates_) wires_.push_back(c.wire);
  }

  const std::vector<pg::Wire>& wires() const { return wires_; }

  // One binary COPY message.
  void Add(std::string_view message) {
    if (!error_.empty()) return;
    const auto got = rows_.Next(message);
    if (got == pg::CopyBinaryRows::Got::kMalformed) error_ = rows_.error();
    if (got != pg::CopyBinaryRows::Got::kRow) return;
    if (rows_.size() != candidates_.size()) {
      error_ = "malformed binary COPY data: a row of another width";
      return;
    }
    ++scanned_;
    for (std::size_t c = 0; c < candidates_.size(); ++c) {
      if (rows_.Null(c)) continue;
      const Candidate& column = candidates_[c];
      const std::string_view raw = rows_.Raw(c);
      if (column.source.value == match::ValueClass::kJson) {
        if (!json_.ForEach(raw, [&](std::string_view path, std::string_view value) {
              Match(c, path, false, value, column.probes);
            })) {
          // PostgreSQL sends only valid JSON, and the reader reads all of it: a value it refuses
          // would hide the leaves after the error, so the relation fails rather than say nothing.
          error_ = "malformed binary COPY data: a value of column '" + column.name +
                   "' that is not valid JSON";
          return;
        }
      } else if (column.source.array) {
        pg::BinaryTextArray elements;
        std::string_view element;
        if (!elements.Open(raw)) {
          error_ = "malformed binary COPY data: an array of column '" + column.name + "'";
          return;
        }
        while (elements.Next(&element)) Match(c, {}, false, element, column.probes);
      } else if (column.wire == pg::Wire::kText) {
        Match(c, {}, false, raw, column.probes);
        if (options_.tokens && column.source.value == match::ValueClass::kText)
          ForEachEmailToken(raw, [&](std::string_view token) {
            Match(c, {}, true, token, email_probes_(column.probes));
          });
      } else {
        text_.clear();
        if (!pg::AppendAsText(column.wire, raw, &text_)) {
          error_ = "malformed binary COPY data: an integer of column '" + column.name + "'";
          return;
        }
        Match(c, {}, false, text_, column.probes);
      }
    }
  }

  const std::string& error() const { return error_; }
  std::uint64_t scanned() const { return scanned_; }

  // The places with something found, in column and path order.
  std::vector<Place> Places() const {
    std::vector<Place> out;
    for (const auto& [where, found] : found_) {
      Place place = base_;
      const Candidate& column = candidates_[std::get<0>(where)];
      place.column = column.name;
      place.type = column.type;
      place.path = std::get<1>(where);
      place.tokens = std::get<2>(where);
      place.kinds = found.kinds;
      place.rows_scanned = scanned_;
      place.rows_found = found.rows;
      place.rows_held = found.held_rows;
      for (std::uint32_t t : found.requests)
        place.requests.emplace_back(tombstones_.request_id(t));
      place.requests_truncated = found.truncated;
      out.push_back(std::move(place));
    }
    return out;
  }

 private:
  using Where = std::tuple<std::size_t, std::string, bool>;
  struct Found {
    std::set<std::string> kinds;
    std::uint64_t rows = 0, held_rows = 0;
    std::uint64_t last_row = 0, last_held_row = 0;  // a row counts once per place
    std::set<std::uint32_t> requests;
    bool truncated = false;
  };

  std::vector<std::size_t> email_probes_(const std::vector<std::size_t>& probes) const {
    std::vector<std::size_t> out;
    for (std::size_t p : probes)
      if (probes_[p].normalizer == Normalizer::kEmail) out.push_back(p);
    return out;
  }

  void Match(std::size_t column, std::string_view path, bool tokens, std::string_view value,
             const std::vector<std::size_t>& probes) {
    for (std::size_t p : probes) {
      Probe& probe = probes_[p];
      const auto hash = match::ProbeHash(probe.normalizer, probe.hasher, value, &normalized_);
      if (!hash) continue;
      const std::uint32_t t = tombstones_.Find(*hash);
      if (t == TombstoneTable::kNone) continue;
      Found& found = found_[Where{column, std::string(path), tokens}];
      found.kinds.insert(probe.kind);
      if (tombstones_.held(t)) {
        if (found.last_held_row != scanned_) ++found.held_rows, found.last_held_row = scanned_;
        continue;
      }
      if (found.last_row != scanned_) ++found.rows, found.last_row = scanned_;
      if (options_.request_ids == 0 || found.requests.size() < options_.request_ids)
        found.requests.insert(t);
      else if (found.requests.count(t) == 0)
        found.truncated = true;
    }
  }

  const TombstoneTable& tombstones_;
  std::vector<Probe>& probes_;
  std::vector<Candidate> candidates_;
  const Options& options_;
  Place base_;
  std::vector<pg::Wire> wires_;
  pg::CopyBinaryRows rows_;
  JsonLeafReader json_;
  std::map<Where, Found> found_;
  std::string normalized_, text_, error_;
  std::uint64_t scanned_ = 0;
};

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
    for (Place& place : scan.Places()) {
      place.covered = coverage != nullptr && coverage->Covers(place.root, place.column) &&
                      !place.tokens;
      report.places.push_back(std::move(place));
    }
  }
  return report;
}

}  // namespace tombstone::discover

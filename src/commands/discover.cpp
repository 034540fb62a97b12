// tombstone discover: tombstoned subjects anywhere in a database, mapped or not. Reads every
// table once and reports each place (column, json path) holding an erased subject, whether the
// data map covers it, and request ids; never a value.
#include "src/commands/discover.h"

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/discover/discover.h"
#include "src/pg/sql_names.h"
#include "src/replay/table_plan.h"

namespace tombstone {
namespace {

using discover::Place;

void Declare(cxxopts::Options& options) {
  options.add_options()(
      "dsn",
      "libpq connection string or URI of the database (default: the libpq environment, "
      "PGHOST, PGPORT, PGUSER, PGDATABASE, as with psql)",
      cxxopts::value<std::string>()->default_value(""), "DSN")(
      "map", "the data map: places it covers are marked so", cxxopts::value<std::string>(),
      "FILE")("schema", "only this schema (repeatable); default: every schema but the system ones",
              cxxopts::value<std::vector<std::string>>(), "NAME")(
      "fail-on",
      "which places make the exit code 3: uncovered (by the map; everything without --map), "
      "covered, or any",
      cxxopts::value<std::string>()->default_value("uncovered"), "WHICH")(
      "all", "list every request id of each place (default: the first 10)")(
      "tokens",
      "also look for email-shaped words inside text (an address in a sentence), for the kinds "
      "normalized as email")(
      "suggest-map",
      "print, instead of the table, data map entries (TOML) that would cover what was found: a "
      "starting point for a human");
  DeclareFormatOption(options);
}

// What the map covers: per planned relation, the columns its match sources read.
discover::Coverage CoverageOf(const replay::Plan& plan) {
  discover::Coverage coverage;
  for (const replay::TablePlan& p : plan.tables)
    for (const replay::KeySource& source : p.sources) {
      auto& columns = coverage.columns[p.relation.oid];
      if (!source.map->column.empty()) {
        columns.insert(source.map->column);
        continue;
      }
      for (const std::string& name : pg::NamesIn(source.map->expr))
        if (p.relation.Find(name) != nullptr) columns.insert(name);
    }
  return coverage;
}

std::string Join(const std::set<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : " ") + v;
  return out;
}

void PrintPlaces(std::ostream& out, Format format, const discover::Report& report, bool mapped) {
  if (format == Format::kJson) {
    nlohmann::json places = nlohmann::json::array();
    for (const Place& p : report.places)
      places.push_back({{"place", p.Display()},
                        {"table", p.schema + "." + p.table},
                        {"partition_of", p.root == p.relation ? nlohmann::json(nullptr)
                                                              : nlohmann::json(p.root_display)},
                        {"column", p.column},
                        {"path", p.path},
                        {"tokens", p.tokens},
                        {"type", p.type},
                        {"kinds", p.kinds},
                        {"rows_scanned", p.rows_scanned},
                        {"rows_found", p.rows_found},
                        {"rows_held", p.rows_held},
                        {"covered", mapped ? nlohmann::json(p.covered) : nlohmann::json(nullptr)},
                        {"requests", p.requests},
                        {"requests_truncated", p.requests_truncated}});
    out << nlohmann::json({{"relations", report.relations},
                           {"columns", report.columns},
                           {"rows", report.rows},
                           {"places", places}})
               .dump(2)
        << '\n';
    return;
  }
  Table table({"place", "kinds", "scanned", "found", "held", "covered", "requests"});
  for (const Place& p : report.places) {
    std::string requests;
    for (const std::string& r : p.requests) requests += (requests.empty() ? "" : " ") + r;
    if (p.requests_truncated) requests += " ...";
    table.Add({p.Display(), Join(p.kinds), std::to_string(p.rows_scanned),
               std::to_string(p.rows_found), std::to_string(p.rows_held),
               mapped ? (p.covered ? "yes" : "no") : "-", requests});
  }
  table.Print(out, format);
}

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// Map entries covering the uncovered places found: a whole map without --map, else entries to
// add to it (and, for tables it already has, the match sources to add to their entries).
void SuggestMap(std::ostream& out, const discover::Report& report,
                const match::TombstoneTable& tombstones, const DataMap* map,
                const std::map<std::uint32_t, char>& kinds_of_relation) {
  struct Suggestion {
    std::string name;
    char kind = 'r';
    std::set<std::pair<std::string, std::string>> sources;  // column, kind
    std::set<std::string> token_columns;
  };
  std::map<std::string, Suggestion> tables;
  std::set<std::string> kinds;
  for (const Place& p : report.places) {
    if (p.covered || p.rows_found + p.rows_held == 0) continue;
    Suggestion& s = tables[p.root_display];
    s.name = p.root_display;
    if (const auto k = kinds_of_relation.find(p.root); k != kinds_of_relation.end())
      s.kind = k->second;
    if (p.tokens) {
      s.token_columns.insert(p.column);
      continue;
    }
    for (const std::string& kind : p.kinds) {
      s.sources.insert({p.column, kind});
      kinds.insert(kind);
    }
  }
  out << "# Suggested by 'tombstone discover': review every entry before use (docs/data-map.md).\n";
  if (map == nullptr) {
    out << "[kinds]\n";
    for (const std::string& kind : kinds)
      out << kind << " = \""
          << tombstones::NormalizerName(tombstones.kinds().at(kind)) << "\"\n";
  } else {
    for (const std::string& kind : kinds)
      if (map->kinds.count(kind) == 0)
        out << "# add to [kinds]: " << kind << " = \""
            << tombstones::NormalizerName(tombstones.kinds().at(kind)) << "\"\n";
  }
  for (const auto& [name, s] : tables) {
    const TableMap* existing = nullptr;
    if (map != nullptr)
      for (const TableMap& t : map->tables)
        if (t.schema + "." + t.name == name) existing = &t;
    if (existing != nullptr) {
      for (const auto& [column, kind] : s.sources)
        out << "# add to the entry of " << name << " (line " << existing->line
            << "): { column = " << Quoted(column) << ", kind = " << Quoted(kind) << " }\n";
    } else if (!s.sources.empty()) {
      out << "\n[[table]]\nname = " << Quoted(name) << "\nmatch = [";
      bool first = true;
      for (const auto& [column, kind] : s.sources) {
        out << (first ? " " : ",\n          ") << "{ column = " << Quoted(column)
            << ", kind = " << Quoted(kind) << " }";
        first = false;
      }
      out << " ]\n";
      if (s.kind == 'm')
        out << "action = \"refresh\"   # a materialized view: map the tables it reads too\n";
      else
        out << "action = \"delete\"    # review: delete, anonymize (with set) or retain?\n";
    }
    for (const std::string& column : s.token_columns)
      out << "# " << name << "." << column
          << ": free text mentions erased subjects; exact matching cannot clean it: anonymize "
             "the column, or clean those rows by hand\n";
  }
}

Status Run(Context& ctx) {
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  const std::string fail_on = ctx.Get<std::string>("fail-on");
  if (fail_on != "uncovered" && fail_on != "covered" && fail_on != "any")
    return Status::Usage("unable to parse --fail-on '" + fail_on +
                         "': expected uncovered, covered or any");
  discover::Options options;
  if (ctx.Has("schema")) options.schemas = ctx.Get<std::vector<std::string>>("schema");
  options.tokens = ctx.Has("tokens");
  options.request_ids = ctx.Has("all") ? 0 : 10;
  std::optional<DataMap> map;  // the map, when given
  if (ctx.Has("map")) {
    auto loaded = LoadDataMap(ctx.Get<std::string>("map"));
    if (!loaded.ok()) return loaded.status();
    map = std::move(loaded.value());
  }
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);  // the store
  if (!opened.ok()) return opened.status();
  auto tombstones = match::TombstoneTable::Load(*opened->store);
  if (!tombstones.ok()) return tombstones.status();
  opened->store.reset();
  auto session = pg::Session::Connect(ctx.Get<std::string>("dsn"), "tombstone discover");
  if (!session.ok()) return session.status();
  pg::Session& db = *session.value();
  if (Status s = db.SetTimeouts(30000); !s.ok()) return s;
  auto read_only = db.Query("make the session read-only",
                            "SELECT set_config('default_transaction_read_only', 'on', false)", {},
                            pg::Shape::kOneRow);
  if (!read_only.ok()) return read_only.status();
  discover::Coverage coverage;  // what the map covers
  if (map) {
    replay::Plan plan;
    if (Status s = replay::PlanTablesCollecting(db, *map, tombstones.value(), *opened->key, &plan);
        !s.ok())
      return s;
    for (const Status& problem : plan.problems)
      ctx.io.err << "tombstone: warning: " << problem.message() << " (that entry covers nothing here)\n";
    coverage = CoverageOf(plan);
  }
  if (Status s = db.Begin(/*repeatable_read=*/true, /*read_only=*/true); !s.ok()) return s;
  replay::Progress progress(ctx.io.err, ctx.io.err_is_terminal);
  auto report = discover::Discover(db, tombstones.value(), *opened->key,
                                   map ? &coverage : nullptr, options, progress);  // read all
  std::map<std::uint32_t, char> relation_kinds;
  if (report.ok() && ctx.Has("suggest-map")) {
    auto kinds = db.Query("read relation kinds",
                          "SELECT oid, relkind FROM pg_class WHERE relkind IN ('r', 'p', 'm')");
    if (!kinds.ok()) return kinds.status();
    for (const auto& row : kinds.value()) {
      auto oid = pg::Value<std::uint32_t>(row, 0, "read relation kinds");
      if (!oid.ok()) return oid.status();
      relation_kinds[oid.value()] = row[1].c_str()[0];
    }
  }
  db.Rollback();
  if (!report.ok()) return report.status();
  if (ctx.Has("suggest-map"))
    SuggestMap(ctx.io.out, report.value(), tombstones.value(), map ? &*map : nullptr,
               relation_kinds);
  else
    PrintPlaces(ctx.io.out, format.value(), report.value(), map.has_value());
  std::size_t failing = 0, found = 0;
  for (const Place& p : report->places) {
    if (p.rows_found == 0) continue;
    ++found;
    const bool covered = map && p.covered;
    if (fail_on == "any" || (fail_on == "covered") == covered) ++failing;
  }
  ctx.io.err << "discover: " << report->relations << " relations, " << report->columns
             << " columns, " << report->rows << " rows read; " << found
             << " places hold tombstoned subjects\n";
  if (failing > 0)
    return Status::Residue(std::to_string(failing) + " places hold tombstoned subjects" +
                               (fail_on == "uncovered"
                                    ? (map ? " the data map does not cover" : "")
                                    : fail_on == "covered" ? " the data map covers" : ""),
                           fail_on == "covered"
                               ? "run 'tombstone replay' (docs/replay.md)"
                               : "map them (--suggest-map prints entries to start from), then "
                                 "replay");
  return Status::Ok();
}

}  // namespace

const CommandSpec& DiscoverCommand() {
  static const CommandSpec spec{
      "discover",
      "[--dsn DSN] [--map FILE]",
      0,
      0,
      "find tombstoned subjects anywhere in a database, mapped or not",
      "Reads every table, partition and materialized view once (in one read-only snapshot),\n"
      "every column whose type can hold an identifier: text-like types, integers and uuids for\n"
      "the kinds that read them, arrays of those, and every string and number inside json\n"
      "values (reported with its path, e.g. payload.contact.email). Each value is normalized\n"
      "with every kind of the store that reads its type, hashed and looked up, as replay does.\n"
      "Prints per place the rows read, the rows holding a tombstoned subject (and those on legal\n"
      "hold), whether the data map (--map) covers it, and request ids; never a value.\n"
      "Free text (an address inside a sentence) is not matched exactly; --tokens also tries the\n"
      "email-shaped words of text columns.\n"
      "Exit 3 when a tombstoned subject (not on hold) is in a place the map does not cover\n"
      "(without --map: anywhere; see --fail-on); 0 when none is; 1 when the database cannot be\n"
      "read; 2 usage or map error; 4 store error.\n",
      Declare,
      Run};
  return spec;
}

}  // namespace tombstone

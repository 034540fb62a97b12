// tombstone check: the read-only pre-flight a DBA runs before a restore, and the restore hooks run
// before they fence: what replay would refuse or fail on, what the server would do by itself, and
// what the map may have forgotten. Changes nothing.
#include "src/commands/check.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/replay/preflight.h"

namespace tombstone {
namespace {

using Level = replay::Finding::Level;

void Declare(cxxopts::Options& options) {
  options.add_options()(
      "dsn",
      "libpq connection string or URI of the database (default: the libpq environment, "
      "PGHOST, PGPORT, PGUSER, PGDATABASE, as with psql)",
      cxxopts::value<std::string>()->default_value(""), "DSN")(
      "map", "the data map (TOML) to check", cxxopts::value<std::string>(), "FILE");
  DeclareFormatOption(options);
}

void Print(std::ostream& out, Format format, const std::vector<replay::Finding>& found) {
  if (format == Format::kJson) {
    nlohmann::json items = nlohmann::json::array();
    for (const replay::Finding& f : found)
      items.push_back({{"level", std::string(replay::LevelName(f.level))},
                       {"topic", f.topic},
                       {"where", f.where},
                       {"what", f.what}});
    out << items.dump(2) << '\n';
    return;
  }
  Table table({"level", "topic", "where", "what"});
  for (const replay::Finding& f : found)
    table.Add({std::string(replay::LevelName(f.level)), f.topic, f.where, f.what});
  table.Print(out, format);
}

Status Run(Context& ctx) {
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  if (!ctx.Has("map"))
    return Status::Usage("unable to run 'check': --map FILE is required",
                         "docs/data-map.md describes the file");
  auto map = LoadDataMap(ctx.Get<std::string>("map"));  // the map parses
  if (!map.ok()) return map.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);  // the store
  if (!opened.ok()) return opened.status();
  auto tombstones = match::TombstoneTable::Load(*opened->store);
  if (!tombstones.ok()) return tombstones.status();
  opened->store.reset();
  auto session = pg::Session::Connect(ctx.Get<std::string>("dsn"), "tombstone check");  // connect
  if (!session.ok()) return session.status();
  if (Status s = session.value()->SetTimeouts(30000); !s.ok()) return s;
  // Every statement read-only, each on its own: one that fails (a map expression that does not
  // run) must not end the others, as it would end a transaction.
  auto read_only = session.value()->Query(
      "make the session read-only", "SELECT set_config('default_transaction_read_only', 'on', false)",
      {}, pg::Shape::kOneRow);
  if (!read_only.ok()) return read_only.status();
  auto found = replay::Preflight(*session.value(), map.value(), tombstones.value(),
                                 *opened->key);  // every check
  if (!found.ok()) return found.status();
  Print(ctx.io.out, format.value(), found.value());
  std::size_t refused = 0, fails = 0, warnings = 0;
  for (const replay::Finding& f : found.value()) {
    refused += f.level == Level::kRefused;
    fails += f.level == Level::kFails;
    warnings += f.level == Level::kWarning;
  }
  if (refused > 0)
    return Status::Usage("unable to pass the check: replay would refuse this map or server (" +
                             std::to_string(refused) + " problems above)",
                         "fix them; nothing was changed");
  if (fails > 0)
    return Status::Failed("unable to pass the check: replay would fail (" +
                          std::to_string(fails) + " problems above)");
  ctx.io.err << "check passed: replay would run with this map" +
                    (warnings > 0 ? " (" + std::to_string(warnings) + " warnings above)" : "") +
                    "; 'tombstone replay --dry-run' rehearses it\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& CheckCommand() {
  static const CommandSpec spec{
      "check",
      "[--dsn DSN] --map FILE",
      0,
      0,
      "read-only pre-flight: what replay would refuse or meet, before any fence",
      "Changes nothing (every statement read-only). Checks that the store opens with the key and\n"
      "the map parses; then, against the database: every relation and column of the map exists\n"
      "with a type its kind can read, and everything else replay would refuse (every refusal,\n"
      "not only the first: docs/replay.md, \"What replay refuses, and why\"); the connecting role\n"
      "is a superuser and the server is promoted; the tombstones whose kinds no match source\n"
      "reads (this map cannot re-apply them); the tables the map does not cover that reference a\n"
      "mapped table, and what the server would do to them (cascade, set null, block); triggers,\n"
      "rules and materialized views on mapped tables; columns named like personal data in tables\n"
      "the map does not cover (a hint: 'tombstone discover' looks at their values).\n"
      "Levels: refused (replay would exit 2), fails (exit 1), warning, info, hint.\n"
      "Exit 0 when replay would run as far as can be known without changing anything (rehearse\n"
      "it with 'tombstone replay --dry-run'); 2 when the map (or the server) would be refused;\n"
      "1 when the database cannot be reached; 4 store error.\n",
      Declare,
      Run};
  return spec;
}

}  // namespace tombstone

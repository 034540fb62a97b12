// tombstone config: the settings in force and where each came from (command line, environment,
// configuration file, default), and the configuration's targets. DSNs are shown redacted.
// The post-restore step reads a target's databases and maps from '--format tsv'.
#include "src/commands/config.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "src/cli/globals.h"
#include "src/cli/target.h"
#include "src/pg/dsn.h"

namespace tombstone {
namespace {

using nlohmann::json;

void Declare(cxxopts::Options& options) {
  options.add_options()(
      "format",
      "text (for people), json, or tsv: one line per database of the targets, "
      "TARGET<TAB>DATABASE<TAB>MAP (for scripts) (default: text)",
      cxxopts::value<std::string>(), "FORMAT")(
      "target", "only this target", cxxopts::value<std::string>(), "NAME");
}

struct Setting {
  std::string name, value;
};

std::vector<Setting> Settings(const GlobalOptions& g) {
  return {{"config", g.config.path},
          {"store", g.store_dir},
          {"key-file", g.key_file},
          {"sealing-key-file", g.sealing_key_file},
          {"lock-timeout", fmt::format("{}", g.lock_timeout)},
          {"log-level", std::string(config::LogLevelName(g.log_level))}};
}

void PrintText(const Context& ctx, const std::vector<const config::Target*>& targets) {
  std::ostream& out = ctx.io.out;
  for (const Setting& s : Settings(ctx.global)) {
    std::string origin = OriginOf(ctx.global, s.name);
    if (s.name == "config" && origin == "default")
      origin = s.value.empty() ? "default, absent" : "default";
    out << fmt::format("{:<13} {} ({})\n", s.name + ":", s.value.empty() ? "-" : s.value, origin);
  }
  for (const config::Target* t : targets) {
    out << "\ntarget " << t->name << "\n";
    if (!t->pgdata.empty()) out << "  pgdata:      " << t->pgdata << "\n";
    if (!t->dsn.empty()) out << "  dsn:         " << pg::RedactDsn(t->dsn) << "\n";
    for (const config::Database& db : t->databases)
      out << "  database " << db.name << ": map " << db.map << "; dsn "
          << (db.dsn.empty() ? "(libpq environment)" : pg::RedactDsn(db.dsn)) << "\n";
  }
}

void PrintJson(const Context& ctx, const std::vector<const config::Target*>& targets) {
  json settings = json::object();
  for (const Setting& s : Settings(ctx.global))
    settings[s.name] = {{"value", s.value.empty() ? json(nullptr) : json(s.value)},
                        {"origin", OriginOf(ctx.global, s.name)}};
  settings["lock-timeout"]["value"] = ctx.global.lock_timeout;
  json list = json::array();
  for (const config::Target* t : targets) {
    json dbs = json::array();
    for (const config::Database& db : t->databases)
      dbs.push_back({{"name", db.name}, {"map", db.map}, {"dsn", pg::RedactDsn(db.dsn)}});
    list.push_back({{"name", t->name},
                    {"pgdata", t->pgdata.empty() ? json(nullptr) : json(t->pgdata)},
                    {"dsn", t->dsn.empty() ? json(nullptr) : json(pg::RedactDsn(t->dsn))},
                    {"databases", dbs}});
  }
  ctx.io.out << json{{"settings", settings}, {"targets", list}}.dump(2) << "\n";
}

Status Run(Context& ctx) {
  const std::string format = ctx.Has("format") ? ctx.Get<std::string>("format") : "text";
  if (format != "text" && format != "json" && format != "tsv")
    return Status::Usage("unable to parse option '--format': expected text, json or tsv, got '" +
                         format + "'");
  std::vector<const config::Target*> targets;
  if (ctx.Has("target")) {
    auto target = FindTarget(ctx, ctx.Get<std::string>("target"));
    if (!target.ok()) return target.status();
    targets.push_back(target.value());
  } else {
    for (const config::Target& t : ctx.global.config.targets) targets.push_back(&t);
  }
  if (format == "json") {
    PrintJson(ctx, targets);
  } else if (format == "tsv") {  // names and absolute paths: no tab or newline in them
    for (const config::Target* t : targets)
      for (const config::Database& db : t->databases)
        ctx.io.out << t->name << '\t' << db.name << '\t' << db.map << '\n';
  } else {
    PrintText(ctx, targets);
  }
  return Status::Ok();
}

}  // namespace

const CommandSpec& ConfigCommand() {
  static const CommandSpec spec{
      "config", "", 0, 0,
      "the settings in force, where each came from, and the configured targets",
      "Reads the configuration file (--config FILE, else TOMBSTONE_CONFIG, else\n"
      "/etc/tombstone/tombstone.conf when it exists) and prints each global setting with its\n"
      "origin: the command line wins over the environment, which wins over the file, which\n"
      "wins over the default. Then each target: its data directory, its connection and, per\n"
      "database, the data map and the DSN (passwords shown as <redacted>).\n"
      "--format tsv prints TARGET<TAB>DATABASE<TAB>MAP per database (the post-restore step\n"
      "reads it). A malformed file is exit 2 naming the line (docs/configuration.md).\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

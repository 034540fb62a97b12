// tombstone info: one summary of the store, like 'pgbackrest info': where it is, whose key,
// how many tombstones (held, retracted), what is pending, how far the backup catalog reaches,
// and per target the last replay and the last drill. Reads only.
#include "src/commands/info.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "src/cli/store_access.h"
#include "src/cli/target.h"
#include "src/compliance/store_summary.h"

namespace tombstone {
namespace {

using compliance::RunOutcome;
using compliance::StoreSummary;
using compliance::TargetRuns;
using nlohmann::json;

void Declare(cxxopts::Options& options) {
  options.add_options()(
      "format", "text (for people) or json (for scripts) (default: text)",
      cxxopts::value<std::string>(), "FORMAT")(
      "target", "only this target of the configuration in the per-target part",
      cxxopts::value<std::string>(), "NAME");
}

std::string Age(tombstones::Micros now, tombstones::Micros then) {
  return now >= then ? compliance::Duration(now - then) + " ago" : "in the future";
}

std::string Describe(const std::optional<RunOutcome>& run, tombstones::Micros now) {
  if (!run) return "none";
  return "#" + std::to_string(run->seq) + " " + tombstones::FormatTime(run->finished_at) + " (" +
         Age(now, run->finished_at) + "), database '" + run->database + "': " +
         (run->ok() ? "clean" : "failed, exit " + std::to_string(run->exit_code)) +
         (run->verification.empty() || run->ok() ? "" : " (" + run->verification + ")");
}

json RunJson(const std::optional<RunOutcome>& run, tombstones::Micros now) {
  if (!run) return nullptr;
  return {{"receipt", run->seq},
          {"finished_at", tombstones::FormatTime(run->finished_at)},
          {"age_seconds", (now - run->finished_at) / 1000000},
          {"database", run->database},
          {"exit_code", run->exit_code},
          {"verification", run->verification},
          {"ok", run->ok()}};
}

std::vector<std::string> DatabasesOf(const Context& ctx, const TargetRuns& t) {
  std::vector<std::string> names;
  if (const config::Target* target = ctx.global.config.Find(t.target); target && t.configured)
    for (const config::Database& db : target->databases) names.push_back(db.name);
  return names;
}

void PrintText(const Context& ctx, const StoreSummary& s, const std::string& dir) {
  std::ostream& out = ctx.io.out;
  out << "store:         " << dir << "\n"
      << "key:           " << s.key_fingerprint << "\n"
      << "sealed mode:   "
      << (s.sealing_fingerprint ? "on, sealing key " + s.sealing_fingerprint->substr(0, 16)
                                : std::string("off (keyed hashes only)"))
      << "\n"
      << "tombstones:    " << s.tombstones << " (" << s.held << " on legal hold, " << s.retracted
      << " retracted)\n"
      << "pending:       " << s.pending.pending << " (" << s.pending.held << " held, "
      << s.pending.unknown << " with an unknown age-out";
  if (s.pending.next_age_out)
    out << "; next age-out " << tombstones::FormatTime(*s.pending.next_age_out);
  out << ")\n"
      << "catalog:       " << s.catalog.backups << " backups (" << s.catalog.unexpired
      << " unexpired)";
  if (s.newest_backup)
    out << "; newest taken " << tombstones::FormatTime(*s.newest_backup) << " ("
        << Age(s.at, *s.newest_backup) << ")";
  out << "; " << (s.catalog.trusted() ? "current" : "NOT current: see 'tombstone pending'")
      << "\n"
      << "receipts:      " << s.receipts << "\n"
      << "configuration: "
      << (ctx.global.config.path.empty() ? "none" : ctx.global.config.path) << "\n";
  for (const TargetRuns& t : s.targets) {
    out << "\n" << (t.target.empty() ? "runs without a target" : "target " + t.target) << "\n";
    const std::vector<std::string> dbs = DatabasesOf(ctx, t);
    if (!dbs.empty()) {
      out << "  databases:   ";
      for (std::size_t i = 0; i < dbs.size(); ++i) out << (i ? ", " : "") << dbs[i];
      out << "\n";
    }
    out << "  last replay: " << Describe(t.last_replay, s.at) << "\n"
        << "  last drill:  " << Describe(t.last_drill, s.at) << "\n";
  }
}

void PrintJson(const Context& ctx, const StoreSummary& s, const std::string& dir) {
  json targets = json::array();
  for (const TargetRuns& t : s.targets)
    targets.push_back({{"name", t.target.empty() ? json(nullptr) : json(t.target)},
                       {"configured", t.configured},
                       {"databases", DatabasesOf(ctx, t)},
                       {"last_replay", RunJson(t.last_replay, s.at)},
                       {"last_drill", RunJson(t.last_drill, s.at)}});
  const auto time = [](const std::optional<tombstones::Micros>& t) {
    return t ? json(tombstones::FormatTime(*t)) : json(nullptr);
  };
  const json body = {
      {"at", tombstones::FormatTime(s.at)},
      {"store",
       {{"path", dir},
        {"key_fingerprint", s.key_fingerprint},
        {"sealing_key_fingerprint",
         s.sealing_fingerprint ? json(*s.sealing_fingerprint) : json(nullptr)},
        {"tombstones", s.tombstones},
        {"held", s.held},
        {"retracted", s.retracted}}},
      {"pending",
       {{"tombstones", s.pending.pending},
        {"held", s.pending.held},
        {"ages_out_unknown", s.pending.unknown},
        {"next_age_out", time(s.pending.next_age_out)}}},
      {"catalog",
       {{"backups", s.catalog.backups},
        {"unexpired", s.catalog.unexpired},
        {"newest_taken_at", time(s.newest_backup)},
        {"newest_age_seconds",
         s.newest_backup ? json((s.at - *s.newest_backup) / 1000000) : json(nullptr)},
        {"current", s.catalog.trusted()},
        {"warnings", s.catalog.warnings}}},
      {"receipts", s.receipts},
      {"configuration",
       ctx.global.config.path.empty() ? json(nullptr) : json(ctx.global.config.path)},
      {"targets", targets}};
  ctx.io.out << body.dump(2) << "\n";
}

Status Run(Context& ctx) {
  const std::string format = ctx.Has("format") ? ctx.Get<std::string>("format") : "text";
  if (format != "text" && format != "json")
    return Status::Usage("unable to parse option '--format': expected text or json, got '" +
                         format + "'");
  std::vector<std::string> configured;
  if (ctx.Has("target")) {
    auto target = FindTarget(ctx, ctx.Get<std::string>("target"));
    if (!target.ok()) return target.status();
    configured.push_back(target.value()->name);
  } else {
    for (const config::Target& t : ctx.global.config.targets) configured.push_back(t.name);
  }
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto summary = compliance::Summarize(*opened->store, tombstones::Now(), configured);
  if (!summary.ok()) return summary.status();
  if (ctx.Has("target")) {  // only the one asked for
    std::erase_if(summary.value().targets,
                  [&](const TargetRuns& t) { return t.target != configured.front(); });
  }
  if (format == "json") PrintJson(ctx, summary.value(), opened->store->dir());
  else PrintText(ctx, summary.value(), opened->store->dir());
  return Status::Ok();
}

}  // namespace

const CommandSpec& InfoCommand() {
  static const CommandSpec spec{
      "info", "", 0, 0,
      "one summary: store, key, tombstones, pending, catalog, last replay and drill per target",
      "Like 'pgbackrest info': the store's directory and key fingerprint; whether sealed mode\n"
      "is on (and its sealing key's fingerprint); tombstones (on legal hold, retracted); how\n"
      "many are pending (held, with an unknown age-out, the next age-out\n"
      "date, as 'tombstone pending' counts them); the backup catalog (backups, unexpired, the\n"
      "newest and its age, whether every source is current); the receipts log's length; the\n"
      "configuration file read. Then per target (each of the configuration's, then any other\n"
      "that receipts name, and the runs that named no target) the last replay and the last\n"
      "drill (a replay run with --drill, as restore-hooks/drill.sh does): when, on which\n"
      "database, and whether it was clean. Dry runs and verifies are not counted.\n"
      "--format json gives the same for scripts (docs/info-metrics.md). Reads only; exit 0, 2\n"
      "usage or configuration, 4 store error.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

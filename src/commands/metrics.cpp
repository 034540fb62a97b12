// tombstone metrics: the store's state in the Prometheus text exposition format, for
// node_exporter's textfile collector. With --output the file is replaced atomically (a
// temporary file beside it, then rename): the collector never reads half a file.
#include "src/commands/metrics.h"

#include <fmt/format.h>

#include <sstream>

#include "src/cli/store_access.h"
#include "src/compliance/store_summary.h"
#include "src/io/atomic_file.h"

namespace tombstone {
namespace {

using compliance::RunOutcome;
using compliance::StoreSummary;
using compliance::TargetRuns;

void Declare(cxxopts::Options& options) {
  options.add_options()(
      "output",
      "write to FILE (e.g. /var/lib/prometheus/node-exporter/tombstone.prom), replaced "
      "atomically; default: stdout",
      cxxopts::value<std::string>(), "FILE");
}

// A label value: backslash, double quote and line feed escaped (the exposition format).
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

double Seconds(tombstones::Micros t) { return static_cast<double>(t) / 1e6; }

// Writes each metric family once: HELP, TYPE, then its samples.
class Exposition {
 public:
  void Family(std::string_view name, std::string_view help) {
    out_ << "# HELP tombstone_" << name << " " << help << "\n# TYPE tombstone_" << name
         << " gauge\n";
    name_ = name;
  }
  void Sample(double value, std::string_view target = {}, bool labelled = false) {
    out_ << "tombstone_" << name_;
    if (labelled) out_ << "{target=\"" << LabelValue(target) << "\"}";
    out_ << " " << fmt::format("{}", value) << "\n";
  }
  std::string Text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::string name_;
};

void Store(Exposition& e, const StoreSummary& s) {
  e.Family("tombstones", "Tombstones in the store.");
  e.Sample(static_cast<double>(s.tombstones));
  e.Family("tombstones_held", "Tombstones on legal hold.");
  e.Sample(static_cast<double>(s.held));
  e.Family("tombstones_retracted", "Tombstones retracted as recorded by mistake.");
  e.Sample(static_cast<double>(s.retracted));
  e.Family("pending_tombstones",
           "Tombstones still held by an unexpired backup, or on legal hold (tombstone pending).");
  e.Sample(static_cast<double>(s.pending.pending));
  e.Family("pending_age_out_unknown",
           "Pending tombstones whose age-out date is unknown (a backup holding them has no "
           "expiry forecast).");
  e.Sample(static_cast<double>(s.pending.unknown));
  e.Family("pending_next_age_out_timestamp_seconds",
           "The earliest known date a pending tombstone ages out (absent when none is known).");
  if (s.pending.next_age_out) e.Sample(Seconds(*s.pending.next_age_out));
  e.Family("catalog_backups", "Backups in the backup catalog.");
  e.Sample(static_cast<double>(s.catalog.backups));
  e.Family("catalog_newest_backup_timestamp_seconds",
           "When the newest backup of the catalog was taken (absent when the catalog is empty).");
  if (s.newest_backup) e.Sample(Seconds(*s.newest_backup));
  e.Family("catalog_current",
           "1 when the catalog is not empty and every source was imported lately, else 0.");
  e.Sample(s.catalog.trusted() ? 1 : 0);
  e.Family("receipts", "Receipts in the store's receipts log.");
  e.Sample(static_cast<double>(s.receipts));
}

using Slot = std::optional<RunOutcome> TargetRuns::*;

void Runs(Exposition& e, const StoreSummary& s, std::string_view what, Slot slot) {
  const std::string kind(what);
  e.Family("last_" + kind + "_timestamp_seconds",
           "When the target's last " + kind + " finished (from its receipt).");
  for (const TargetRuns& t : s.targets)
    if (t.*slot) e.Sample(Seconds((t.*slot)->finished_at), t.target, true);
  e.Family("last_" + kind + "_success", "1 when the target's last " + kind +
                                            " exited 0 (clean), else 0.");
  for (const TargetRuns& t : s.targets)
    if (t.*slot) e.Sample((t.*slot)->ok() ? 1 : 0, t.target, true);
  e.Family("last_" + kind + "_exit_code",
           "The exit code of the target's last " + kind + " (docs/exit-codes.md).");
  for (const TargetRuns& t : s.targets)
    if (t.*slot) e.Sample((t.*slot)->exit_code, t.target, true);
}

Status Run(Context& ctx) {
  std::vector<std::string> configured;
  for (const config::Target& t : ctx.global.config.targets) configured.push_back(t.name);
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto summary = compliance::Summarize(*opened->store, tombstones::Now(), configured);
  if (!summary.ok()) return summary.status();
  Exposition e;
  Store(e, summary.value());
  Runs(e, summary.value(), "replay", &TargetRuns::last_replay);
  Runs(e, summary.value(), "drill", &TargetRuns::last_drill);
  e.Family("metrics_generated_timestamp_seconds", "When these metrics were written.");
  e.Sample(Seconds(summary->at));
  if (!ctx.Has("output")) {
    ctx.io.out << e.Text();
    return Status::Ok();
  }
  return io::WriteFileAtomically(ctx.Get<std::string>("output"), e.Text(),
                                 {.mode = 0644, .replace = true});
}

}  // namespace

const CommandSpec& MetricsCommand() {
  static const CommandSpec spec{
      "metrics", "", 0, 0,
      "the store's state in Prometheus text format (node_exporter textfile collector)",
      "Writes gauges prefixed tombstone_: tombstones (total, held, retracted), pending\n"
      "tombstones, how many have an unknown age-out and the earliest known age-out date, the\n"
      "backup catalog (backups, the newest backup's date, whether it is current), the receipts,\n"
      "and per target (label target; \"\" for runs that named none) the last replay and the last\n"
      "drill: when, whether clean, the exit code. docs/info-metrics.md lists them with alert\n"
      "examples. --output FILE replaces FILE atomically (run it from a timer every few\n"
      "minutes into node_exporter's --collector.textfile.directory). Reads only; exit 0, 2\n"
      "usage or configuration (an --output that cannot be written), 4 store error.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

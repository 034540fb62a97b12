// tombstone pending: the compliance officer's list. Which erased subjects still sit in which
// unexpired backups, when they age out, which are on legal hold, and which replay re-applied them.
#include "src/commands/pending.h"

#include <nlohmann/json.hpp>

#include "src/cli/output.h"
#include "src/cli/options.h"
#include "src/cli/store_access.h"
#include "src/compliance/pending.h"
#include "src/compliance/pending_report.h"

namespace tombstone {
namespace {

using compliance::PendingIndex;
using compliance::PendingSummary;
using compliance::PendingVerdict;

void Declare(cxxopts::Options& options) {
  options.add_options()
      ("at", "the moment to evaluate, RFC 3339 (default: now); a future date forecasts",
       cxxopts::value<std::string>(), "TIME")
      ("fail-if-pending", "exit 3 when anything is pending (for scheduled checks)")
      ("format", "table (for people), json or csv (for scripts), html (a report for auditors)",
       cxxopts::value<std::string>()->default_value("table"), "FORMAT");
}

Result<tombstones::Micros> ReadAt(const Context& ctx) {
  if (!ctx.Has("at")) return tombstones::Now();
  return TimeOption(ctx, "at");
}

// One pass over the tombstones: each pending one goes to the report as it is found.
Status Scan(tombstones::Store& store, const PendingIndex& index, compliance::PendingReport& report,
            PendingSummary* summary) {
  return store.ForEach([&](const tombstones::Tombstone& t) {
    const PendingVerdict v = index.Evaluate(t);
    summary->Add(v);
    if (v.pending) report.Row(t, v, index.Holding(v));
    return true;
  });
}

Status Outcome(const Context& ctx, const PendingSummary& summary) {
  if (ctx.Has("fail-if-pending") && summary.pending > 0)
    return Status::Residue(std::to_string(summary.pending) +
                           (summary.pending == 1 ? " tombstone is" : " tombstones are") +
                           " pending (--fail-if-pending)");
  return Status::Ok();
}

Status Run(Context& ctx) {
  auto kind = compliance::ParseReportKind(ctx.Get<std::string>("format"));
  if (!kind.ok()) return kind.status();
  auto at = ReadAt(ctx);
  if (!at.ok()) return at.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto index = PendingIndex::Build(*opened->store, at.value());
  if (!index.ok()) return index.status();
  auto report = compliance::PendingReport::Make(kind.value(), ctx.io.out, index.value());
  PendingSummary summary;
  if (Status s = Scan(*opened->store, index.value(), *report, &summary); !s.ok()) return s;
  auto backups = opened->store->Backups();
  if (!backups.ok()) return backups.status();
  report->Finish(summary, backups.value());
  return Outcome(ctx, summary);
}

}  // namespace

const CommandSpec& PendingCommand() {
  static const CommandSpec spec{
      "pending", "", 0, 0,
      "which erased subjects still sit in unexpired backups, and when they age out",
      "Lists every tombstone still pending: a backup taken before its erasure has not expired\n"
      "yet, so a restore of that backup would bring the subject back (and 'tombstone replay'\n"
      "must erase it again). For each: the backups holding it, the date it ages out (when the\n"
      "last of them expires; 'unknown' when one of them has no forecast), the legal hold if\n"
      "any, and the last clean replay receipt that re-applied it. Tombstones on legal hold are\n"
      "always listed. A summary line follows: pending, held, next age-out date.\n"
      "Backup expiry comes from 'tombstone backups import' or 'backups add': keep the catalog\n"
      "current. --at evaluates at another moment (a future date answers 'what will still be\n"
      "pending then?'). Exit 0, or 3 with --fail-if-pending when anything is pending.\n"
      "docs/compliance.md explains what this list means and what it does not.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

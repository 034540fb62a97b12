// tombstone pending: the compliance officer's list. Which erased subjects still sit in which
// unexpired backups, when they age out, which are on legal hold, which replay re-applied them,
// and how far the backup catalog behind all this can be trusted.
#include "src/commands/pending.h"

#include "src/cli/output.h"
#include "src/cli/options.h"
#include "src/cli/store_access.h"
#include "src/compliance/catalog_coverage.h"
#include "src/compliance/pending.h"
#include "src/compliance/pending_report.h"
#include "src/compliance/retention.h"

namespace tombstone {
namespace {

using compliance::CatalogCoverage;
using compliance::PendingIndex;
using compliance::PendingSummary;
using compliance::PendingVerdict;

void Declare(cxxopts::Options& options) {
  options.add_options()
      ("at", "the moment to evaluate, RFC 3339 (default: now); a future date forecasts",
       cxxopts::value<std::string>(), "TIME")
      ("fail-if-pending", "exit 3 when anything is pending, or when the backup catalog is empty "
       "or stale (for scheduled checks)")
      ("allow-stale", "with --fail-if-pending: an empty or stale catalog is only a warning")
      ("stale-after", "a source not imported for longer is stale (default: 2 days)",
       cxxopts::value<std::string>(), "DAYS")
      ("format", "table (for people), json or csv (for scripts), html (a report for auditors) "
       "(default: table)", cxxopts::value<std::string>(), "FORMAT");
}

Result<tombstones::Micros> ReadAt(const Context& ctx) {
  if (!ctx.Has("at")) return tombstones::Now();
  return TimeOption(ctx, "at");
}

Result<tombstones::Micros> ReadStaleAfter(const Context& ctx) {
  if (!ctx.Has("stale-after")) return compliance::kDefaultStaleAfter;
  return compliance::ParseDays(ctx.Get<std::string>("stale-after"), "--stale-after");
}

// One pass over the tombstones: each pending one goes to the report as it is found, and the
// same pass gives the store's digest for the report.
Result<tombstones::StoreDigest> Scan(tombstones::Store& store, const PendingIndex& index,
                                     compliance::PendingReport& report, PendingSummary* summary) {
  return store.Digest([&](const tombstones::Tombstone& t) {
    const PendingVerdict v = index.Evaluate(t);
    summary->Add(v);
    if (v.pending) report.Row(t, v, index.Holding(v));
  });
}

Status Outcome(const Context& ctx, const PendingSummary& summary, const CatalogCoverage& catalog) {
  if (!ctx.Has("fail-if-pending")) return Status::Ok();
  if (summary.pending > 0)
    return Status::Residue(std::to_string(summary.pending) +
                           (summary.pending == 1 ? " tombstone is" : " tombstones are") +
                           " pending (--fail-if-pending)");
  if (!catalog.trusted() && !ctx.Has("allow-stale"))
    return Status::Residue(
        "unable to confirm that nothing is pending: the backup catalog is " +
            std::string(catalog.backups == 0 ? "empty" : "stale") + " (--fail-if-pending)",
        "import the backup listings again ('tombstone backups import'), or pass --allow-stale "
        "to accept the catalog as it is");
  return Status::Ok();
}

Status Run(Context& ctx) {
  auto kind = compliance::ParseReportKind(ctx.Has("format") ? ctx.Get<std::string>("format")
                                                            : "table");
  if (!kind.ok()) return kind.status();
  auto at = ReadAt(ctx);
  if (!at.ok()) return at.status();
  auto stale_after = ReadStaleAfter(ctx);
  if (!stale_after.ok()) return stale_after.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  tombstones::Store& store = *opened->store;
  auto index = PendingIndex::Build(store, at.value());
  if (!index.ok()) return index.status();
  auto coverage = compliance::AssessStoreCatalog(store, at.value(), stale_after.value());
  if (!coverage.ok()) return coverage.status();
  auto fingerprint = store.Fingerprint();
  if (!fingerprint.ok()) return fingerprint.status();
  auto catalog = store.Backups();
  if (!catalog.ok()) return catalog.status();

  auto report = compliance::PendingReport::Make(kind.value(), ctx.io.out, index.value());
  PendingSummary summary;
  auto digest = Scan(store, index.value(), *report, &summary);
  if (!digest.ok()) return digest.status();
  compliance::ReportFacts facts{std::move(catalog.value()), coverage.value(),
                                fingerprint.value(), digest.value(), index->receipts()};
  report->Finish(summary, facts);
  compliance::PrintWarnings(ctx.io.err, coverage.value());
  return Outcome(ctx, summary, coverage.value());
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
      "any, and the last replay receipt that re-applied it: a committed, clean replay whose map\n"
      "could match at least one of its kinds ('except KIND' names the kinds it could not;\n"
      "'not covered (#N)': replay N could match none of them, so it did not re-apply it).\n"
      "Tombstones on legal hold are always listed. A summary line follows: pending, held,\n"
      "next age-out date; then the backup catalog it rests on: its backups per source and\n"
      "when each source was last imported.\n"
      "The list is only as true as the catalog: an empty catalog, or a source not imported for\n"
      "longer than --stale-after, is a warning on stderr and in the report. --at evaluates at\n"
      "another moment (a future date answers 'what will still be pending then?').\n"
      "Exit 0; with --fail-if-pending, 3 when anything is pending or the catalog is empty or\n"
      "stale (--allow-stale: the catalog only warns).\n"
      "docs/compliance.md explains what this list means and what it does not.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

// tombstone scan FILE...: which rows of CSV/TSV exports and pg_dump files hold tombstoned
// subjects. Reads only; never prints an identifier (line numbers and request ids).
#include "src/commands/scan.h"

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/commands/export_options.h"
#include "src/exports/export_job.h"

namespace tombstone {
namespace {

using exports::ExportJob;
using exports::FileReport;

void Declare(cxxopts::Options& options) {
  DeclareExportOptions(options);
  DeclareFormatOption(options);
}

void PrintNotes(const Context& ctx, const std::vector<std::string>& notes) {
  for (const std::string& n : notes) ctx.io.err << "tombstone: note: " << n << '\n';
}

// Every file, even after one fails: the operator sees all that could be read.
Status ScanFiles(Context& ctx, ExportJob& job, std::vector<FileReport>* reports) {
  Status first_error;
  for (const std::string& path : ctx.args) {
    FileReport report;
    Status s = job.Process(path, nullptr, &report);
    PrintNotes(ctx, report.warnings);
    if (!s.ok()) {
      ctx.io.err << "tombstone: " << s.message() << '\n';
      if (!s.hint().empty()) ctx.io.err << "HINT: " << s.hint() << '\n';
      if (first_error.ok()) first_error = s;
      continue;
    }
    reports->push_back(std::move(report));
  }
  return first_error;
}

Status Outcome(const std::vector<FileReport>& reports, const Status& error, std::size_t files) {
  if (!error.ok()) {
    const std::string failed =
        "unable to scan every file: " + std::to_string(files - reports.size()) + " of " +
        std::to_string(files) + " could not be read (see above)";
    return error.code() == ExitCode::kUsage ? Status::Usage(failed) : error;
  }
  std::uint64_t rows = 0, with = 0;
  for (const FileReport& r : reports) {
    rows += r.residue();
    with += r.residue() > 0;
  }
  if (rows > 0)
    return Status::Residue(std::to_string(rows) + (rows == 1 ? " row" : " rows") + " of " +
                               "tombstoned subjects found in " + std::to_string(with) +
                               (with == 1 ? " file" : " files"),
                           "'tombstone scrub IN OUT' writes a copy without them");
  return Status::Ok();
}

Status Run(Context& ctx) {
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  auto options = ReadExportOptions(ctx);
  if (!options.ok()) return options.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!opened.ok()) return opened.status();
  auto job = ExportJob::Prepare(options.value(), *opened->store, *opened->key);
  if (!job.ok()) return job.status();
  PrintNotes(ctx, job.value()->notes());
  if (ctx.io.err_is_terminal) job.value()->ShowProgress(&ctx.io.err);
  job.value()->ReadStandardInputFrom(ctx.io.in);
  std::vector<FileReport> reports;
  const Status error = ScanFiles(ctx, *job.value(), &reports);
  exports::PrintReports(ctx.io.out, reports, format.value(), /*scrubbed=*/false);
  return Outcome(reports, error, ctx.args.size());
}

}  // namespace

const CommandSpec& ScanCommand() {
  static const CommandSpec spec{
      "scan",
      "FILE...",
      1,
      -1,
      "find tombstoned subjects in CSV/TSV exports and pg_dump files (.zst too)",
      "Reads each FILE and lists the rows that hold an identifier of a tombstoned subject:\n"
      "per file the rows read and matched, then each match's line number, column or table,\n"
      "request id and what 'scrub' would do with it. Identifiers are never printed.\n"
      "\n"
      "What is read:\n"
      "  CSV and TSV with a header row (RFC 4180 quoting, newlines inside quoted fields).\n"
      "    Which columns hold which kinds: --column HEADER=KIND (repeatable; the header must\n"
      "    have it) and/or the map's [csv] section, columns = { Email = \"email\" } (used where\n"
      "    the header has them). Headers match exactly, else ignoring case. Every record\n"
      "    must have the header's number of fields.\n"
      "  pg_dump files: plain SQL (-Fp, ending with pg_dump's completion line), and custom,\n"
      "    directory and tar archives (-Fc, -Fd, -Ft) read through 'pg_restore -f -'; not\n"
      "    --inserts.\n"
      "    The COPY blocks of the map's [[table]]s are matched on their 'column' sources and\n"
      "    on \"column->>'key'\" expressions; other expressions cannot be evaluated in a file\n"
      "    and are skipped with a note. Partitions count as their parent table. The dump's\n"
      "    foreign keys are followed as scrub follows them: the rows ON DELETE CASCADE or SET\n"
      "    NULL would change count too, and a key scrub would refuse is refused.\n"
      "  Any file may be zstd-compressed (.zst, or the zstd magic number): it is streamed.\n"
      "  FILE '-' is standard input, read as scrub reads it (tombstone scrub --help).\n"
      "The type comes from the content (archive magic, pg_dump's header), else the name (.csv,\n"
      ".tsv, .sql, before .zst) or the first line; --type overrides it for text files. Values are normalized with the store's normalizer for their kind, so\n"
      "' Alice@Example.COM' matches a tombstone of alice@example.com.\n"
      "\n"
      "Exit codes: 0 nothing to scrub; 3 rows would be removed or anonymized (rows of a\n"
      "tombstone on legal hold, rows kept by the map's created_at guard, retained tables and\n"
      "rows already anonymized are listed but do not count); 2 usage, a malformed or\n"
      "truncated file (the other files are still scanned); 4 store or key error.\n"
      "\n"
      "Examples:\n"
      "  tombstone scan --column Email=email --column 'Customer Id=user_id' finance.csv\n"
      "  tombstone scan --map map.toml nightly.sql.zst exports/*.csv\n"
      "docs/exports.md has the details and the limits.\n",
      Declare,
      Run};
  return spec;
}

}  // namespace tombstone

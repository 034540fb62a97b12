// tombstone scrub IN OUT: a copy of a CSV/TSV export or a plain pg_dump file without the rows of
// tombstoned subjects (or with the map's anonymize action applied), everything else byte for
// byte. OUT appears only complete: written to a temporary name beside it, renamed at the end.
#include "src/commands/scrub.h"

#include <filesystem>

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/commands/export_options.h"
#include "src/exports/export_job.h"

namespace tombstone {
namespace {

namespace fs = std::filesystem;
using exports::ExportJob;
using exports::FileReport;
using io::OutputFile;

void Declare(cxxopts::Options& options) {
  DeclareExportOptions(options);
  options.add_options()("force", "replace OUT when it exists");
  DeclareFormatOption(options);
}

// OUT must not be IN, and must not exist unless --force.
Status CheckTarget(const Context& ctx, const std::string& in, const std::string& out) {
  std::error_code ec;
  if (in != "-" && fs::exists(out, ec) && fs::equivalent(in, out, ec))
    return Status::Usage("unable to scrub '" + in + "': OUT is the same file as IN",
                         "write the copy elsewhere, check it, then replace the original");
  if (fs::exists(out, ec) && !ctx.Has("force"))
    return Status::Usage("unable to scrub '" + in + "' to '" + out + "': OUT exists",
                         "choose another name, or pass --force to replace it");
  return Status::Ok();
}

// The whole copy, then the rename: on any error the temporary file is removed, OUT untouched.
Status WriteCopy(ExportJob& job, const std::string& in, const std::string& out, bool replace,
                 FileReport* report) {
  auto file = OutputFile::Create(out, replace);
  if (!file.ok()) return file.status();
  if (Status s = job.Process(in, file.value().get(), report); !s.ok()) return s;
  return file.value()->Commit();
}

void PrintNotes(const Context& ctx, const std::vector<std::string>& notes) {
  for (const std::string& n : notes) ctx.io.err << "tombstone: note: " << n << '\n';
}

Status Run(Context& ctx) {
  const std::string in = ctx.args[0], out = ctx.args[1];
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  auto options = ReadExportOptions(ctx);
  if (!options.ok()) return options.status();
  if (Status s = CheckTarget(ctx, in, out); !s.ok()) return s;
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!opened.ok()) return opened.status();
  auto job = ExportJob::Prepare(options.value(), *opened->store, *opened->key);
  if (!job.ok()) return job.status();
  PrintNotes(ctx, job.value()->notes());
  if (ctx.io.err_is_terminal) job.value()->ShowProgress(&ctx.io.err);
  job.value()->ReadStandardInputFrom(ctx.io.in);
  std::vector<FileReport> reports(1);
  const Status s = WriteCopy(*job.value(), in, out, ctx.Has("force"), &reports[0]);
  PrintNotes(ctx, reports[0].warnings);
  if (!s.ok()) return s;
  exports::PrintReports(ctx.io.out, reports, format.value(), /*scrubbed=*/true);
  return Status::Ok();
}

}  // namespace

const CommandSpec& ScrubCommand() {
  static const CommandSpec spec{
      "scrub",
      "IN OUT",
      2,
      2,
      "copy an export or a pg_dump without the rows of tombstoned subjects",
      "Writes OUT, a copy of IN in which every row holding an identifier of a tombstoned\n"
      "subject is handled, and everything else is kept byte for byte (header, quoting, line\n"
      "ends; in a dump the DDL, comments, \\restrict lines, other tables and COPY escaping).\n"
      "IN is read as 'tombstone scan' reads it (same --column, --map and --type).\n"
      "\n"
      "What happens to a matching row:\n"
      "  CSV/TSV: the record is left out (all its lines, when a quoted field spans several).\n"
      "  pg_dump: the table's action in the map: delete leaves the row out of its COPY block;\n"
      "    anonymize rewrites the 'set' columns: null -> \\N, redact -> a marker of the\n"
      "    column's type ('[redacted]' for text, 0, f, {}, 1970-01-01...), hash -> a keyed\n"
      "    pseudonym (32 hex digits, stable for one key), a literal -> that value; retain\n"
      "    keeps it. Rows of a tombstone on legal hold, and rows created after the erasure\n"
      "    (the map's created_at guard) are kept. Rows already anonymized are kept as they are.\n"
      "The scrubbed dump restores with psql as the original did: the dump's foreign keys are\n"
      "followed (ON DELETE CASCADE removes child rows, SET NULL clears their columns; a key\n"
      "that would block the restore or touch a row the map keeps is exit 2, no OUT). IN is\n"
      "read several times for this before OUT is written.\n"
      "\n"
      "IN may be '-': standard input (plain or zstd; the format is told from its first bytes,\n"
      "so --type or the content must say it). A CSV/TSV stream is scrubbed as it arrives; a\n"
      "dump is first copied, zstd-compressed, to a private directory in $TMPDIR (it is read\n"
      "several times), removed at the end.\n"
      "\n"
      "A custom, directory or tar pg_dump archive gives a plain SQL OUT (a note says so):\n"
      "restore it with psql -v ON_ERROR_STOP=1 -f OUT.\n"
      "\n"
      "OUT is zstd-compressed when its name ends in .zst. It is written to a temporary file\n"
      "beside it and renamed only when complete: after any error (a truncated .zst, a full\n"
      "disk) OUT does not exist (or keeps its old content with --force). OUT must not exist\n"
      "unless --force. The report (like scan's) goes to stdout.\n"
      "\n"
      "Exit codes: 0 the copy is written; 2 usage, a malformed or truncated IN (no OUT);\n"
      "1 OUT could not be written (no OUT); 4 store or key error.\n"
      "\n"
      "Examples:\n"
      "  tombstone scrub --column Email=email finance.csv finance.scrubbed.csv\n"
      "  tombstone scrub --map map.toml nightly.sql.zst nightly.scrubbed.sql.zst\n"
      "  pg_dump -Fc app | tombstone scrub --map map.toml - app.scrubbed.sql\n"
      "docs/exports.md has the details and the limits.\n",
      Declare,
      Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

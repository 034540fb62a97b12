#include "src/commands/export_options.h"

namespace tombstone {

void DeclareExportOptions(cxxopts::Options& options) {
  options.add_options()(
      "map", "the data map: its [[table]]s for pg_dump files, its [csv] columns for CSV/TSV",
      cxxopts::value<std::string>(), "FILE")(
      "column", "a CSV/TSV column holding identifiers of KIND (repeatable), e.g. Email=email",
      cxxopts::value<std::vector<std::string>>(),
      "HEADER=KIND")("type", "csv, tsv or pg_dump (default: from the name, else the first line)",
                     cxxopts::value<std::string>(), "TYPE")(
      "all-matches", "list every matching row (default: the first 1000 per file)");
}

Result<exports::ExportOptions> ReadExportOptions(const Context& ctx) {
  exports::ExportOptions o;
  if (ctx.Has("map")) o.map_path = ctx.Get<std::string>("map");
  o.all_matches = ctx.Has("all-matches");
  if (ctx.Has("column")) {
    for (const std::string& spec : ctx.Get<std::vector<std::string>>("column")) {
      const std::size_t eq = spec.rfind('=');
      if (eq == std::string::npos || eq == 0 || !tombstones::IsValidKindName(spec.substr(eq + 1)))
        return Status::Usage("unable to parse --column '" + spec + "': expected HEADER=KIND",
                             "KIND is 1..64 of a-z 0-9 _ -, e.g. --column 'E-mail=email'");
      o.columns.push_back(exports::CsvColumn{spec.substr(0, eq), spec.substr(eq + 1), true});
    }
  }
  if (ctx.Has("type")) {
    const std::string t = ctx.Get<std::string>("type");
    if (t == "csv")
      o.type = exports::FileType::kCsv;
    else if (t == "tsv")
      o.type = exports::FileType::kTsv;
    else if (t == "pg_dump" || t == "pgdump" || t == "sql")
      o.type = exports::FileType::kPgDump;
    else
      return Status::Usage("unable to parse --type '" + t + "': expected csv, tsv or pg_dump");
  }
  return o;
}

}  // namespace tombstone

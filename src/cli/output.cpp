#include "src/cli/output.h"

namespace tombstone {

void DeclareFormatOption(cxxopts::Options& options) {
  options.add_options()("format", "output format: table (for people), json or csv (for scripts)",
                        cxxopts::value<std::string>()->default_value("table"), "FORMAT");
}

Result<Format> GetFormat(const Context& ctx) {
  const std::string f = ctx.Get<std::string>("format");
  if (f == "table") return Format::kTable;
  if (f == "json") return Format::kJson;
  if (f == "csv") return Format::kCsv;
  return Status::Usage("unable to use --format '" + f + "': expected table, json or csv");
}

}  // namespace tombstone

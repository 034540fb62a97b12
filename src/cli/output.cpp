#include "src/cli/output.h"

#include <algorithm>

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

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

void WriteCsvRow(std::ostream& out, const std::vector<std::string>& row) {
  for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << CsvField(row[i]);
  out << '\n';
}

void Table::Print(std::ostream& out, Format format) const {
  if (format == Format::kCsv) {
    WriteCsvRow(out, headers_);
    for (const auto& row : rows_) WriteCsvRow(out, row);
    return;
  }
  std::vector<std::size_t> width(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) width[c] = headers_[c].size();
  for (const auto& row : rows_)
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line.append(width[c] - row[c].size() + 2, ' ');
    }
    out << line << '\n';
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

}  // namespace tombstone

// Output for people (aligned tables) and for scripts (--format json|csv).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "src/cli/command.h"

namespace tombstone {

enum class Format { kTable, kJson, kCsv };

// Declares --format table|json|csv (default table).
void DeclareFormatOption(cxxopts::Options& options);
Result<Format> GetFormat(const Context& ctx);

// One CSV field, quoted when it needs to be (RFC 4180).
std::string CsvField(std::string_view field);
void WriteCsvRow(std::ostream& out, const std::vector<std::string>& row);

// The number of terminal columns `text` (UTF-8) takes: East Asian wide and full-width
// characters take two, combining marks and other zero-width characters none, everything else
// one (an invalid byte counts as one). What aligns table columns.
std::size_t DisplayWidth(std::string_view text);

// Collects rows, then prints them with aligned columns (kTable) or as CSV with a header (kCsv).
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  void Print(std::ostream& out, Format format) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace tombstone

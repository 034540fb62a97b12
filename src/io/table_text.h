// Text output for people (tables aligned on display width) and for scripts (CSV): the one place
// that renders rows, for the commands and for the reports of replay, the exports and pending.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tombstone::io {

enum class Format { kTable, kJson, kCsv };

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

}  // namespace tombstone::io

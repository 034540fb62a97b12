// A streaming RFC 4180 CSV reader: quoted fields, doubled quotes, embedded newlines, CRLF.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace tombstone {

class CsvReader {
 public:
  struct Limits {
    std::size_t field_bytes = std::size_t{64} << 10;  // one field
    std::size_t record_bytes = std::size_t{1} << 20;  // every field of a record together
    std::size_t fields = 1000;                        // fields in a record
  };
  explicit CsvReader(std::istream& in, char delimiter = ',') : CsvReader(in, delimiter, Limits()) {}
  CsvReader(std::istream& in, char delimiter, Limits limits)
      : in_(in), delimiter_(delimiter), limits_(limits) {}

  // Reads the next record into *fields. Returns false at the end of input, or on a malformed
  // record (then error() is non-empty: it names the line and column, never the text). A record
  // may span lines when a quoted field holds a newline; first_line() is the line it started on
  // (1-based). A record beyond the limits is malformed: memory stays bounded.
  bool Next(std::vector<std::string>* fields);
  const std::string& error() const { return error_; }
  long first_line() const { return first_line_; }

 private:
  std::istream& in_;
  char delimiter_;
  Limits limits_;
  long line_ = 1;
  long first_line_ = 0;
  std::string error_;
};

}  // namespace tombstone

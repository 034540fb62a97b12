// A streaming RFC 4180 CSV reader: quoted fields, doubled quotes, embedded newlines, CRLF.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace tombstone {

class CsvReader {
 public:
  explicit CsvReader(std::istream& in, char delimiter = ',') : in_(in), delimiter_(delimiter) {}

  // Reads the next record into *fields. Returns false at the end of input, or on a malformed
  // record (then error() is non-empty). A record may span lines when a quoted field holds a
  // newline; first_line() is the line it started on (1-based).
  bool Next(std::vector<std::string>* fields);
  const std::string& error() const { return error_; }
  long first_line() const { return first_line_; }

 private:
  std::istream& in_;
  char delimiter_;
  long line_ = 1;
  long first_line_ = 0;
  std::string error_;
};

}  // namespace tombstone

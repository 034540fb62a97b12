// Import's CSV reader: whole records (fields unquoted) from a stream, within limits, over the
// one CSV tokenizer (src/io/csv_record.h) that the exports use too. RFC 4180: quoted fields,
// doubled quotes, embedded newlines, CRLF or LF line ends (a lone '\r' inside a line is data).
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "src/io/csv_record.h"

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
      : in_(in), limits_(limits), parser_(delimiter) {}

  // Reads the next record into *fields. Returns false at the end of input, or on a malformed
  // record (then error() is non-empty: it names the line and column, never the text). A record
  // may span lines when a quoted field holds a newline; first_line() is the line it started on
  // (1-based). A record beyond the limits is malformed: memory stays bounded.
  bool Next(std::vector<std::string>* fields);
  const std::string& error() const { return error_; }
  long first_line() const { return first_line_; }

 private:
  // Reads the next line (with its '\n') into line_; false at the end of the input. At most a
  // record's limit and one byte more are kept: a longer line is refused by the caller.
  bool ReadLine();
  bool Fail(long line, std::size_t column, const std::string& what);
  // The limits, checked after each line; false with error() set when one is exceeded.
  bool WithinLimits(bool record_ended);

  std::istream& in_;
  Limits limits_;
  io::CsvRecordParser parser_;
  std::string line_;
  long line_no_ = 0;  // of line_
  long first_line_ = 0;
  std::string error_;
};

}  // namespace tombstone

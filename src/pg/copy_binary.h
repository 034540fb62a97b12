// PostgreSQL's COPY binary format as the server streams it (COPY ... TO STDOUT (FORMAT binary)):
// one CopyData message per row, the file header in front of the first row, a trailer (-1) as the
// last message. Replay scans in this format because the server then sends integers and
// timestamps as they are stored instead of printing them, and text without escaping it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tombstone::pg {

// Splits the messages of one binary COPY into fields. Views point into the message given to
// Next() and are valid until the next call.
class CopyBinaryRows {
 public:
  enum class Got { kRow, kEnd, kMalformed };

  // Reads one message: a row (kRow), the trailer (kEnd), or something else (kMalformed, with
  // error() saying what).
  Got Next(std::string_view message);
  // The row Next() read last, without the file header: kept to be read again with Reread().
  std::string_view row() const { return row_; }
  Got Reread(std::string_view row);

  std::size_t size() const { return fields_.size(); }
  bool Null(std::size_t i) const { return fields_[i].data() == nullptr; }
  std::string_view Raw(std::size_t i) const { return fields_[i]; }
  const std::string& error() const { return error_; }

 private:
  Got Malformed(std::string what);
  bool header_seen_ = false;
  std::string_view row_;
  std::vector<std::string_view> fields_;
  std::string error_;
};

// Big-endian integers as the binary format sends them; `raw` must hold enough bytes.
std::int16_t ReadInt16(const char* raw);
std::int32_t ReadInt32(const char* raw);
std::int64_t ReadInt64(const char* raw);

// Appends a field of a type the scan streams natively in the text its output function prints
// (how COPY's text format would show it). false when `raw` is not a value of that type.
// kTextArray: a text[] in the array binary format, read element by element (BinaryTextArray).
enum class Wire { kText, kInt2, kInt4, kInt8, kOid, kTid, kDate, kTimestamp, kTextArray };
bool AppendAsText(Wire wire, std::string_view raw, std::string* out);

// The elements of a text[] (of any number of dimensions) in the array binary format: a header
// (dimensions, a flags word, the element type), each dimension's size and lower bound, then
// each element as a length (-1: NULL) and its bytes.
class BinaryTextArray {
 public:
  // false when `raw` is not a well-formed array (then Next() gives nothing).
  bool Open(std::string_view raw);
  // The next element that is not NULL; false at the end, or when the array is cut short (then
  // ok() is false).
  bool Next(std::string_view* element);
  bool ok() const { return ok_; }

 private:
  std::string_view rest_;
  std::uint64_t left_ = 0;
  bool ok_ = false;
};

}  // namespace tombstone::pg

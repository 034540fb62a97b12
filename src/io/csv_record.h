// The one CSV tokenizer (RFC 4180: quoted fields, doubled quotes, fields spanning lines, CRLF or
// LF), fed a line at a time. The exports' scan and scrub feed it the lines of a file of any size
// and keep every byte as read; import's CsvReader (src/input/csv.h) builds records from it.
//
// A quote opens a quoted field only at the start of a field (elsewhere it is text); text after a
// closing quote is an error; a '\r' ends a record only before '\n' or at the end of the input
// (a lone '\r' inside a line is data).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tombstone::io {

class CsvRecordParser {
 public:
  enum class Fed {
    kMore,            // the record goes on in the next line (inside a quoted field)
    kRecord,          // the record ends with this line
    kTextAfterQuote,  // malformed: text after a closing quote (column() is the field's)
  };

  explicit CsvRecordParser(char delimiter) : delimiter_(delimiter) {}

  // Starts a new record.
  void Begin();
  // From now on only the fields marked true are stored (the others are still parsed).
  void KeepOnly(std::vector<bool> keep) { keep_ = std::move(keep); }
  // Feeds one line (with its '\n', if any; the last line of the input may have none).
  // Runs of ordinary bytes are copied at once: this loop is the exports' hot path.
  Fed Feed(std::string_view line);

  // A record of one empty, unquoted field: a blank line.
  bool blank() const { return count_ == 1 && record_chars_ == 0 && !was_quoted_; }
  bool in_quotes() const { return quoted_; }
  std::size_t size() const { return count_; }
  const std::string& operator[](std::size_t i) const { return fields_[i]; }
  // The 1-based column of the field being read (of the error, after kTextAfterQuote).
  std::size_t column() const { return count_ + 1; }
  // The bytes of the record's fields so far, and of its longest field (with its column): what
  // a reader with limits checks after each line.
  std::size_t record_bytes() const { return record_chars_; }
  std::size_t longest_field() const { return longest_; }
  std::size_t longest_field_column() const { return longest_column_; }

 private:
  void Put(std::string* field, const char* data, std::size_t n);
  std::string& Field();

  char delimiter_;
  std::vector<std::string> fields_{1};
  std::size_t count_ = 0;
  std::size_t chars_ = 0, record_chars_ = 0;  // bytes of the current field, of the record
  std::size_t longest_ = 0, longest_column_ = 0;
  std::vector<bool> keep_;  // empty: keep every field
  bool quoted_ = false, was_quoted_ = false;
};

}  // namespace tombstone::io

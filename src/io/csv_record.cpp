#include "src/io/csv_record.h"

#include <cstring>

namespace tombstone::io {

void CsvRecordParser::Begin() {
  count_ = 0;
  chars_ = record_chars_ = 0;
  longest_ = longest_column_ = 0;
  quoted_ = was_quoted_ = false;
  Field().clear();
}

CsvRecordParser::Fed CsvRecordParser::Feed(std::string_view line) {
  std::string* field = &fields_[count_];
  const char* p = line.data();
  const std::size_t n = line.size();
  std::size_t i = 0;
  while (i < n) {
    if (quoted_) {
      const void* q = std::memchr(p + i, '"', n - i);
      if (q == nullptr) {
        Put(field, p + i, n - i);
        i = n;
        break;
      }
      const std::size_t at = static_cast<const char*>(q) - p;
      Put(field, p + i, at - i);
      if (at + 1 < n && p[at + 1] == '"') {
        Put(field, "\"", 1);
        i = at + 2;
      } else {
        quoted_ = false;
        i = at + 1;
      }
      continue;
    }
    std::size_t j = i;
    while (j < n && p[j] != delimiter_ && p[j] != '\n' && p[j] != '\r' && p[j] != '"') ++j;
    const char c = p[i];
    if (j > i || (c == '\r' && i + 1 < n && p[i + 1] != '\n') ||
        (c == '"' && (chars_ != 0 || was_quoted_))) {
      if (was_quoted_) return Fed::kTextAfterQuote;
      if (j == i) j = i + 1;  // a lone '\r' or a quote inside an unquoted field
      Put(field, p + i, j - i);
      i = j;
    } else if (c == delimiter_) {
      ++count_;
      field = &Field();
      field->clear();
      chars_ = 0;
      was_quoted_ = false;
      ++i;
    } else if (c == '"') {
      quoted_ = was_quoted_ = true;
      ++i;
    } else {  // '\n', or '\r' ending the line
      ++count_;
      return Fed::kRecord;
    }
  }
  if (line.empty() || line.back() != '\n') {  // the last line of the input, unterminated
    if (quoted_) return Fed::kMore;
    ++count_;
    return Fed::kRecord;
  }
  return Fed::kMore;
}

// Appends to the current field when it is kept; counts the bytes either way.
void CsvRecordParser::Put(std::string* field, const char* data, std::size_t n) {
  chars_ += n;
  record_chars_ += n;
  if (chars_ > longest_) {
    longest_ = chars_;
    longest_column_ = count_ + 1;
  }
  if (keep_.empty() || (count_ < keep_.size() && keep_[count_])) field->append(data, n);
}

std::string& CsvRecordParser::Field() {
  if (fields_.size() <= count_) fields_.resize(count_ + 1);
  return fields_[count_];
}

}  // namespace tombstone::io

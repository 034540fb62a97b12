#include "src/input/csv.h"

namespace tombstone {

bool CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  error_.clear();
  std::streambuf* buf = in_.rdbuf();
  if (buf->sgetc() == std::char_traits<char>::eof()) return false;
  first_line_ = line_;
  std::string field;
  bool quoted = false;       // inside a quoted field
  bool was_quoted = false;   // the current field was quoted (no bare text may follow)
  std::size_t record_bytes = 0;
  for (;;) {
    if (field.size() > limits_.field_bytes || record_bytes > limits_.record_bytes ||
        fields->size() >= limits_.fields) {
      const bool one = field.size() > limits_.field_bytes;
      error_ = "line " + std::to_string(line_) + ", column " + std::to_string(fields->size() + 1) +
               (one ? ": a field is longer than " + std::to_string(limits_.field_bytes) + " bytes"
                : fields->size() >= limits_.fields
                    ? ": more than " + std::to_string(limits_.fields) + " fields"
                    : ": the record is longer than " + std::to_string(limits_.record_bytes) +
                          " bytes");
      return false;
    }
    const int ch = buf->sbumpc();
    ++record_bytes;
    if (ch == std::char_traits<char>::eof()) {
      if (quoted) {
        error_ = "line " + std::to_string(first_line_) + ", column " +
                 std::to_string(fields->size() + 1) + ": a quoted field is never closed";
        return false;
      }
      fields->push_back(std::move(field));
      return true;
    }
    const char c = static_cast<char>(ch);
    if (quoted) {
      if (c == '"') {
        if (buf->sgetc() == '"') {
          buf->sbumpc();
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(c);
      }
      continue;
    }
    if (c == delimiter_) {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && buf->sgetc() == '\n') buf->sbumpc();
      ++line_;
      fields->push_back(std::move(field));
      return true;
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (was_quoted) {
      error_ = "line " + std::to_string(line_) + ", column " + std::to_string(fields->size() + 1) +
               ": text after a closing quote";
      return false;
    } else {
      field.push_back(c);
    }
  }
}

}  // namespace tombstone

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
  for (;;) {
    const int ch = buf->sbumpc();
    if (ch == std::char_traits<char>::eof()) {
      if (quoted) {
        error_ = "a quoted field opened on line " + std::to_string(first_line_) +
                 " is never closed";
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
      error_ = "text after a closing quote on line " + std::to_string(line_);
      return false;
    } else {
      field.push_back(c);
    }
  }
}

}  // namespace tombstone

#include "src/input/csv.h"

namespace tombstone {

using Fed = io::CsvRecordParser::Fed;

bool CsvReader::ReadLine() {
  line_.clear();
  std::streambuf* buf = in_.rdbuf();
  for (;;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) break;
    line_.push_back(static_cast<char>(c));
    if (c == '\n' || line_.size() > limits_.record_bytes) break;
  }
  if (line_.empty()) return false;
  ++line_no_;
  return true;
}

bool CsvReader::Fail(long line, std::size_t column, const std::string& what) {
  error_ = "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what;
  return false;
}

bool CsvReader::WithinLimits(bool record_ended) {
  // The field being read, or the last one once the record has ended.
  const std::size_t column = record_ended ? parser_.size() : parser_.column();
  if (parser_.longest_field() > limits_.field_bytes)
    return Fail(line_no_, parser_.longest_field_column(),
                "a field is longer than " + std::to_string(limits_.field_bytes) + " bytes");
  if (parser_.record_bytes() > limits_.record_bytes || line_.size() > limits_.record_bytes)
    return Fail(line_no_, column,
                "the record is longer than " + std::to_string(limits_.record_bytes) + " bytes");
  if (parser_.size() > limits_.fields || parser_.column() > limits_.fields + 1)
    return Fail(line_no_, limits_.fields + 1,
                "more than " + std::to_string(limits_.fields) + " fields");
  return true;
}

bool CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  error_.clear();
  if (!ReadLine()) return false;  // the end of the input: no record
  first_line_ = line_no_;
  parser_.Begin();
  for (;;) {
    const Fed fed = parser_.Feed(line_);
    if (fed == Fed::kTextAfterQuote)
      return Fail(line_no_, parser_.column(), "text after a closing quote");
    if (!WithinLimits(fed == Fed::kRecord)) return false;
    if (fed == Fed::kRecord) break;
    if (!ReadLine()) return Fail(first_line_, parser_.column(), "a quoted field is never closed");
  }
  fields->reserve(parser_.size());
  for (std::size_t i = 0; i < parser_.size(); ++i) fields->push_back(parser_[i]);
  return true;
}

}  // namespace tombstone

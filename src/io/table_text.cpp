#include "src/io/table_text.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace tombstone::io {

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

void WriteCsvRow(std::ostream& out, const std::vector<std::string>& row) {
  for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << CsvField(row[i]);
  out << '\n';
}

std::size_t DisplayWidth(std::string_view text) {
  std::size_t width = 0;
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  for (std::int32_t i = 0; i < length;) {
    if (s[i] < 0x80) {  // ASCII: printable ones take a column, controls none
      width += s[i] >= 0x20 && s[i] != 0x7f ? 1 : 0;
      ++i;
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(s, i, length, c);
    if (c < 0) {  // an invalid sequence: the terminal shows a replacement character
      ++width;
      continue;
    }
    const auto category = static_cast<UCharCategory>(u_charType(c));
    if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK ||
        category == U_FORMAT_CHAR || category == U_CONTROL_CHAR ||
        (c >= 0x1160 && c <= 0x11ff))  // Hangul medial vowels and final consonants join
      continue;
    const int east_asian = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    const bool wide = east_asian == U_EA_WIDE || east_asian == U_EA_FULLWIDTH ||
                      u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION);
    width += wide ? 2 : 1;
  }
  return width;
}

void Table::Print(std::ostream& out, Format format) const {
  if (format == Format::kCsv) {
    WriteCsvRow(out, headers_);
    for (const auto& row : rows_) WriteCsvRow(out, row);
    return;
  }
  // Columns are aligned on display width, not bytes: request ids and hold reasons may hold
  // accents or CJK characters.
  std::vector<std::size_t> width(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) width[c] = DisplayWidth(headers_[c]);
  for (const auto& row : rows_)
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], DisplayWidth(row[c]));
  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size() && c < width.size())
        line.append(width[c] - DisplayWidth(row[c]) + 2, ' ');
    }
    out << line << '\n';
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

}  // namespace tombstone::io

#include "src/pg/sql_names.h"

#include <cctype>

namespace tombstone::pg {
namespace {

bool NameStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool NamePart(unsigned char c) { return NameStart(c) || std::isdigit(c) || c == '$'; }

// Index just past a single-quoted literal starting at `i` (the quote); backslashes escape only
// in E'' literals.
std::size_t SkipQuoted(std::string_view s, std::size_t i, bool backslashes) {
  for (++i; i < s.size(); ++i) {
    if (backslashes && s[i] == '\\') {
      ++i;
    } else if (s[i] == '\'') {
      if (i + 1 < s.size() && s[i + 1] == '\'') ++i;
      else return i + 1;
    }
  }
  return s.size();
}

}  // namespace

std::set<std::string> NamesIn(std::string_view s) {
  std::set<std::string> names;
  bool after_cast = false;
  std::size_t i = 0;
  const auto next_is_call = [&](std::size_t j) {
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    return j < s.size() && s[j] == '(';
  };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (s.substr(i, 2) == "--") {
      const std::size_t end = s.find('\n', i);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else if (s.substr(i, 2) == "/*") {
      const std::size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (c == '\'') {
      i = SkipQuoted(s, i, false);
      after_cast = false;
    } else if ((c == 'E' || c == 'e') && i + 1 < s.size() && s[i + 1] == '\'') {
      i = SkipQuoted(s, i + 1, true);
      after_cast = false;
    } else if (c == '$' && i + 1 < s.size() &&
               (s[i + 1] == '$' || NameStart(static_cast<unsigned char>(s[i + 1])))) {
      std::size_t j = i + 1;
      while (j < s.size() && s[j] != '$' && NamePart(static_cast<unsigned char>(s[j]))) ++j;
      if (j < s.size() && s[j] == '$') {  // $tag$ ... $tag$
        const std::string_view tag = s.substr(i, j - i + 1);
        const std::size_t end = s.find(tag, j + 1);
        i = end == std::string_view::npos ? s.size() : end + tag.size();
      } else {
        i = j;  // a positional parameter like $1: no name
      }
      after_cast = false;
    } else if (c == '"') {
      std::string name;
      std::size_t j = i + 1;
      for (; j < s.size(); ++j) {
        if (s[j] == '"') {
          if (j + 1 < s.size() && s[j + 1] == '"') {
            name.push_back('"');
            ++j;
          } else {
            break;
          }
        } else {
          name.push_back(s[j]);
        }
      }
      i = j + 1;
      if (!after_cast && !next_is_call(i)) names.insert(name);
      after_cast = false;
    } else if (NameStart(c)) {
      std::size_t j = i;
      std::string name;
      while (j < s.size() && NamePart(static_cast<unsigned char>(s[j])))
        name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[j++]))));
      if (!after_cast && !next_is_call(j)) names.insert(name);
      after_cast = false;
      i = j;
    } else if (std::isdigit(c)) {
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    } else {
      after_cast = s.substr(i, 2) == "::";
      i += after_cast ? 2 : 1;
    }
  }
  return names;
}

}  // namespace tombstone::pg

#include "src/exports/pgdump_parse.h"

#include <cctype>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

namespace tombstone::exports {
namespace {

void SkipSpaces(std::string_view s, std::size_t* i) {
  while (*i < s.size() && (s[*i] == ' ' || s[*i] == '\t')) ++*i;
}

// One SQL identifier at s[*i]: "quoted" (with "" inside) or bare.
bool ReadIdentifier(std::string_view s, std::size_t* i, std::string* out) {
  out->clear();
  if (*i < s.size() && s[*i] == '"') {
    for (++*i; *i < s.size(); ++*i) {
      if (s[*i] == '"') {
        if (*i + 1 < s.size() && s[*i + 1] == '"') {
          out->push_back('"');
          ++*i;
        } else {
          ++*i;
          return true;
        }
      } else {
        out->push_back(s[*i]);
      }
    }
    return false;
  }
  while (*i < s.size() && (std::isalnum(static_cast<unsigned char>(s[*i])) || s[*i] == '_' ||
                           s[*i] == '$' || static_cast<unsigned char>(s[*i]) >= 0x80))
    out->push_back(s[(*i)++]);
  return !out->empty();
}

// schema.table or table (schema "public").
bool ReadQualifiedName(std::string_view s, std::size_t* i, std::string* schema,
                       std::string* table) {
  if (!ReadIdentifier(s, i, table)) return false;
  if (*i < s.size() && s[*i] == '.') {
    ++*i;
    *schema = std::move(*table);
    return ReadIdentifier(s, i, table);
  }
  *schema = "public";
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Whether `value` has more than `limit` levels of arrays and objects, found without recursion
// (parsing and destroying are iterative in nlohmann-json; dump() is not).
bool NestedDeeperThan(const nlohmann::json& value, std::size_t limit) {
  std::vector<std::pair<const nlohmann::json*, std::size_t>> stack{{&value, 1}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    if (depth > limit) return true;
    for (const nlohmann::json& child : *node) stack.push_back({&child, depth + 1});
  }
  return false;
}

}  // namespace

bool ParseCopyHeader(std::string_view line, CopyHeader* out) {
  if (!StartsWith(line, "COPY ")) return false;
  std::size_t i = 5;
  out->columns.clear();
  if (!ReadQualifiedName(line, &i, &out->schema, &out->table)) return false;
  SkipSpaces(line, &i);
  if (i < line.size() && line[i] == '(') {
    ++i;
    for (;;) {
      SkipSpaces(line, &i);
      std::string column;
      if (!ReadIdentifier(line, &i, &column)) return false;
      out->columns.push_back(std::move(column));
      SkipSpaces(line, &i);
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == ')') {
        ++i;
        break;
      }
      return false;
    }
    SkipSpaces(line, &i);
  }
  return StartsWith(line.substr(i), "FROM stdin;");
}

bool ParseInsertTable(std::string_view line, std::string* schema, std::string* table) {
  if (!StartsWith(line, "INSERT INTO ")) return false;
  std::size_t i = 12;
  return ReadQualifiedName(line, &i, schema, table);
}

bool ParseCreateTable(std::string_view line, std::string* schema, std::string* table) {
  std::size_t i = 0;
  if (StartsWith(line, "CREATE TABLE "))
    i = 13;
  else if (StartsWith(line, "CREATE UNLOGGED TABLE "))
    i = 22;
  else
    return false;
  return ReadQualifiedName(line, &i, schema, table);
}

bool ParseColumnLine(std::string_view line, std::string* name, std::string* type) {
  std::size_t i = 0;
  SkipSpaces(line, &i);
  if (i == 0 || i >= line.size() || line[i] == ')') return false;
  if (StartsWith(line.substr(i), "CONSTRAINT ")) return false;
  if (!ReadIdentifier(line, &i, name)) return false;
  SkipSpaces(line, &i);
  std::string_view rest = line.substr(i);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r' || rest.back() == ','))
    rest.remove_suffix(1);
  for (std::string_view stop :
       {" NOT NULL", " DEFAULT ", " COLLATE ", " GENERATED ", " CONSTRAINT ", " NULL", " CHECK "}) {
    const std::size_t at = rest.find(stop);
    if (at != std::string_view::npos) rest = rest.substr(0, at);
  }
  if (rest.empty()) return false;
  type->assign(rest);
  return true;
}

bool ParseAttachPartition(std::string_view line, std::string* parent_schema, std::string* parent,
                          std::string* child_schema, std::string* child) {
  std::size_t i = 0;
  if (StartsWith(line, "ALTER TABLE ONLY "))
    i = 17;
  else if (StartsWith(line, "ALTER TABLE "))
    i = 12;
  else
    return false;
  if (!ReadQualifiedName(line, &i, parent_schema, parent)) return false;
  if (!StartsWith(line.substr(i), " ATTACH PARTITION ")) return false;
  i += 18;
  return ReadQualifiedName(line, &i, child_schema, child);
}


bool ParseInherits(std::string_view line, std::vector<std::string>* parents) {
  if (!StartsWith(line, "INHERITS (")) return false;
  std::size_t i = 10;
  std::vector<std::string> found;
  for (;;) {
    std::string schema, table;
    if (!ReadQualifiedName(line, &i, &schema, &table)) return false;
    found.push_back(schema + "." + table);
    SkipSpaces(line, &i);
    if (i < line.size() && line[i] == ',') {
      ++i;
      SkipSpaces(line, &i);
      continue;
    }
    if (i < line.size() && line[i] == ')') break;
    return false;
  }
  *parents = std::move(found);
  return true;
}

bool ForEachArrayElement(std::string_view text,
                         const std::function<void(std::string_view)>& each) {
  std::size_t i = 0;
  if (!text.empty() && text[0] == '[') {  // "[1:2]={...}": bounds other than the default
    i = text.find('=');
    if (i == std::string_view::npos) return false;
    ++i;
  }
  if (i >= text.size() || text[i] != '{') return false;
  // Elements are collected first, so that a malformed literal passes none of them on.
  std::vector<std::string> elements;
  std::string element;
  std::size_t kept = 0;       // the element's length without unquoted trailing spaces
  bool started = false;       // the element has a character or a quote
  bool quoted_part = false;   // part of it was quoted: "NULL" in quotes is a string
  bool in_quotes = false;
  int depth = 0;
  const auto finish = [&] {
    if (started) {
      element.resize(kept);
      const bool null = !quoted_part && element.size() == 4 &&
                        std::toupper(static_cast<unsigned char>(element[0])) == 'N' &&
                        std::toupper(static_cast<unsigned char>(element[1])) == 'U' &&
                        std::toupper(static_cast<unsigned char>(element[2])) == 'L' &&
                        std::toupper(static_cast<unsigned char>(element[3])) == 'L';
      if (!null) elements.push_back(element);
    }
    element.clear();
    kept = 0;
    started = quoted_part = false;
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {  // the next character as it is, quoted or not
      if (++i >= text.size()) return false;
      element.push_back(text[i]);
      kept = element.size();
      started = true;
    } else if (in_quotes) {
      if (c == '"') {
        in_quotes = false;
      } else {
        element.push_back(c);
        kept = element.size();
      }
    } else if (c == '"') {
      in_quotes = started = quoted_part = true;
    } else if (c == '{') {
      if (started) return false;
      ++depth;
    } else if (c == '}' || c == ',') {
      if (depth == 0) return false;
      finish();
      if (c == '}' && --depth == 0) break;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (started) element.push_back(c);  // kept only if more follows
    } else {
      element.push_back(c);
      kept = element.size();
      started = true;
    }
  }
  if (depth != 0 || in_quotes || i >= text.size()) return false;
  for (++i; i < text.size(); ++i)
    if (!std::isspace(static_cast<unsigned char>(text[i]))) return false;
  for (const std::string& e : elements) each(e);
  return true;
}

std::optional<JsonKeyExpr> ParseJsonKeyExpr(std::string_view expr) {
  std::size_t i = 0;
  SkipSpaces(expr, &i);
  int parens = 0;
  while (i < expr.size() && expr[i] == '(') {
    ++parens;
    ++i;
    SkipSpaces(expr, &i);
  }
  JsonKeyExpr out;
  if (!ReadIdentifier(expr, &i, &out.column)) return std::nullopt;
  SkipSpaces(expr, &i);
  if (!StartsWith(expr.substr(i), "->>")) return std::nullopt;
  i += 3;
  SkipSpaces(expr, &i);
  if (i >= expr.size() || expr[i] != '\'') return std::nullopt;
  for (++i;; ++i) {
    if (i >= expr.size()) return std::nullopt;
    if (expr[i] == '\'') {
      if (i + 1 < expr.size() && expr[i + 1] == '\'') {
        out.key.push_back('\'');
        ++i;
        continue;
      }
      ++i;
      break;
    }
    out.key.push_back(expr[i]);
  }
  for (SkipSpaces(expr, &i); parens > 0 && i < expr.size() && expr[i] == ')'; --parens) {
    ++i;
    SkipSpaces(expr, &i);
  }
  if (parens != 0 || i != expr.size()) return std::nullopt;
  return out;
}

std::optional<std::string> JsonKeyText(std::string_view json, const std::string& key,
                                       bool* too_deep) {
  if (too_deep != nullptr) *too_deep = false;
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (NestedDeeperThan(*it, kMaxJsonKeyDepth)) {
    if (too_deep != nullptr) *too_deep = true;
    return std::nullopt;
  }
  return it->dump();
}

std::optional<tombstones::Micros> ParsePgTimestamp(std::string_view text) {
  if (text == "infinity") return std::numeric_limits<tombstones::Micros>::max();
  if (text == "-infinity") return std::numeric_limits<tombstones::Micros>::min();
  std::string t(text);
  // PostgreSQL writes offsets as +HH or +HH:MM (and +HH:MM:SS for odd historical zones).
  const std::size_t time_at = t.find_first_of(" Tt");
  if (time_at != std::string::npos) {
    const std::size_t sign = t.find_first_of("+-Zz", time_at);
    if (sign == std::string::npos)
      t += 'Z';  // timestamp without time zone: read as UTC
    else if (t.size() - sign == 3)
      t += ":00";
    else if (t.size() - sign == 9 && t.compare(t.size() - 3, 3, ":00") == 0)
      t.resize(t.size() - 3);
  }
  auto parsed = tombstones::ParseTime(t);
  if (!parsed.ok()) return std::nullopt;
  return parsed.value();
}

}  // namespace tombstone::exports

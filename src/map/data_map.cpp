// Parsing the data map (TOML, via toml++). Only the file's own consistency is checked here;
// tables, columns and types are checked against the live schema by the replay engine.
#include "src/map/data_map.h"

#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include "src/io/whole_file.h"

namespace tombstone {
namespace {

// Collects the first error with its line, in the "unable to read map 'PATH': LINE: cause" form.
class MapErrors {
 public:
  explicit MapErrors(const std::string& path) : path_(path) {}
  Status At(const toml::node& node, const std::string& cause) const {
    return At(static_cast<int>(node.source().begin.line), cause);
  }
  Status At(int line, const std::string& cause) const {
    return Status::Usage("unable to use data map '" + path_ + "': line " + std::to_string(line) +
                             ": " + cause,
                         "docs/data-map.md describes the format");
  }

 private:
  const std::string& path_;
};

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

Status CheckKeys(const toml::table& table, const std::set<std::string>& allowed,
                 const std::string& where, const MapErrors& errors) {
  for (const auto& [key, value] : table) {
    if (allowed.count(std::string(key.str())) == 0)
      return errors.At(value, "unknown key '" + std::string(key.str()) + "' in " + where);
  }
  return Status::Ok();
}

Result<std::string> RequiredString(const toml::table& table, std::string_view key,
                                   const std::string& where, const MapErrors& errors) {
  const toml::node* node = table.get(key);
  if (node == nullptr)
    return errors.At(table, where + " needs '" + std::string(key) + "'");
  const auto* value = node->as_string();
  if (value == nullptr || value->get().empty())
    return errors.At(*node, "'" + std::string(key) + "' in " + where + " must be a non-empty string");
  return value->get();
}

Status ParseKinds(const toml::node* node, DataMap* map, const MapErrors& errors) {
  if (node == nullptr) return Status::Ok();
  const toml::table* kinds = node->as_table();
  if (kinds == nullptr) return errors.At(*node, "[kinds] must be a table of kind = \"normalizer\"");
  for (const auto& [key, value] : *kinds) {
    const std::string kind(key.str());
    if (!tombstones::IsValidKindName(kind))
      return errors.At(value, "kind '" + kind + "' is not a valid kind name ([a-z0-9_-], 1 to 64)");
    const auto* name = value.as_string();
    if (name == nullptr) return errors.At(value, "kind '" + kind + "' needs a normalizer name");
    auto normalizer = tombstones::ParseNormalizer(name->get());
    if (!normalizer.ok())
      return errors.At(value, "kind '" + kind + "' has unknown normalizer '" + name->get() +
                                  "' (expected exact, email or digits)");
    map->kinds[kind] = normalizer.value();
  }
  return Status::Ok();
}

Status ParseMatch(const toml::node& node, const DataMap& map, const std::string& where,
                  TableMap* table, const MapErrors& errors) {
  const toml::array* entries = node.as_array();
  if (entries == nullptr || entries->empty())
    return errors.At(node, "'match' in " + where + " must be a non-empty array");
  for (const toml::node& entry_node : *entries) {
    const toml::table* entry = entry_node.as_table();
    if (entry == nullptr)
      return errors.At(entry_node, "each 'match' entry in " + where +
                                       " must be { column = \"...\", kind = \"...\" }");
    if (Status s =
            CheckKeys(*entry, {"column", "expr", "kind", "keep"}, "a match of " + where, errors);
        !s.ok())
      return s;
    MatchSource source;
    source.line = LineOf(entry_node);
    auto kind = RequiredString(*entry, "kind", "a match of " + where, errors);
    if (!kind.ok()) return kind.status();
    source.kind = kind.value();
    if (map.kinds.count(source.kind) == 0)
      return errors.At(entry_node, "kind '" + source.kind + "' in " + where +
                                       " is not declared in [kinds]");
    const bool has_column = entry->contains("column");
    const bool has_expr = entry->contains("expr");
    if (has_column == has_expr)
      return errors.At(entry_node, "a match of " + where + " needs exactly one of 'column' or 'expr'");
    auto text = RequiredString(*entry, has_column ? "column" : "expr", "a match of " + where, errors);
    if (!text.ok()) return text.status();
    (has_column ? source.column : source.expr) = text.value();
    if (entry->contains("keep")) {
      auto keep = RequiredString(*entry, "keep", "a match of " + where, errors);
      if (!keep.ok()) return keep.status();
      source.keep = keep.value();
    }
    table->match.push_back(std::move(source));
  }
  return Status::Ok();
}

// "null", "redact", "hash", or a literal: a single-quoted SQL-style string ('n/a', with ''
// for a quote), a number or a boolean.
Status ParseStrategy(const toml::node& value, AnonymizeSet* set, const MapErrors& errors) {
  if (const auto* text = value.as_string()) {
    const std::string& s = text->get();
    if (s == "null") set->strategy = AnonymizeSet::Strategy::kNull;
    else if (s == "redact") set->strategy = AnonymizeSet::Strategy::kRedact;
    else if (s == "hash") set->strategy = AnonymizeSet::Strategy::kHash;
    else if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') {
      set->strategy = AnonymizeSet::Strategy::kLiteral;
      for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        if (s[i] == '\'') {
          if (i + 2 < s.size() && s[i + 1] == '\'') ++i;
          else return errors.At(value, "literal " + s + " for column '" + set->column +
                                           "' has an unescaped quote (write '' for ')");
        }
        set->literal += s[i];
      }
    } else {
      return errors.At(value, "unknown strategy '" + s + "' for column '" + set->column +
                                  "' (expected null, redact, hash or a quoted literal like \"'n/a'\")");
    }
    return Status::Ok();
  }
  if (value.is_integer() || value.is_floating_point() || value.is_boolean()) {
    set->strategy = AnonymizeSet::Strategy::kLiteral;
    if (value.is_boolean()) set->literal = value.as_boolean()->get() ? "true" : "false";
    else if (value.is_integer()) set->literal = std::to_string(value.as_integer()->get());
    else {
      std::ostringstream text;
      text << value.as_floating_point()->get();
      set->literal = text.str();
    }
    return Status::Ok();
  }
  return errors.At(value, "strategy for column '" + set->column + "' must be a string or a number");
}

Status ParseTable(const toml::node& node, DataMap* map, std::set<std::string>* seen,
                  const MapErrors& errors) {
  const toml::table* entry = node.as_table();
  if (entry == nullptr) return errors.At(node, "each [[table]] must be a table");
  TableMap table;
  table.line = LineOf(node);
  auto name = RequiredString(*entry, "name", "[[table]]", errors);
  if (!name.ok()) return name.status();
  const std::string where = "table '" + name.value() + "'";
  if (Status s = CheckKeys(*entry,
                           {"name", "match", "action", "set", "created_at", "created_at_zone",
                            "reason", "expect_changes"},
                           where, errors);
      !s.ok())
    return s;
  const auto dot = name->find('.');
  table.schema = dot == std::string::npos ? "public" : name->substr(0, dot);
  table.name = dot == std::string::npos ? name.value() : name->substr(dot + 1);
  if (table.schema.empty() || table.name.empty() || table.name.find('.') != std::string::npos)
    return errors.At(node, where + ": expected a name like \"schema.table\" or \"table\"");
  if (!seen->insert(table.schema + "." + table.name).second)
    return errors.At(node, where + " is mapped twice");

  auto action = RequiredString(*entry, "action", where, errors);
  if (!action.ok()) return action.status();
  if (action.value() == "delete") table.action = Action::kDelete;
  else if (action.value() == "anonymize") table.action = Action::kAnonymize;
  else if (action.value() == "retain") table.action = Action::kRetain;
  else if (action.value() == "refresh") table.action = Action::kRefresh;
  else
    return errors.At(*entry->get("action"), where + ": unknown action '" + action.value() +
                                                "' (expected delete, anonymize, retain or refresh)");

  // A materialized view to refresh needs no match sources; with them, it is verified.
  const toml::node* match = entry->get("match");
  if (match == nullptr && table.action != Action::kRefresh)
    return errors.At(node, where + " needs 'match'");
  if (match != nullptr)
    if (Status s = ParseMatch(*match, *map, where, &table, errors); !s.ok()) return s;
  if (table.action != Action::kAnonymize)
    for (const MatchSource& source : table.match)
      if (!source.keep.empty())
        return errors.At(source.line, "'keep' in " + where +
                                          " is only for action \"anonymize\": the other actions "
                                          "do not change a row's values");

  const toml::node* set = entry->get("set");
  if (table.action == Action::kAnonymize) {
    const toml::table* columns = set != nullptr ? set->as_table() : nullptr;
    if (columns == nullptr || columns->empty())
      return errors.At(set != nullptr ? *set : node,
                       where + ": action \"anonymize\" needs set = { column = \"strategy\", ... }");
    for (const auto& [column, value] : *columns) {
      AnonymizeSet assignment;
      assignment.column = std::string(column.str());
      assignment.line = LineOf(value);
      if (Status s = ParseStrategy(value, &assignment, errors); !s.ok()) return s;
      table.set.push_back(std::move(assignment));
    }
  } else if (set != nullptr) {
    return errors.At(*set, where + ": 'set' is only for action \"anonymize\"");
  }

  if (entry->contains("created_at")) {
    if (table.action == Action::kRefresh)
      return errors.At(*entry->get("created_at"),
                       where + ": a materialized view to refresh takes no 'created_at' guard");
    auto guard = RequiredString(*entry, "created_at", where, errors);
    if (!guard.ok()) return guard.status();
    table.created_at = guard.value();
  }
  if (entry->contains("created_at_zone")) {
    if (table.created_at.empty())
      return errors.At(*entry->get("created_at_zone"),
                       where + ": 'created_at_zone' needs a 'created_at' guard column");
    auto zone = RequiredString(*entry, "created_at_zone", where, errors);
    if (!zone.ok()) return zone.status();
    table.created_at_zone = zone.value();
  }
  if (entry->contains("expect_changes")) {
    if (table.action == Action::kRefresh)
      return errors.At(*entry->get("expect_changes"),
                       where + ": a materialized view to refresh takes no 'expect_changes'");
    auto why = RequiredString(*entry, "expect_changes", where, errors);
    if (!why.ok()) return why.status();
    table.expect_changes = why.value();
  }
  if (entry->contains("reason")) {
    auto reason = RequiredString(*entry, "reason", where, errors);
    if (!reason.ok()) return reason.status();
    table.reason = reason.value();
  }
  map->tables.push_back(std::move(table));
  return Status::Ok();
}

Status ParseCsv(const toml::node* node, DataMap* map, const MapErrors& errors) {
  if (node == nullptr) return Status::Ok();
  const toml::table* csv = node->as_table();
  if (csv == nullptr) return errors.At(*node, "[csv] must be a table");
  if (Status s = CheckKeys(*csv, {"columns"}, "[csv]", errors); !s.ok()) return s;
  const toml::node* columns_node = csv->get("columns");
  const toml::table* columns = columns_node != nullptr ? columns_node->as_table() : nullptr;
  if (columns == nullptr || columns->empty())
    return errors.At(*node, "[csv] needs columns = { header = \"kind\", ... }");
  CsvColumnMap result;
  result.line = LineOf(*node);
  for (const auto& [header, value] : *columns) {
    const auto* kind = value.as_string();
    if (kind == nullptr || map->kinds.count(kind->get()) == 0)
      return errors.At(value, "column '" + std::string(header.str()) +
                                  "' in [csv] must name a kind declared in [kinds]");
    result.columns[std::string(header.str())] = kind->get();
  }
  map->csv = std::move(result);
  return Status::Ok();
}

}  // namespace

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kDelete: return "delete";
    case Action::kAnonymize: return "anonymize";
    case Action::kRetain: return "retain";
    case Action::kRefresh: return "refresh";
  }
  return "unknown";
}

Result<DataMap> ParseDataMap(const std::string& text, const std::string& path) {
  const MapErrors errors(path);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return errors.At(static_cast<int>(e.source().begin.line), std::string(e.description()));
  }
  if (Status s = CheckKeys(root, {"kinds", "table", "csv"}, "the map", errors); !s.ok()) return s;
  DataMap map;
  map.path = path;
  if (Status s = ParseKinds(root.get("kinds"), &map, errors); !s.ok()) return s;
  std::set<std::string> seen;
  if (const toml::node* tables = root.get("table")) {
    const toml::array* list = tables->as_array();
    if (list == nullptr) return errors.At(*tables, "'table' must be written as [[table]] sections");
    for (const toml::node& node : *list) {
      if (Status s = ParseTable(node, &map, &seen, errors); !s.ok()) return s;
    }
  }
  if (Status s = ParseCsv(root.get("csv"), &map, errors); !s.ok()) return s;
  if (map.tables.empty() && !map.csv)
    return errors.At(1, "the map has no [[table]] (nor [csv]) section: nothing to match");
  return map;
}

Result<DataMap> LoadDataMap(const std::string& path) {
  std::string text;
  int error = 0;
  if (!io::ReadWholeFile(path, &text, &error))
    return Status::Usage("unable to read data map '" + path + "': " + std::strerror(error));
  return ParseDataMap(text, path);
}

}  // namespace tombstone

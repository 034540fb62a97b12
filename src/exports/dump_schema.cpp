#include "src/exports/dump_schema.h"

#include "src/exports/pgdump_parse.h"

namespace tombstone::exports {

bool DumpSchema::OnStatement(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  std::string a, b, c, d;
  if (!create_table_.empty()) {
    if (line.starts_with(")")) {
      last_created_ = create_table_;  // INHERITS (...) follows on the next line
      create_table_.clear();
      return true;
    }
    if (ParseColumnLine(line, &a, &b)) {
      types_[create_table_][a] = b;
      return true;
    }
  }
  if (ParseCreateTable(line, &a, &b)) {
    if (line.ends_with("(")) create_table_ = a + "." + b;
    return true;
  }
  if (ParseAttachPartition(line, &a, &b, &c, &d)) {
    parent_[c + "." + d] = a + "." + b;
    return true;
  }
  if (std::vector<std::string> parents; ParseInherits(line, &parents)) {
    if (!last_created_.empty()) inherits_[last_created_] = std::move(parents);
    return true;
  }
  return false;
}

std::vector<std::string> DumpSchema::Lineage(const std::string& table) const {
  std::vector<std::string> names{table};
  for (std::size_t i = 0; i < names.size() && names.size() < 64; ++i) {
    if (const auto up = parent_.find(names[i]); up != parent_.end()) names.push_back(up->second);
    if (const auto up = inherits_.find(names[i]); up != inherits_.end())
      names.insert(names.end(), up->second.begin(), up->second.end());
  }
  return names;
}

std::vector<std::string> DumpSchema::PartitionAncestors(const std::string& table) const {
  std::vector<std::string> names{table};
  for (auto up = parent_.find(table); up != parent_.end() && names.size() < 16;
       up = parent_.find(up->second))
    names.push_back(up->second);
  return names;
}

std::optional<std::string> DumpSchema::TypeOf(const std::string& table,
                                              const std::string& column) const {
  for (const std::string& name : Lineage(table)) {
    const auto t = types_.find(name);
    if (t == types_.end()) continue;
    const auto c = t->second.find(column);
    if (c != t->second.end()) return c->second;
  }
  return std::nullopt;
}

}  // namespace tombstone::exports

// What a plain pg_dump's DDL says about its tables, read from the lines outside COPY blocks: the
// column types (CREATE TABLE), partition parents (ATTACH PARTITION) and the tables a table
// inherits from (INHERITS, the old way of partitioning).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tombstone::exports {

class DumpSchema {
 public:
  // A line outside COPY blocks. True when it was DDL this reads (a CREATE TABLE, one of its
  // column lines or its end, an ATTACH PARTITION, an INHERITS): nothing else to look for in it.
  bool OnStatement(std::string_view line);

  // `table` and the tables it is part of: partition parents and the tables it inherits from,
  // breadth first (the nearest first). A mapped one covers it, as in replay.
  std::vector<std::string> Lineage(const std::string& table) const;
  // `table` and its partition ancestors only: foreign keys hold for partitions, but are not
  // inherited by an INHERITS child.
  std::vector<std::string> PartitionAncestors(const std::string& table) const;
  // The column's type as pg_dump prints it, from the nearest table of its lineage that has it.
  std::optional<std::string> TypeOf(const std::string& table, const std::string& column) const;

 private:
  std::string create_table_;  // inside this CREATE TABLE's column list
  std::string last_created_;  // the table of the last CREATE TABLE, for its INHERITS line
  std::map<std::string, std::map<std::string, std::string>> types_;  // table -> column -> type
  std::map<std::string, std::string> parent_;                        // partition -> parent
  std::map<std::string, std::vector<std::string>> inherits_;         // child -> its parents
};

}  // namespace tombstone::exports

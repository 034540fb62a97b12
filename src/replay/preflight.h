// The read-only pre-flight of 'tombstone check': what a replay with this map would refuse, what
// the server would do by itself, and what the map may have forgotten, found without changing
// anything (the same checks as replay's plan, every one of them collected instead of the first).
#pragma once

#include <string>
#include <vector>

#include "src/map/data_map.h"
#include "src/pg/session.h"
#include "src/match/tombstone_table.h"

namespace tombstone::replay {

using match::TombstoneTable;
using tombstones::Hash128;
using tombstones::Micros;

struct Finding {
  // kRefused: replay would refuse (exit 2); kFails: replay would fail (exit 1); the others do not
  // stop a replay: kWarning (it may fail, or leave data), kInfo (what it will do), kHint.
  enum class Level { kRefused, kFails, kWarning, kInfo, kHint };
  Level level = Level::kInfo;
  std::string topic;  // "map", "foreign key", "trigger", "kinds", "materialized view", "column"
  std::string where;  // a table or column, when there is one
  std::string what;   // never a value from a row
};
std::string_view LevelName(Finding::Level level);

// Every finding, in a stable order (refusals first). The store's tombstones and the key are
// loaded by the caller. Errors that are not findings (the server, the catalog) are returned.
Result<std::vector<Finding>> Preflight(pg::Session& session, const DataMap& map,
                                       const TombstoneTable& tombstones, const tombstones::Key& key);

}  // namespace tombstone::replay

// The data map (TOML): ParseDataMap, then what the exports derive from a map (json key
// expressions, redact markers). A map that parses keeps the promises of data_map.h.
#include "src/exports/pgdump_export.h"
#include "src/exports/pgdump_parse.h"
#include "src/map/data_map.h"
#include "tests/fuzz/fuzz_support.h"

using namespace tombstone;
using tombstone::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto map = ParseDataMap(std::string(fuzz::Text(data, size)), "fuzz.toml");
  if (!map.ok()) {
    Require(map.status().code() == tombstones::ExitCode::kUsage,
            "a map error is not a usage error");
    Require(map.status().message().starts_with("unable to "),
            "a map error does not say 'unable to'");
    return 0;
  }
  Require(!map->tables.empty() || map->csv.has_value(), "a map with nothing to match parsed");
  for (const TableMap& t : map->tables) {
    Require(!t.schema.empty() && !t.name.empty(), "a table without a name parsed");
    Require(t.action == Action::kRefresh || !t.match.empty(), "a table without match parsed");
    Require((t.action == Action::kAnonymize) == !t.set.empty(), "'set' and action disagree");
    for (const MatchSource& m : t.match) {
      Require(m.column.empty() != m.expr.empty(), "a match with both or neither column/expr");
      Require(map->kinds.count(m.kind) == 1, "a match of an undeclared kind parsed");
      if (!m.expr.empty()) (void)exports::ParseJsonKeyExpr(m.expr);
    }
    for (const AnonymizeSet& s : t.set)
      if (s.strategy == AnonymizeSet::Strategy::kRedact) (void)exports::RedactMarker(s.column);
  }
  return 0;
}

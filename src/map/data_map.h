// The data map: where each identifier kind lives in the database and what to do there
// (docs/data-map.md). Parsing checks the file on its own; checking it against a live schema is
// the replay engine's job (src/replay/).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone {

using tombstones::Normalizer;
using tombstones::Result;
using tombstones::Status;

// Where a kind sits in a row: a plain column, or an SQL expression over the row
// (e.g. "payload->>'email'"), evaluated by the server.
struct MatchSource {
  std::string column;  // exactly one of column / expr is set
  std::string expr;
  std::string kind;
  // anonymize only: why this source may keep its value (e.g. an account number kept for tax
  // law). Empty: the anonymize must change it ('set' writes its column, or a column its
  // expression reads). Recorded in the receipt.
  std::string keep;
  int line = 0;        // line in the map file, for messages
};

// kRefresh: a materialized view, recomputed after the changes (and scanned for verification
// when it has match sources).
enum class Action { kDelete, kAnonymize, kRetain, kRefresh };

// One anonymize assignment: column = strategy.
struct AnonymizeSet {
  enum class Strategy { kNull, kRedact, kHash, kLiteral };
  std::string column;
  Strategy strategy = Strategy::kNull;
  std::string literal;  // kLiteral only
  int line = 0;
};

struct TableMap {
  std::string schema;  // "public" when the name has no schema
  std::string name;
  std::vector<MatchSource> match;  // at least one
  Action action = Action::kDelete;
  std::vector<AnonymizeSet> set;   // kAnonymize only, at least one
  std::string created_at;          // optional guard column
  // The zone a guard of type 'timestamp without time zone' (or 'date') was written in; empty:
  // the database's own TimeZone setting.
  std::string created_at_zone;
  std::string reason;              // retain: why the rows are kept
  // Why the server changes this table's rows by itself during a replay (a trigger on another
  // table copies rows here, a cascade reaches it): its changes are then allowed, and it is
  // scanned again after the changes and verified. Empty: only replay's own changes are allowed.
  std::string expect_changes;
  int line = 0;                    // line of the [[table]] header
};

// Exports: which CSV columns hold which kinds (used by 'scan'/'scrub' for CSV files).
//   [csv]
//   columns = { email = "email", customer_id = "user_id" }   # CSV header -> kind
struct CsvColumnMap {
  std::map<std::string, std::string> columns;  // header name -> kind
  int line = 0;
};

struct DataMap {
  std::string path;
  std::map<std::string, Normalizer> kinds;  // kind -> normalizer ([kinds])
  std::vector<TableMap> tables;
  std::optional<CsvColumnMap> csv;
};

// Parses a map file. kUsage for a syntax error or an invalid entry, with "map.toml:LINE:" in
// the message: unknown key, unknown normalizer, a kind not declared in [kinds], both or neither
// of column/expr, a table named twice, an anonymize table without 'set', a 'set' on a
// non-anonymize table, an unknown strategy, 'keep' outside an anonymize table, a guard zone
// without a guard, a refresh entry with 'set' or a guard.
Result<DataMap> LoadDataMap(const std::string& path);
// The same from text (tests); `path` only names it in messages.
Result<DataMap> ParseDataMap(const std::string& text, const std::string& path);

std::string_view ActionName(Action a);

}  // namespace tombstone

// What scanning or scrubbing one export found and did, and how it is printed. Never holds an
// identifier: matches are named by line, table or column, and request id.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "src/io/table_text.h"
#include "src/match/row_decision.h"

namespace tombstone::exports {

using tombstones::Result;
using tombstones::Status;

// What happened (scrub) or would happen (scan) to a row that holds a tombstoned identifier.
enum class Outcome {
  kRemoved,          // action delete (CSV rows are always removed)
  kChanged,          // action anonymize
  kRetained,         // action retain: kept on purpose, reported
  kHeld,             // a matching tombstone is on legal hold: kept
  kKeptByGuard,      // created after erased_at (the map's created_at guard): a new sign-up, kept
  kGuardUnreadable,  // the guard value cannot be read: kept (counted as kept-by-guard too)
  kAnonymizedBefore  // action anonymize, and every 'set' column already holds its strategy's
                     // value (an earlier scrub or replay): kept as is
};
std::string_view OutcomeName(Outcome o, bool scrubbed);

struct MatchRecord {
  long line = 0;      // 1-based line of the row in the (decompressed) file
  std::string where;  // CSV column header, or the dump's table
  std::string request_id;
  Outcome outcome = Outcome::kRemoved;
};

struct Counts {
  std::uint64_t rows = 0, matched = 0, removed = 0, changed = 0, retained = 0, held = 0,
                guarded = 0, anonymized_before = 0;
  std::uint64_t guard_unreadable = 0;  // of guarded: the guard value could not be read
  void Add(Outcome o);
};

struct TableReport {
  std::string name;  // schema.table
  Counts counts;
};

struct FileReport {
  std::string path;
  std::string format;  // "csv", "tsv", "pg_dump"
  bool compressed = false;
  std::uint64_t bytes = 0;  // decompressed bytes read
  Counts counts;
  std::vector<TableReport> tables;   // pg_dump: the mapped tables met in the dump
  std::vector<MatchRecord> matches;  // the first `max_matches`
  std::uint64_t matches_omitted = 0;
  std::uint64_t not_evaluable = 0;  // rows with a match expression that a dump cannot evaluate
  // scrub of a dump: rows removed by ON DELETE CASCADE, rows whose key columns SET NULL cleared
  std::uint64_t cascade_removed = 0, cascade_set_null = 0;
  std::vector<std::string> warnings;
  std::size_t max_matches = 1000;  // 0: all

  // Counts the row's outcome (in the table's counts too, when given) and lists it.
  void Record(long line, const std::string& where, const std::string& request_id, Outcome o,
              Counts* table);
  // Rows a scrub removes or changes, the dump's foreign keys' too: what makes 'scan' exit 3.
  std::uint64_t residue() const {
    return counts.removed + counts.changed + cascade_removed + cascade_set_null;
  }
};

// Per file: a summary table, then the matches; or one JSON document (format json). `scrubbed`
// says whether rows were really removed (scrub) or would be (scan).
void PrintReports(std::ostream& out, const std::vector<FileReport>& reports, io::Format format,
                  bool scrubbed);

}  // namespace tombstone::exports

// One pass over a mapped relation: stream its key columns with COPY (binary format), normalize
// and hash every identifier (each element of an array, each string inside a json value), test it
// against the tombstones, and sort each matching row into held, kept by the guard, retained,
// already anonymized, or to change. Only rows to change are kept in memory (their locator and,
// for 'hash' columns, the value to pseudonymize). A materialized view (action refresh) is only
// counted: its matching rows are "to change" without a locator, i.e. still present.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/io/progress_line.h"
#include "src/pg/session.h"
#include "src/replay/rows_to_change.h"
#include "src/replay/table_plan.h"
#include "src/match/tombstone_table.h"

namespace tombstone::replay {

using match::TombstoneTable;
using tombstones::Hash128;
using tombstones::Micros;

struct TableCounts {
  std::uint64_t scanned = 0;
  std::uint64_t matched = 0;    // rows with an identifier of any tombstone
  std::uint64_t to_change = 0;  // matched rows the action still has to change
  std::uint64_t deleted = 0;
  std::uint64_t anonymized = 0;
  std::uint64_t already_anonymized = 0;  // matched rows that already hold the strategy's values
  std::uint64_t retained = 0;
  std::uint64_t kept_by_guard = 0;  // created after the erasure: a new sign-up
  std::uint64_t guard_unreadable = 0;  // of kept_by_guard: the guard's value could not be read
  std::uint64_t held = 0;           // matched a tombstone on legal hold
  double scan_seconds = 0;
  double apply_seconds = 0;
};

struct TableScan {
  const TablePlan* plan = nullptr;
  TableCounts counts;
  RowsToChange rows;
  RowsToChange updated;  // anonymized rows: their locators after the update (a ctid changes)
  std::vector<std::uint32_t> requests;  // tombstones behind the rows to change, ascending
};

// Shows rows scanned and the percentage of the table's estimate on a terminal (io::ProgressLine:
// at most twice a second); silent otherwise.
class Progress {
 public:
  Progress(std::ostream& err, bool enabled) : line_(err, enabled), enabled_(enabled) {}
  void Start(const std::string& table, double estimated_rows);
  void Tick(std::uint64_t rows) {
    if (enabled_ && (rows & 0xffff) == 0 && line_.Due()) line_.Show(Text(rows));
  }
  // Shows `rows` now if the line is due: for a total that grows in steps (a parallel scan).
  void Show(std::uint64_t rows) {
    if (enabled_ && line_.Due()) line_.Show(Text(rows));
  }
  void Finish(std::uint64_t rows) { line_.Finish(enabled_ ? Text(rows) : std::string()); }

 private:
  std::string Text(std::uint64_t rows) const;
  io::ProgressLine line_;
  bool enabled_;
  std::string table_;
  double estimate_ = 0;
};

// Scans `plan`'s table on `session` (inside its transaction when one is open). `key` tells the
// pseudonyms this store made (a 'hash' column already anonymized) from lookalikes.
Result<TableScan> ScanTable(pg::Session& session, const TablePlan& plan,
                            const TombstoneTable& tombstones, const tombstones::Key& key,
                            Progress& progress);

// ScanTable over the rows of `plan`'s relation that `condition` selects (SQL the tool wrote,
// without parameters: a COPY takes none), with no progress line: one part of a parallel scan
// (parallel_scan.h). `rows`, when not null, grows by the rows read as they stream (in steps of
// a few thousand, and the rest at the end), for the progress line another thread shows.
// Threads may run ScanPart at once, each on its own session: the plan, the tombstones and the key
// are only read.
Result<TableScan> ScanPart(pg::Session& session, const TablePlan& plan,
                           const TombstoneTable& tombstones, const tombstones::Key& key,
                           const std::string& condition, std::atomic<std::uint64_t>* rows);

// Adds `part` (a scan of other rows of the same relation) to `into`: the counts and seconds
// summed, its rows to change after those of `into`, the tombstones behind them merged.
// REQUIRES: both scans of the same plan.
void MergeScan(TableScan& into, TableScan&& part);

// The same decisions for the rows of `plan`'s relation (alias p) that satisfy `condition` (with
// `params`), read in the open transaction: how replay reads again the rows it changed.
Result<TableScan> ScanRows(pg::Session& session, const TablePlan& plan,
                           const TombstoneTable& tombstones, const tombstones::Key& key,
                           const std::string& condition, const std::vector<std::string>& params);

// The same with `what` naming the read in errors ("unable to <what>: ..."): the index path.
Result<TableScan> ScanWhere(pg::Session& session, const TablePlan& plan,
                            const TombstoneTable& tombstones, const tombstones::Key& key,
                            const std::string& condition, const std::vector<std::string>& params,
                            const std::string& what);

}  // namespace tombstone::replay

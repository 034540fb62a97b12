// The scan of every mapped relation over several sessions (--jobs N) that share one snapshot: the
// job's session exports its transaction's snapshot (pg_export_snapshot) and N-1 more sessions,
// opened as it was, import it (SET TRANSACTION SNAPSHOT) in read-only transactions, so that
// every session reads exactly the rows the job's transaction sees, and none that another session
// commits meanwhile. Large tables are split into block ranges (ctid ranges, read by a TID range
// scan); the parts of all relations are scanned concurrently, largest first, and merged per
// relation into the TableScan a scan on one session would have given. Changes are never made
// here: they stay on the job's session, in its one transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "src/match/tombstone_table.h"
#include "src/pg/session.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

// --jobs: how many sessions scan at once.
inline constexpr int kMaxJobs = 64;
// A heap of fewer than twice this many blocks (2 x 32 MiB of 8 kB blocks) is scanned whole.
inline constexpr std::uint64_t kDefaultUnitBlocks = 4096;

struct ScanSettings {
  int jobs = 1;  // 1: the job's session scans alone, in map order (no other session)
  std::uint64_t unit_blocks = kDefaultUnitBlocks;  // the smallest block range worth a part
  // The other sessions connect as the job's session did: the same DSN (never printed but
  // redacted) and application name, with the same lock timeout (ms; 0 waits forever).
  std::string dsn;
  std::string application_name;
  int lock_timeout_ms = 0;
  // For tests: runs once the snapshot is exported, before any other session imports it.
  std::function<void()> after_export;
};

// A range of heap blocks: [begin, end), end kOpen for "to the end of the relation".
struct BlockRange {
  static constexpr std::uint64_t kOpen = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t begin = 0;
  std::uint64_t end = kOpen;
  bool operator==(const BlockRange&) const = default;
};

// Splits a heap of `blocks` blocks (its size when measured) into at most `max_parts` ranges of
// at least `unit_blocks` blocks (the last may hold more), in order, that cover every block: the
// first begins at 0 and the last is open-ended, so that no row is missed whatever the size is
// when the ranges are read. Fewer than 2 x unit_blocks blocks (or max_parts < 2): one range,
// {0, kOpen}. REQUIRES unit_blocks >= 1.
std::vector<BlockRange> SplitBlocks(std::uint64_t blocks, std::uint64_t unit_blocks,
                                    std::size_t max_parts);

// The condition that selects the rows of `range` (e.g. "ctid >= '(4096,0)'::tid AND ctid <
// '(8192,0)'::tid"); empty for {0, kOpen}.
std::string BlockCondition(const BlockRange& range);

// Reads `plans` (relations of the job's plan) with settings.jobs sessions: `session` (in its
// open repeatable-read transaction, which must not have changed anything yet) and jobs - 1 more.
// A relation whose plan reads it through index lookups (read.index) is read by LookupTable on
// whichever session takes it: one part, or one per chunk of its identifiers (LookupChunks), each
// with at least a few dozen; the others are scanned.
// Before exporting its snapshot, `session` takes ACCESS SHARE locks on the tables (as a scan on
// it would), so that nothing rewrites them (VACUUM FULL, CLUSTER) before the changes are made by
// their locators. Returns one TableScan per plan, in the order of `plans`, equal to what
// ScanTable gives on `session` (rows to change in block order). Progress: only the calling
// thread writes the line (the rows of every session together).
// Any failure (a session that cannot connect or import the snapshot, a server error, a lost
// connection) cancels the other sessions' statements and is returned with the code and message
// a scan on one session would give; every other session is closed before returning, and
// `session`'s transaction is left to the caller (to roll back).
// REQUIRES settings.jobs >= 2, session.in_transaction().
Result<std::vector<TableScan>> ScanInParallel(pg::Session& session, const ScanSettings& settings,
                                              const std::vector<const TablePlan*>& plans,
                                              const TombstoneTable& tombstones,
                                              const tombstones::Key& key, Progress& progress);

}  // namespace tombstone::replay

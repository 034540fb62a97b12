// The index path (read_path.h has the rules and the cost model): which tables are read through
// indexes, and reading one that way. A table is looked up only when every one of its match
// sources can be: a plain column (not an expression, an array or json) of a kind normalized
// 'exact' whose identifiers in the clear cover every hash of the kind, of a type whose equality
// holds whenever the scan's text forms are equal (text, varchar, char, citext, name, integers,
// uuid), with a valid, non-partial btree index whose leading key is that very column (default
// operator class, the column's collation); on a plain table with no inheritance parent or child,
// or a partitioned table whose every leaf has such an index (inheritance trees and materialized
// views are scanned). Everything else is scanned, and the plan says why.
#pragma once

#include <map>
#include <string>

#include "src/match/tombstone_table.h"
#include "src/pg/session.h"
#include "src/replay/read_path.h"
#include "src/replay/scan.h"
#include "src/replay/table_plan.h"

namespace tombstone::replay {

// Sets plan->tables[i].read for every table. `clear` is the checked list (CheckClearIdentifiers),
// null for a hash-only store. Reads the catalog (indexes, sizes); changes nothing. kFailed when
// the catalog cannot be read.
Status ChooseReadPaths(pg::Session& session, Plan* plan,
                       const std::map<std::string, ClearKind>* clear, PlanMode mode);

// Keeps every statement's parameters out of the server log until the end of `session`'s open
// transaction (log_parameter_max_length and its _on_error form set to 0). kFailed when they
// cannot be (not a superuser, on a server that would log them): nothing must then look up.
// LookupTable does this itself; the job's session does it too when its lookups run on other
// sessions (--jobs), so that its deletes by primary key are never logged with their values.
Status KeepParametersOutOfLog(pg::Session& session);

// Which part of a table's lookups to run: chunk `index` of `of` (0 of 1: all of them).
struct LookupChunk {
  std::size_t index = 0, of = 1;
};

// Into how many chunks (at most `wanted`, at least 1) the lookups of `plan` (read.index) may be
// split so that the chunks find disjoint rows: more than one only for a table with a single
// lookup whose identifiers are distinct values (IndexLookup::distinct_values), each chunk a
// range of the sorted identifiers (so a range of the index) of at least a few dozen. The
// TableScans of the chunks, merged (MergeScan), are the one of the whole lookup.
std::size_t LookupChunks(const TablePlan& plan, std::size_t wanted);

// Reads `plan`'s table through its lookups (REQUIRES plan.read.index) in the open transaction:
// the scan's SELECT for the rows any lookup finds, each row once, through the scan's row
// decision. The TableScan is the one ScanTable would give, but for counts.scanned (the rows
// read). With `chunk` (REQUIRES chunk.of <= LookupChunks(plan, ...)): only that chunk's
// identifiers.
Result<TableScan> LookupTable(pg::Session& session, const TablePlan& plan,
                              const TombstoneTable& tombstones, const tombstones::Key& key,
                              LookupChunk chunk = {});

}  // namespace tombstone::replay

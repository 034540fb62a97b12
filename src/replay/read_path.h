// How replay reads a mapped table: the one-pass scan (every row, always exact), or, when the
// store can give the erased identifiers in the clear (sealed mode), index lookups of just the
// rows that may hold them. This file is the pure part: the list of identifiers checked against
// the tombstones, the forms an identifier must have to equal a value of a column type, and the
// cost model. The database part (indexes, the lookups) is src/replay/index_path.h.
//
// Exactness: the index path runs the scan's own SELECT with a WHERE that picks candidate rows
// and feeds them through the scan's own row decision, so it can never match more than the scan;
// it is used only where it provably finds every row the scan would match.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/match/tombstone_table.h"
#include "tombstones/tombstones.h"

namespace tombstone::replay {

using match::TombstoneTable;
using tombstones::Hash128;

// One erased identifier in the clear, as a sealed store yields it: its kind, its normalized
// form, and the keyed hash the store holds for it.
struct ClearIdentifier {
  std::string kind;
  std::string normalized;
  Hash128 hash;
};

// What the list is worth for one kind.
struct ClearKind {
  // Every hash the tombstones hold for the kind is in the list (and every entry of the kind
  // checked out): only then may the kind be looked up instead of scanned.
  bool complete = false;
  std::string why;  // when not complete, for the plan: "3 of 5 hashes of kind 'x' ..."
  // The distinct normalized identifiers of the kind whose hash the tombstones hold.
  std::vector<std::string> normalized;
};

// The list checked against the tombstones and the key: each entry's hash must be the key's hash
// of its kind and normalized form, the form must be what the kind's normalizer makes of it, and
// a kind is complete when the list covers every hash of it. Entries whose hash no tombstone holds
// are left out (they can match nothing). One entry that does not check out makes its kind
// incomplete (scanned): the list is then not to be trusted for that kind. Every kind of the
// tombstones has an entry (incomplete when the list has none of it), and no other kind: a kind
// without an entry has no tombstone, and nothing to look up.
std::map<std::string, ClearKind> CheckClearIdentifiers(const std::vector<ClearIdentifier>& list,
                                                       const TombstoneTable& tombstones,
                                                       const tombstones::Key& key);

// The text form the scan gives a value of a column type, and thus what an identifier must look
// like to be equal to one: any text (no NUL byte), the canonical decimal of an integer of that
// width, or a uuid as PostgreSQL prints it (lowercase, hyphenated). An identifier of another
// form can never match a value of the type and is not looked up (the cast would also fail, or
// worse, read "007" as 7: harmless, but useless).
enum class ValueForm { kText, kInt2, kInt4, kInt8, kUuid };
bool HasForm(ValueForm form, std::string_view identifier);

// --plan: how each table is read.
enum class PlanMode {
  kAuto,   // the cheaper of the two by the estimate below, where the index path is exact
  kScan,   // always scan
  kIndex,  // index lookups wherever they are exact, whatever the estimate (tests, benchmarks)
};
std::optional<PlanMode> ParsePlanMode(std::string_view text);
std::string_view PlanModeName(PlanMode mode);

// The estimated cost of each way to read one table, in sequential page reads. A scan reads
// every page and streams and hashes every row on the client; an index lookup descends a btree
// and reads a heap page per identifier, each read a random one. `pages` is the table's size in
// blocks, `tuples` its pg_class.reltuples (negative: never analyzed), `lookups` the number of
// identifiers to look up (summed over the table's sources).
struct ReadCost {
  double scan = 0;
  double index = 0;
  bool index_cheaper() const { return index < scan; }
};
ReadCost EstimateReadCost(double pages, double tuples, std::uint64_t lookups);

}  // namespace tombstone::replay

// The pure part of splitting a table's index lookups over --jobs sessions (LookupChunks): only
// where the chunks must find disjoint rows, and only with enough identifiers per chunk.
#include "src/replay/index_path.h"

#include <catch2/catch.hpp>

namespace {

using tombstone::replay::IndexLookup;
using tombstone::replay::LookupChunks;
using tombstone::replay::TablePlan;

IndexLookup Lookup(std::uint64_t count, bool distinct_values) {
  IndexLookup lookup;
  lookup.column = "\"id\"";
  lookup.cast_type = "pg_catalog.int8";
  lookup.kind = "user_id";
  for (std::uint64_t i = 0; i < count; ++i) lookup.values.push_back(std::to_string(1000 + i));
  lookup.count = count;
  lookup.distinct_values = distinct_values;
  return lookup;
}

TablePlan Looked(std::vector<IndexLookup> lookups) {
  TablePlan plan;
  plan.read.index = true;
  plan.read.lookups = std::move(lookups);
  return plan;
}

}  // namespace

TEST_CASE("a table's lookups split into chunks only where the chunks find disjoint rows",
          "[replay][index-path]") {
  // One lookup of distinct values (an integer or uuid column): up to the sessions wanted, with
  // at least 64 identifiers each.
  CHECK(LookupChunks(Looked({Lookup(1000, true)}), 4) == 4);
  CHECK(LookupChunks(Looked({Lookup(1000, true)}), 64) == 15);
  CHECK(LookupChunks(Looked({Lookup(128, true)}), 4) == 2);
  CHECK(LookupChunks(Looked({Lookup(127, true)}), 4) == 1);
  CHECK(LookupChunks(Looked({Lookup(0, true)}), 4) == 1);
  CHECK(LookupChunks(Looked({Lookup(1000, true)}), 1) == 1);
  CHECK(LookupChunks(Looked({Lookup(1000, true)}), 0) == 1);
  // A text column (citext, a non-deterministic collation: two identifiers may equal one value,
  // and a row would be found by two chunks) and a table of two lookups (a row may match both,
  // each in another chunk) are never split.
  CHECK(LookupChunks(Looked({Lookup(1000, false)}), 4) == 1);
  CHECK(LookupChunks(Looked({Lookup(1000, true), Lookup(1000, true)}), 4) == 1);
}

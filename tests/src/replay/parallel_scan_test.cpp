// --jobs splits a table's heap into block ranges: every block in exactly one range, the first
// from block 0, the last open-ended (no row missed whatever the size is when they are read);
// the parts' rows to change, appended, read as one scan's.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "src/replay/parallel_scan.h"
#include "src/replay/rows_to_change.h"

namespace {

using tombstone::replay::BlockCondition;
using tombstone::replay::BlockRange;
using tombstone::replay::SplitBlocks;

constexpr std::uint64_t kOpen = BlockRange::kOpen;

}  // namespace

TEST_CASE("SplitBlocks covers every block once, from 0, the last range open-ended",
          "[replay][jobs]") {
  struct Case {
    std::uint64_t blocks, unit;
    std::size_t max_parts;
    std::vector<BlockRange> expected;
  };
  const std::vector<Case> cases = {
      {0, 4096, 8, {{0, kOpen}}},                   // empty
      {8191, 4096, 8, {{0, kOpen}}},                // under two units: whole
      {8192, 4096, 8, {{0, 4096}, {4096, kOpen}}},  // two units
      {10, 3, 8, {{0, 3}, {3, 6}, {6, kOpen}}},     // 3 parts, the last takes the rest
      {100, 1, 4, {{0, 25}, {25, 50}, {50, 75}, {75, kOpen}}},  // capped by max_parts
      {100, 10, 1, {{0, kOpen}}},                               // one part allowed
      {9, 2, 4, {{0, 2}, {2, 4}, {4, 6}, {6, kOpen}}},          // 4 parts of 2, then the rest
      {5, 0, 8, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, kOpen}}},  // unit 0 taken as 1
  };
  for (const Case& c : cases) {
    INFO("blocks " << c.blocks << ", unit " << c.unit << ", max " << c.max_parts);
    const std::vector<BlockRange> ranges = SplitBlocks(c.blocks, c.unit, c.max_parts);
    CHECK(ranges == c.expected);
    REQUIRE_FALSE(ranges.empty());
    CHECK(ranges.front().begin == 0);
    CHECK(ranges.back().end == kOpen);
    for (std::size_t i = 1; i < ranges.size(); ++i) {
      CHECK(ranges[i].begin == ranges[i - 1].end);  // contiguous: no block missed or read twice
      CHECK(ranges[i].begin > ranges[i - 1].begin);
    }
  }
}

TEST_CASE("SplitBlocks keeps each range at least a unit and at most max_parts ranges",
          "[replay][jobs]") {
  for (std::uint64_t blocks : {0ULL, 1ULL, 4095ULL, 8192ULL, 100000ULL, 123456789ULL})
    for (std::uint64_t unit : {1ULL, 8ULL, 4096ULL})
      for (std::size_t max_parts : {1U, 2U, 8U, 256U}) {
        INFO(blocks << " " << unit << " " << max_parts);
        const std::vector<BlockRange> ranges = SplitBlocks(blocks, unit, max_parts);
        CHECK(ranges.size() <= std::max<std::size_t>(max_parts, 1));
        for (std::size_t i = 0; i + 1 < ranges.size(); ++i)
          CHECK(ranges[i].end - ranges[i].begin >= unit);
        if (ranges.size() > 1) CHECK(ranges.back().begin < blocks);
      }
}

TEST_CASE("BlockCondition selects a block range by ctid, nothing for the whole heap",
          "[replay][jobs]") {
  CHECK(BlockCondition({0, kOpen}).empty());
  CHECK(BlockCondition({0, 4096}) == "ctid < '(4096,0)'::tid");
  CHECK(BlockCondition({4096, 8192}) == "ctid >= '(4096,0)'::tid AND ctid < '(8192,0)'::tid");
  CHECK(BlockCondition({8192, kOpen}) == "ctid >= '(8192,0)'::tid");
}

namespace {

using tombstone::replay::RowsToChange;

// Every row of `rows` as text, NULL as "<null>".
std::vector<std::vector<std::string>> Rows(const RowsToChange& rows) {
  std::vector<std::vector<std::string>> out;
  RowsToChange::Cursor cursor(rows, 0);
  for (std::size_t r = 0; r < rows.size(); ++r, cursor.Next()) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < rows.width(); ++i)
      row.push_back(cursor.IsNull(i) ? "<null>" : std::string(cursor.Value(i)));
    out.push_back(row);
  }
  return out;
}

void AddRow(RowsToChange& rows, const std::vector<std::optional<std::string>>& values) {
  std::vector<std::string_view> views(values.size());
  std::vector<const std::string_view*> pointers(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i]) views[i] = *values[i];
    pointers[i] = values[i] ? &views[i] : nullptr;
  }
  rows.Add(pointers.data());
}

}  // namespace

TEST_CASE("rows to change of the parts, appended, read as one scan's", "[replay][jobs]") {
  // Enough rows that the appended ones cross the every-256-rows marks of the buffer.
  RowsToChange whole(2), first(2), second(2), empty(2);
  for (int i = 0; i < 700; ++i) {
    const std::vector<std::optional<std::string>> row = {
        "(" + std::to_string(i) + ",1)",
        i % 3 == 0 ? std::nullopt : std::optional<std::string>(std::string(i % 7, 'x'))};
    AddRow(whole, row);
    AddRow(i < 300 ? first : second, row);
  }
  first.Append(empty);
  first.Append(second);
  CHECK(first.size() == 700);
  CHECK(Rows(first) == Rows(whole));
  RowsToChange from_nothing(2);
  from_nothing.Append(whole);
  CHECK(Rows(from_nothing) == Rows(whole));
  // Reading from any row (a batch of the apply step) finds the same values.
  RowsToChange::Cursor at(first, 555);
  CHECK(at.Value(0) == "(555,1)");
}

// --jobs splits a table's heap into block ranges: every block in exactly one range, the first
// from block 0, the last open-ended (no row missed whatever the size is when they are read).
#include <catch2/catch.hpp>

#include "src/replay/parallel_scan.h"

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

#include "src/replay/guard_time.h"

#include <catch2/catch.hpp>
#include <limits>
#include <string>

namespace {

using tombstone::pg::Wire;
using tombstone::replay::GuardTime;
using Micros = tombstones::Micros;

std::string BigEndian(long long v, int bytes) {
  std::string out(static_cast<std::size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8)
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return out;
}

}  // namespace

// The server's own conversions are checked against these in copy_binary_pgtest.cpp.
TEST_CASE("guard times are read from binary dates and timestamps", "[replay]") {
  const auto at = [](const char* rfc3339) { return tombstones::ParseTime(rfc3339).value(); };
  constexpr Micros kMax = std::numeric_limits<Micros>::max(),
                   kMin = std::numeric_limits<Micros>::min();
  CHECK(GuardTime(Wire::kDate, BigEndian(0, 4)) == at("2000-01-01T00:00:00Z"));
  CHECK(GuardTime(Wire::kDate, BigEndian(-10957, 4)) == 0);
  CHECK(GuardTime(Wire::kDate, BigEndian(8918, 4)) == at("2024-06-01T00:00:00Z"));
  CHECK(GuardTime(Wire::kTimestamp, BigEndian(0, 8)) == at("2000-01-01T00:00:00Z"));
  CHECK(GuardTime(Wire::kTimestamp, BigEndian(770560205250000LL, 8)) ==
        at("2024-06-01T12:30:05.25Z"));
  CHECK(GuardTime(Wire::kTimestamp, BigEndian(-946684800000001LL, 8)) == -1);
  SECTION("infinity is the largest value, -infinity the smallest") {
    CHECK(GuardTime(Wire::kDate, BigEndian(0x7fffffff, 4)) == kMax);
    CHECK(GuardTime(Wire::kDate, BigEndian(-0x80000000LL, 4)) == kMin);
    CHECK(GuardTime(Wire::kTimestamp, BigEndian(kMax, 8)) == kMax);
    CHECK(GuardTime(Wire::kTimestamp, BigEndian(kMin, 8)) == kMin);
    CHECK(GuardTime(Wire::kTimestamp, BigEndian(kMax - 1, 8)) == kMax);  // saturates, never wraps
  }
  // Found by fuzzing (tests/fuzz/regressions/copy_binary/date-beyond-micros): dates run to
  // 5874897 AD, far past what microseconds since 1970 hold (about 294,000 AD).
  SECTION("a date beyond the microsecond range saturates, never wraps") {
    CHECK(GuardTime(Wire::kDate, BigEndian(2145031948, 4)) == kMax);  // 5874897-12-31
    CHECK(GuardTime(Wire::kDate, BigEndian(2000000000, 4)) == kMax);
    CHECK(GuardTime(Wire::kDate, BigEndian(-2000000000, 4)) == kMin);
    CHECK(GuardTime(Wire::kDate, BigEndian(106741000, 4)) == at("2000-01-01T00:00:00Z") +
                                                                 106741000LL * 86400000000LL);
  }
  SECTION("a value of the wrong size or kind cannot be read") {
    CHECK_FALSE(GuardTime(Wire::kDate, BigEndian(0, 8)));
    CHECK_FALSE(GuardTime(Wire::kTimestamp, BigEndian(0, 4)));
    CHECK_FALSE(GuardTime(Wire::kInt8, BigEndian(0, 8)));
  }
}

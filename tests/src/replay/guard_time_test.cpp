#include "src/replay/guard_time.h"

#include <catch2/catch.hpp>
#include <limits>

using tombstone::replay::ParseGuardTime;

TEST_CASE("guard times are read as the server prints them in ISO style and UTC", "[replay]") {
  const auto at = [](const char* rfc3339) { return tombstones::ParseTime(rfc3339).value(); };
  CHECK(ParseGuardTime("2024-06-01") == at("2024-06-01T00:00:00Z"));
  CHECK(ParseGuardTime("2024-06-01 12:30:05") == at("2024-06-01T12:30:05Z"));
  CHECK(ParseGuardTime("2024-06-01 12:30:05+00") == at("2024-06-01T12:30:05Z"));
  CHECK(ParseGuardTime("2024-06-01 12:30:05.25+00") == at("2024-06-01T12:30:05.25Z"));
  CHECK(ParseGuardTime("2024-06-01 12:30:05.000001+00") == at("2024-06-01T12:30:05.000001Z"));
  CHECK(ParseGuardTime("2024-06-01 14:00:00+05:30") == at("2024-06-01T08:30:00Z"));
  CHECK(ParseGuardTime("2024-06-01 00:00:00-02") == at("2024-06-01T02:00:00Z"));
  CHECK(ParseGuardTime("1900-01-01 00:00:00+00:09:21") == at("1899-12-31T23:50:39Z"));
  CHECK(ParseGuardTime("1969-12-31 23:59:59+00") == -1000000);
  CHECK(ParseGuardTime("infinity") == std::numeric_limits<tombstones::Micros>::max());
  CHECK(ParseGuardTime("-infinity") == std::numeric_limits<tombstones::Micros>::min());
  CHECK(ParseGuardTime("0044-03-15 BC") == std::numeric_limits<tombstones::Micros>::min());
  CHECK(ParseGuardTime("294277-01-01") == std::numeric_limits<tombstones::Micros>::max());
  CHECK_FALSE(ParseGuardTime("06/01/2024"));
  CHECK_FALSE(ParseGuardTime("2024-02-30"));
  CHECK_FALSE(ParseGuardTime("2024-06-01T12:00:00"));
  CHECK_FALSE(ParseGuardTime(""));
}

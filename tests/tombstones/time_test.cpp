// RFC 3339 time (tombstones/time.cpp): every timestamp in the store, the catalog and receipts is
// parsed and printed here, so each accepted form, each refusal and each boundary is pinned.
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

#include "tombstones/tombstones.h"

using tombstones::ExitCode;
using tombstones::FormatTime;
using tombstones::Micros;
using tombstones::ParseTime;

namespace {

constexpr Micros kSecond = 1000000;
constexpr Micros kDay = 86400 * kSecond;
// 2024-06-01T00:00:00Z
constexpr Micros kJune1 = 1717200000 * kSecond;

}  // namespace

TEST_CASE("time parsing accepts RFC 3339 with offsets, fractions and a bare date", "[time]") {
  struct Row {
    std::string_view text;
    Micros expected;
  };
  const Row table[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"1970-01-01", 0},  // a bare date is midnight UTC
      {"2024-06-01T00:00:00Z", kJune1},
      {"2024-06-01", kJune1},
      {"2024-06-01t00:00:00z", kJune1},  // lowercase T and Z (RFC 3339 allows them)
      {"2024-06-01 00:00:00Z", kJune1},  // a space instead of T (RFC 3339 section 5.6 note)
      {"2024-06-01T12:30:05Z", kJune1 + (12 * 3600 + 30 * 60 + 5) * kSecond},
      // offsets: local time minus the offset is UTC
      {"2024-06-01T02:00:00+02:00", kJune1},
      {"2024-05-31T19:00:00-05:00", kJune1},
      {"2024-06-01T05:30:00+05:30", kJune1},
      {"2024-06-01T00:00:00+00:00", kJune1},
      {"2024-06-01T00:00:00-00:00", kJune1},
      {"2024-06-01T23:59:00+23:59", kJune1},
      // fractions: up to microseconds, further digits are cut (not rounded)
      {"2024-06-01T00:00:00.5Z", kJune1 + 500000},
      {"2024-06-01T00:00:00.25Z", kJune1 + 250000},
      {"2024-06-01T00:00:00.000001Z", kJune1 + 1},
      {"2024-06-01T00:00:00.123456Z", kJune1 + 123456},
      {"2024-06-01T00:00:00.1234569Z", kJune1 + 123456},
      {"2024-06-01T00:00:00.000000000Z", kJune1},
      {"2024-06-01T02:00:00.75+02:00", kJune1 + 750000},
      // a leap second reads as the last second of its minute
      {"2016-12-31T23:59:60Z", 1483228799 * kSecond},
      // calendar boundaries
      {"2024-02-29T00:00:00Z", 1709164800 * kSecond},  // leap year
      {"2000-02-29T00:00:00Z", 951782400 * kSecond},   // divisible by 400: leap
      {"2023-12-31T23:59:59Z", 1704067199 * kSecond},
      {"1969-12-31T23:59:59Z", -kSecond},  // before the epoch
      {"1900-01-01T00:00:00Z", -2208988800 * kSecond},
      {"0000-01-01T00:00:00Z", -62167219200 * kSecond},
      {"9999-12-31T23:59:59.999999Z", 253402300799 * kSecond + 999999},
  };
  for (const Row& row : table) {
    INFO(row.text);
    const auto t = ParseTime(row.text);
    REQUIRE(t.ok());
    CHECK(t.value() == row.expected);
  }
}

TEST_CASE("time parsing refuses what is not RFC 3339, with a usage error", "[time]") {
  const std::string_view table[] = {
      "",
      " 2024-06-01T00:00:00Z",      // leading space
      "2024-06-01T00:00:00Z ",      // trailing space
      "2024-06-01T00:00:00",        // local time: no offset
      "2024-06-01T00:00Z",          // no seconds
      "2024-06-01T00:00:00.Z",      // a dot without digits
      "2024-06-01T00:00:00+0200",   // offset without a colon
      "2024-06-01T00:00:00+02",     // offset without minutes
      "2024-06-01T00:00:00+24:00",  // offset hour out of range
      "2024-06-01T00:00:00+02:60",  // offset minute out of range
      "2024-06-01T00:00:00ZZ",
      "2024-06-01T24:00:00Z",  // hour out of range
      "2024-06-01T23:60:00Z",  // minute out of range
      "2024-06-01T23:59:61Z",  // second out of range
      "2024-06-01T",           // a separator and nothing
      "2024-06-01x",
      "2024-6-01",    // month of one digit
      "24-06-01",     // year of two digits
      "+2024-06-01",  // signed year
      "-2024-06-01",
      "20240601T000000Z",                 // ISO 8601 basic format
      "2024-00-10",                       // month 0
      "2024-13-10",                       // month 13
      "2024-06-00",                       // day 0
      "2024-06-31",                       // June has 30 days
      "2023-02-29",                       // not a leap year
      "1900-02-29",                       // divisible by 100, not by 400
      "2024-06-01T00:00:00\xEF\xBC\xBA",  // fullwidth Z
      "1717200000",                       // epoch seconds
      "now",
  };
  for (std::string_view text : table) {
    INFO("'" << text << "'");
    const auto t = ParseTime(text);
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == ExitCode::kUsage);
    CHECK(t.status().message().rfind("unable to parse time", 0) == 0);
  }
}

TEST_CASE("time formatting prints UTC seconds, and microseconds only when there are some",
          "[time]") {
  struct Row {
    Micros t;
    std::string_view expected;
  };
  const Row table[] = {
      {0, "1970-01-01T00:00:00Z"},
      {kJune1, "2024-06-01T00:00:00Z"},
      {kJune1 + 1, "2024-06-01T00:00:00.000001Z"},
      {kJune1 + 500000, "2024-06-01T00:00:00.500000Z"},
      {kJune1 + kDay - 1, "2024-06-01T23:59:59.999999Z"},
      {-1, "1969-12-31T23:59:59.999999Z"},  // negative: the fraction still counts forward
      {-kSecond, "1969-12-31T23:59:59Z"},
      {-kDay, "1969-12-31T00:00:00Z"},
      {-62167219200 * kSecond, "0000-01-01T00:00:00Z"},
      {253402300799 * kSecond + 999999, "9999-12-31T23:59:59.999999Z"},
      {1709164800 * kSecond, "2024-02-29T00:00:00Z"},
  };
  for (const Row& row : table) {
    INFO(row.t);
    CHECK(FormatTime(row.t) == row.expected);
  }
}

TEST_CASE("time formatting and parsing round-trip, to the extremes of the type", "[time]") {
  const Micros table[] = {0,
                          1,
                          -1,
                          kJune1 + 123456,
                          -62167219200 * kSecond,           // year 0
                          253402300799 * kSecond + 999999,  // the last instant of year 9999
                          kJune1 * 3 + 7};
  for (Micros t : table) {
    INFO(t);
    const auto back = ParseTime(FormatTime(t));
    REQUIRE(back.ok());
    CHECK(back.value() == t);
  }
  SECTION("instants outside years 0-9999 are printed without breaking (never parsed back)") {
    const Micros max = std::numeric_limits<Micros>::max();
    const Micros min = std::numeric_limits<Micros>::min();
    CHECK(FormatTime(max) == "294247-01-10T04:00:54.775807Z");
    CHECK(FormatTime(min) == "-290308-12-21T19:59:05.224192Z");
    CHECK_FALSE(ParseTime(FormatTime(max)).ok());
  }
}

TEST_CASE("every day of four years parses to the day after the one before", "[time]") {
  // 2023 to 2026: two month lengths, one leap day, every month boundary.
  Micros expected = ParseTime("2023-01-01").value();
  int days = 0;
  for (int year = 2023; year <= 2026; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= 31; ++day) {
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
        const auto t = ParseTime(text);
        if (!t.ok()) continue;  // day 29-31 of shorter months
        INFO(text);
        CHECK(t.value() == expected);
        CHECK(FormatTime(t.value()) == std::string(text) + "T00:00:00Z");
        expected += kDay;
        ++days;
      }
    }
  }
  CHECK(days == 365 * 3 + 366);
}

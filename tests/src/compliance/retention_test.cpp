// The expiry forecast, rule by rule, on the fixture listings.
#include "src/compliance/retention.h"

#include <catch2/catch.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::compliance {
namespace {

constexpr Micros kS = 1000000;
constexpr Micros kDay = 86400 * kS;

SourceListing Load(const std::string& from, const std::string& name) {
  auto listing = ParseListing(
      from, testing::ReadFile(testing::SourceDir() + "/tests/data/backups/" + name), name);
  REQUIRE(listing.ok());
  return listing.value();
}

RetentionPolicy Count(int n) {
  RetentionPolicy p;
  p.count = n;
  p.text = "count";
  return p;
}

RetentionPolicy Time(Micros window) {
  RetentionPolicy p;
  p.rule = RetentionPolicy::Rule::kTime;
  p.window = window;
  p.text = "time";
  return p;
}

// Fixture: F1 (stop 1795356424) + incr + diff, then F2 (stop 1795356441) + incr.
constexpr Micros kF1Start = 1795356416 * kS;
constexpr Micros kF2Stop = 1795356441 * kS;

TEST_CASE("pgBackRest count retention: a full and its dependants go with the Nth newer full",
          "[compliance]") {
  const SourceListing listing = Load("pgbackrest", "pgbackrest-info.json");
  SECTION("count 1, no schedule") {
    auto r = ForecastExpiry(listing, Count(1), kF1Start);
    REQUIRE(r.size() == 5);
    for (int i : {0, 1, 2}) CHECK(r[i].expires_at == kF2Stop);
    CHECK_FALSE(r[3].expires_at);
    CHECK_FALSE(r[4].expires_at);
    CHECK(r[0].source == "pgbackrest");
    CHECK(r[0].taken_at == kF1Start);
    CHECK(r[1].retention.find("with its full 'demo/20261122-140656F'") != std::string::npos);
    CHECK(r[3].retention.find("pass --full-every") != std::string::npos);
  }
  SECTION("count 2 with a weekly schedule") {
    RetentionPolicy p = Count(2);
    p.full_every = 7 * kDay;
    auto r = ForecastExpiry(listing, p, kF1Start);
    CHECK(r[0].expires_at == kF2Stop + 7 * kDay);
    CHECK(r[3].expires_at == kF2Stop + 14 * kDay);
    CHECK(r[4].expires_at == kF2Stop + 14 * kDay);
  }
  SECTION("a margin is added") {
    RetentionPolicy p = Count(1);
    p.margin = kDay;
    CHECK(ForecastExpiry(listing, p, kF1Start)[0].expires_at == kF2Stop + kDay);
  }
  SECTION("a forecast already past is overdue: still listed, so its end is unknown") {
    const Micros now = kF2Stop + 30 * kDay;
    auto r = ForecastExpiry(listing, Count(1), now);
    CHECK_FALSE(r[0].expires_at);
    CHECK(r[0].retention == "count: when the 1st newer backup 'demo/20261122-140713F' completed; "
                            "overdue since 2026-11-22T14:07:21Z, still listed at import");
  }
}

TEST_CASE("pgBackRest time retention: N days after the next newer full", "[compliance]") {
  const SourceListing listing = Load("pgbackrest", "pgbackrest-info.json");
  auto r = ForecastExpiry(listing, Time(3 * kDay), kF1Start);
  CHECK(r[0].expires_at == kF2Stop + 3 * kDay);
  CHECK_FALSE(r[3].expires_at);
  RetentionPolicy p = Time(3 * kDay);
  p.full_every = 7 * kDay;
  CHECK(ForecastExpiry(listing, p, kF1Start)[3].expires_at == kF2Stop + 10 * kDay);
}

TEST_CASE("Barman redundancy and recovery window", "[compliance]") {
  const SourceListing listing = Load("barman", "barman-list-backups.json");
  // DONE backups end on Mar 1, Mar 8, Mar 15 (KEEP:FULL), Mar 22 2026.
  const Micros mar1 = 1772331000 * kS, mar8 = 1772935800 * kS, mar15 = 1773540600 * kS,
               mar22 = 1774145400 * kS;
  SECTION("redundancy 2") {
    auto r = ForecastExpiry(listing, Count(2), mar1);
    CHECK(r[0].expires_at == mar15);
    CHECK(r[1].expires_at == mar22);
    CHECK_FALSE(r[2].expires_at);  // kept
    CHECK(r[2].retention.find("never expires") != std::string::npos);
    CHECK_FALSE(r[3].expires_at);
  }
  SECTION("recovery window of 7 days") {
    auto r = ForecastExpiry(listing, Time(7 * kDay), mar1);
    CHECK(r[0].expires_at == mar8 + 7 * kDay);
    CHECK(r[1].expires_at == mar15 + 7 * kDay);
    CHECK_FALSE(r[3].expires_at);
  }
}

TEST_CASE("WAL-G: deltas expire with their full; permanent backups never", "[compliance]") {
  const SourceListing listing = Load("walg", "walg-backup-list.json");
  const Micros f2 = tombstones::ParseTime("2026-03-08T02:10:00Z").value();
  auto r = ForecastExpiry(listing, Count(1), 0);
  CHECK(r[0].expires_at == f2);
  CHECK(r[1].expires_at == f2);
  CHECK(r[2].expires_at == f2);
  CHECK_FALSE(r[3].expires_at);
  CHECK_FALSE(r[4].expires_at);
}

TEST_CASE("Retention durations parse like the tools write them", "[compliance]") {
  CHECK(ParseDays("30", "--x").value() == 30 * kDay);
  CHECK(ParseDays("2 WEEKS", "--x").value() == 14 * kDay);
  CHECK(ParseDays("RECOVERY WINDOW OF 1 MONTHS", "--x").value() == 31 * kDay);
  CHECK(ParseDays("7d", "--x").value() == 7 * kDay);
  auto bad = ParseDays("soon", "--full-every");
  REQUIRE(bad.status().code() == tombstones::ExitCode::kUsage);
  CHECK(bad.status().message() ==
        "unable to parse --full-every: expected N, Nd, 'N days', 'N weeks' or 'N months' (at most "
        "36600 days)");
  CHECK(ParseDays("36600", "--x").value() == 36600 * kDay);
  CHECK(ParseDays("1181 months", "--x").status().code() == tombstones::ExitCode::kUsage);
}

}  // namespace
}  // namespace tombstone::compliance

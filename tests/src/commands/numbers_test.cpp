// Issue 15, finding 8: every number from outside is range-checked and refused with exit 2,
// never wrapped (backup timestamps of 1e20 became 1970, -99999999999 the year -1199) or passed
// on as infinity (--lock-timeout inf).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "src/compliance/retention.h"
#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

std::string PgBackRest(const std::string& start, const std::string& stop) {
  return R"([{"name":"main","status":{"code":0},"backup":[{"label":"20260301-020000F",)"
         R"("type":"full","timestamp":{"start":)" +
         start + R"(,"stop":)" + stop + "}}]}]";
}

TEST_CASE("backup timestamps beyond the years 0000 to 9999 are refused", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::vector<std::string> pgbackrest = {"backups", "import", "--from", "pgbackrest",
                                               "--retention-full", "2", "-"};
  for (const std::string stamp : {"1e20", "-99999999999", "99999999999999999999", "1e308",
                                   "-1e20", "9223372036854775807", "253402300800"}) {
    INFO(stamp);
    const RunResult r = f.Run(pgbackrest, PgBackRest(stamp, stamp));
    CHECK(r.code == 2);
    CHECK(r.err.find("has a timestamp outside the years 0000 to 9999") != std::string::npos);
  }
  const RunResult barman = f.Run(
      {"backups", "import", "--from", "barman", "--redundancy", "2", "-"},
      R"({"pg":[{"backup_id":"b","status":"DONE","end_time_timestamp":"99999999999999999999"}]})");
  CHECK(barman.code == 2);
  CHECK(barman.err.find("end_time_timestamp outside the years 0000 to 9999") != std::string::npos);
  // Nothing was recorded; the largest time allowed is.
  CHECK(f.Run({"backups", "list", "--format", "json"}).out.find("20260301") == std::string::npos);
  const RunResult edge = f.Run(pgbackrest, PgBackRest("253402300799", "253402300799"));
  CHECK(edge.code == 0);
  CHECK(f.Run({"backups", "list"}).out.find("9999-12-31T23:59:59Z") != std::string::npos);
}

TEST_CASE("fields of the wrong JSON type are malformed listings, not crashes", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult code = f.Run(
      {"backups", "import", "--from", "pgbackrest", "--retention-full", "2", "-"},
      R"([{"name":"main","status":{"code":"broken"},"backup":{"not":"an array"}}])");
  CHECK(code.code == 2);
  const RunResult permanent = f.Run(
      {"backups", "import", "--from", "walg", "--retain-full", "2", "-"},
      R"([{"backup_name":"base_1","time":"2026-03-01T00:00:00Z","is_permanent":"yes"}])");
  CHECK(permanent.code == 0);
}

TEST_CASE("times outside the years 0000 to 9999 are refused", "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  for (const std::string t : {"0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"}) {
    const RunResult r = f.Run({"backups", "add", "--id", "b", "--taken-at", t});
    CHECK(r.code == 2);
    CHECK(r.err == "tombstone: unable to parse --taken-at: outside the years 0000 to 9999 (UTC)\n");
  }
  CHECK(f.Run({"backups", "add", "--id", "b", "--taken-at", "0000-01-01T00:00:00Z"}).code == 0);
}

TEST_CASE("--lock-timeout takes a finite number of seconds, at most a day", "[cli]") {
  TempDir dir;
  StoreFixture f(dir.path());
  for (const std::string v : {"inf", "-inf", "nan", "1e999", "86401", "-1", "", "10s"}) {
    INFO(v);
    const RunResult before = Run({"--store", f.store, "--lock-timeout", v, "list"});
    CHECK(before.code == 2);
    CHECK(before.err.rfind("tombstone: unable to parse --lock-timeout: expected a number of "
                           "seconds from 0 to 86400\n",
                           0) == 0);
    const RunResult after = Run({"--store", f.store, "list", "--lock-timeout", v});
    CHECK(after.code == 2);
  }
  CHECK(Run({"--store", f.store, "--lock-timeout", "86400", "list"}).code == 0);
  CHECK(Run({"--store", f.store, "list", "--lock-timeout=0.5"}).code == 0);
}

TEST_CASE("retention options are range-checked and forecasts never wrap", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string listing = PgBackRest("1772330400", "1772331000");
  CHECK(f.Run({"backups", "import", "--from", "pgbackrest", "--retention-full", "10000000", "-"},
              listing).code == 2);
  CHECK(f.Run({"backups", "import", "--from", "pgbackrest", "--retention-full", "36601",
               "--retention-full-type", "time", "-"},
              listing).code == 2);
  CHECK(f.Run({"backups", "import", "--from", "pgbackrest", "--retention-full", "2",
               "--full-every", "999999 months", "-"},
              listing).code == 2);

  // The largest counts and periods allowed forecast the end of the year 9999, not a wrapped date.
  compliance::SourceListing l;
  l.source = "pgbackrest";
  l.backups.push_back({"main/F", compliance::BackupKind::kFull, "main/F", 0, 0, false});
  compliance::RetentionPolicy p;
  p.count = 9999999;
  p.full_every = compliance::ParseDays("36600", "--full-every").value();
  p.margin = compliance::ParseDays("36600", "--margin").value();
  const auto records = compliance::ForecastExpiry(l, p, 0);
  REQUIRE(records.size() == 1);
  REQUIRE(records[0].expires_at);
  // 9999-12-31T23:59:59.999999Z
  CHECK(*records[0].expires_at == 253402300799LL * 1000000 + 999999);
}

}  // namespace
}  // namespace tombstone::testing

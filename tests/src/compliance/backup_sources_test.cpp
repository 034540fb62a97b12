// Parsers of the backup tools' listings: real pgBackRest output, Barman/WAL-G shapes.
#include "src/compliance/backup_sources.h"

#include <catch2/catch.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::compliance {
namespace {

constexpr Micros kS = 1000000;

std::string Fixture(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/tests/data/backups/" + name);
}

TEST_CASE("pgBackRest info JSON gives ids, kinds, dependencies and times", "[compliance]") {
  auto listing = ParsePgBackRestInfo(Fixture("pgbackrest-info.json"), "fixture");
  REQUIRE(listing.ok());
  REQUIRE(listing->scopes == std::vector<std::string>{"demo"});
  REQUIRE(listing->backups.size() == 5);
  const SourceBackup& full = listing->backups[0];
  CHECK(full.id == "demo/20261122-140656F");
  CHECK(full.kind == BackupKind::kFull);
  CHECK(full.full_id == full.id);
  CHECK(full.started_at == 1795356416 * kS);
  CHECK(full.finished_at == 1795356424 * kS);
  const SourceBackup& incr = listing->backups[1];
  CHECK(incr.id == "demo/20261122-140656F_20261122-140708I");
  CHECK(incr.kind == BackupKind::kIncr);
  CHECK(incr.full_id == "demo/20261122-140656F");
  CHECK(listing->backups[2].kind == BackupKind::kDiff);
  CHECK(listing->backups[4].full_id == "demo/20261122-140713F");
}

TEST_CASE("pgBackRest listings that cannot be trusted are refused", "[compliance]") {
  SECTION("not JSON") {
    auto r = ParsePgBackRestInfo("stanza: demo", "x.json");
    REQUIRE(r.status().code() == tombstones::ExitCode::kUsage);
    CHECK(r.status().message() ==
          "unable to read pgbackrest listing 'x.json': not valid JSON (line 1, column 1)");
    auto later = ParsePgBackRestInfo("[\n  {\"name\": \"demo\" oops}\n]", "x.json");
    CHECK(later.status().message() ==
          "unable to read pgbackrest listing 'x.json': not valid JSON (line 2, column 19)");
  }
  SECTION("another tool's JSON") {
    auto r = ParsePgBackRestInfo(Fixture("barman-list-backups.json"), "x.json");
    CHECK(r.status().message().find("expected an array of stanzas") != std::string::npos);
  }
  SECTION("a stanza in error") {
    auto r = ParsePgBackRestInfo(
        R"([{"name":"main","status":{"code":1,"message":"missing stanza path"},"backup":[]}])", "x");
    REQUIRE(r.status().code() == tombstones::ExitCode::kFailed);
    CHECK(r.status().message() ==
          "unable to read pgbackrest stanza 1 ('main') in 'x': status 1");
  }
  SECTION("a stanza with no valid backups is empty, not an error") {
    auto r = ParsePgBackRestInfo(
        R"([{"name":"main","status":{"code":2,"message":"no valid backups"},"backup":[]}])", "x");
    REQUIRE(r.ok());
    CHECK(r->backups.empty());
  }
  SECTION("a backup without timestamps") {
    auto r = ParsePgBackRestInfo(
        R"([{"name":"main","status":{"code":0},"backup":[{"label":"L","type":"full","timestamp":{}}]}])",
        "x");
    CHECK(r.status().message() == "unable to read pgbackrest listing 'x': stanza 1 ('main'), "
                                  "backup 1 ('L') has no start/stop timestamp");
  }
}

TEST_CASE("Barman list-backups JSON keeps done backups and marks kept ones", "[compliance]") {
  auto listing = ParseBarmanList(Fixture("barman-list-backups.json"), "fixture");
  REQUIRE(listing.ok());
  CHECK(listing->scopes == std::vector<std::string>{"pg"});
  CHECK(listing->skipped == 1);  // the FAILED one
  REQUIRE(listing->backups.size() == 4);
  CHECK(listing->backups[0].id == "pg/20260301T020000");
  CHECK(listing->backups[0].finished_at == 1772331000 * kS);
  CHECK(listing->backups[0].started_at == listing->backups[0].finished_at);
  CHECK_FALSE(listing->backups[0].kept);
  CHECK(listing->backups[2].id == "pg/20260315T020000");
  CHECK(listing->backups[2].kept);
  auto bad = ParseBarmanList(R"({"pg":[{"backup_id":"b","status":"DONE"}]})", "x");
  CHECK(bad.status().message() == "unable to read barman listing 'x': server 1 ('pg'), backup 1 "
                                  "('b') has no end_time_timestamp");
}

TEST_CASE("WAL-G backup-list JSON follows delta chains to their full backup", "[compliance]") {
  auto listing = ParseWalgList(Fixture("walg-backup-list.json"), "fixture");
  REQUIRE(listing.ok());
  REQUIRE(listing->backups.size() == 5);
  const auto& b = listing->backups;
  CHECK(b[0].kind == BackupKind::kFull);
  CHECK(b[1].kind == BackupKind::kIncr);
  CHECK(b[1].full_id == "base_000000010000000000000004");
  CHECK(b[2].full_id == "base_000000010000000000000004");  // delta of a delta
  CHECK(b[3].kept);
  CHECK(b[3].started_at == tombstones::ParseTime("2026-03-08T02:00:00.123456Z").value());
  CHECK(b[0].finished_at == tombstones::ParseTime("2026-03-01T02:10:00Z").value());
  SECTION("without --detail the sentinel time is used") {
    auto plain = ParseWalgList(R"([{"backup_name":"base_1","time":"2026-03-01T02:10:05Z"}])", "x");
    REQUIRE(plain.ok());
    CHECK(plain->backups[0].started_at == tombstones::ParseTime("2026-03-01T02:10:05Z").value());
  }
}

}  // namespace
}  // namespace tombstone::compliance

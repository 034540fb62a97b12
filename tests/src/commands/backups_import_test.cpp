// tombstone backups import|add|list through the CLI, on the fixture listings.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

std::string Fixture(const std::string& name) {
  return SourceDir() + "/tests/data/backups/" + name;
}

nlohmann::json BackupsJson(const StoreFixture& f) {
  const RunResult r = f.Run({"backups", "list", "--format", "json"});
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

TEST_CASE("backups import records pgBackRest backups with their forecast", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult r = f.Run({"backups", "import", "--from", "pgbackrest", "--retention-full", "1",
                             "--full-every", "36500", Fixture("pgbackrest-info.json")});
  REQUIRE(r.code == 0);
  // The first full and its dependants are overdue (this machine's clock is past their forecast).
  CHECK(r.out == "imported 5 backups from pgbackrest (3 without a forecast)\n");
  const auto list = BackupsJson(f);
  REQUIRE(list.size() == 5);
  CHECK(list[0]["id"] == "demo/20261122-140656F");
  CHECK(list[0]["source"] == "pgbackrest");
  CHECK(list[0]["taken_at"] == "2026-11-22T14:06:56Z");
  CHECK(list[4]["id"] == "demo/20261122-140713F_20261122-140722I");
  // The newest full stopped at 14:07:21; the next is due 36500 days later (a schedule far
  // enough away that the forecast stays in the future whenever this test runs).
  CHECK(list[4]["expires_at"] == "2126-10-29T14:07:21Z");
  CHECK(list[4]["retention"].get<std::string>().rfind("pgbackrest retention-full=1 (count): ", 0) == 0);

  SECTION("standard input works the same") {
    const RunResult again = f.Run({"backups", "import", "--from", "pgbackrest", "--retention-full",
                                   "1", "-"}, ReadFile(Fixture("pgbackrest-info.json")));
    CHECK(again.code == 0);
    CHECK(again.out == "imported 5 backups from pgbackrest (5 without a forecast)\n");
  }
  SECTION("backups the tool no longer lists are marked expired, and kept as history") {
    const RunResult empty = f.Run({"backups", "import", "--from", "pgbackrest", "--retention-full",
                                   "1", "-"}, R"([{"name":"demo","status":{"code":2},"backup":[]}])");
    CHECK(empty.code == 0);
    CHECK(empty.out == "imported 0 backups from pgbackrest (0 without a forecast); 5 no longer "
                       "listed, marked expired\n");
    const auto after = BackupsJson(f);
    REQUIRE(after.size() == 5);
    CHECK(after[4]["retention"].get<std::string>().rfind("no longer listed by pgbackrest at ", 0) == 0);
  }
}

TEST_CASE("backups import from Barman and WAL-G", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult barman = f.Run({"backups", "import", "--from", "barman", "--recovery-window",
                                  "1 WEEKS", Fixture("barman-list-backups.json")});
  REQUIRE(barman.code == 0);
  CHECK(barman.out == "imported 4 backups from barman (4 without a forecast); skipped 1 not usable\n");
  const RunResult walg = f.Run({"backups", "import", "--from", "walg", "--retain-full", "1",
                                Fixture("walg-backup-list.json")});
  REQUIRE(walg.code == 0);
  CHECK(walg.out == "imported 5 backups from walg (5 without a forecast)\n");
  CHECK(BackupsJson(f).size() == 9);
}

TEST_CASE("backups import needs the tool's retention rule, and only that", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string file = Fixture("pgbackrest-info.json");
  const auto err = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"backups", "import"});
    const RunResult r = f.Run(args);
    CHECK(r.code == 2);
    return r.err;
  };
  CHECK(err({file}) == "tombstone: unable to import backups: --from is required\n"
                       "HINT: --from pgbackrest, --from barman or --from walg\n");
  CHECK(err({"--from", "bacula", file}).rfind("tombstone: unable to import backups: unknown --from 'bacula'\n", 0) == 0);
  CHECK(err({"--from", "pgbackrest", file}).rfind(
            "tombstone: unable to import backups from pgbackrest: --retention-full is required\n", 0) == 0);
  CHECK(err({"--from", "pgbackrest", "--redundancy", "2", file}) ==
        "tombstone: unable to import backups: --redundancy does not apply to --from pgbackrest\n");
  CHECK(err({"--from", "barman", "--redundancy", "2", "--recovery-window", "7", file}).rfind(
            "tombstone: unable to import backups from barman: give exactly one of --redundancy and "
            "--recovery-window\n", 0) == 0);
  CHECK(err({"--from", "pgbackrest", "--retention-full", "0", file}) ==
        "tombstone: unable to use --retention-full 0: expected 1 to 9999999\n");
  CHECK(err({"--from", "barman", "--redundancy", "1", file}).rfind(
            "tombstone: unable to read barman listing '" + file + "': expected an object", 0) == 0);
  CHECK(BackupsJson(f).empty());
}

TEST_CASE("backups add records anything else; list shows it", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult r = f.Run({"backups", "add", "--id", "tape-7", "--taken-at", "2026-01-31T02:00:00Z",
                             "--expires-at", "2026-04-30", "--retention", "tape rotation"});
  REQUIRE(r.code == 0);
  CHECK(r.out == "recorded backup 'tape-7' taken 2026-01-31T02:00:00Z, expires 2026-04-30T00:00:00Z\n");
  const RunResult list = f.Run({"backups", "list"});
  CHECK(list.out.find("tape-7  manual  2026-01-31T02:00:00Z  2026-04-30T00:00:00Z  tape rotation") !=
        std::string::npos);
  CHECK(list.out.find("1 backup\n") != std::string::npos);
  const RunResult bad = f.Run({"backups", "add", "--id", "x", "--taken-at", "2026-02-01",
                               "--expires-at", "2026-01-01"});
  CHECK(bad.code == 2);
  CHECK(bad.err == "tombstone: unable to add backup 'x': --expires-at is before --taken-at\n");
  CHECK(f.Run({"backups", "add", "--id", "x"}).code == 2);
}

}  // namespace
}  // namespace tombstone::testing

// restore-hooks/drill.sh end to end (without its install and build step: the test binary is the
// build): a passing drill, and a drill whose map misses a table, which must fail.
#include <dirent.h>

#include <catch2/catch.hpp>

#include "tests/restore-hooks/restore_support.h"

using namespace tombstone::testing;
using namespace tombstone::testing::restore;

namespace {

int Lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

// Workspaces the drill left under `dir` (it makes them in $TMPDIR).
int Leftovers(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    n += e.path().filename().string().rfind("tombstone-drill-", 0) == 0;
  return n;
}

}  // namespace

TEST_CASE("the drill restores, replays, verifies, reports and logs, and fails when a check fails",
          "[pg][restore-hooks]") {
  TempDir dir;
  OpenToServerUser(dir);
  const std::string drill = Env(dir) + Hook("drill.sh") +
                            " --no-setup --subjects 1000 --erase 10 --out " + Q(dir / "out");

  SECTION(
      "a passing drill: every check OK, a report with the timings, one CSV line, nothing left") {
    Sh r = Shell(drill + " 2>/dev/null");
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK(r.out.find(": PASSED") != std::string::npos);
    for (const char* line :
         {"restore time", "recovery time", "replay time", "RTO",
          "tombstones       10 applied of 10 recorded", "OK   tombstone verify",
          "OK   restored equals primary", "OK   erased subjects gone", "OK   point in time",
          "OK   application can connect", "OK   outer fence lifted",
          "OK   tombstone discover", "    public.newsletter.address             9 / 1000"})
      CHECK(r.out.find(line) != std::string::npos);
    CHECK(r.out.find("FAIL") == std::string::npos);
    CHECK(r.out.find("public.tickets       delete") != std::string::npos);
    const std::string log = ReadFile(dir / "out/drill-log.csv");
    CHECK(Lines(log) == 2);
    CHECK(log.rfind("run_id,started_at,result,", 0) == 0);
    CHECK(log.find(",PASSED,1000,10,10,") != std::string::npos);
    const std::string label = "\n  receipt          ";
    const auto at = r.out.find(label);
    REQUIRE(at != std::string::npos);
    const auto from = at + label.size();
    const std::string receipt = r.out.substr(from, r.out.find('\n', from) - from);
    auto json = ReadJson(receipt);
    CHECK(json["verification"] == "clean");
    CHECK(json["tombstones_applied"] == 10);
    CHECK(Leftovers(dir.path()) == 0);
    CHECK(r.out.find("example.com") == std::string::npos);  // no identifier in the report
  }

  SECTION(
      "a map that misses a table: replay is clean by its own map, the drill finds the rows and "
      "fails") {
    std::string map = ReadFile(Hook("drill/map.toml"));
    const auto at = map.find("[[table]]\nname = \"public.tickets\"");
    REQUIRE(at != std::string::npos);
    map.erase(at, map.find("[[table]]", at + 1) - at);
    WriteFile(dir / "partial.toml", map);
    // an earlier run's log: the drill appends one line and no second header
    std::filesystem::create_directories(dir / "out");
    const std::string earlier =
        "run_id,started_at,result\n20260101T000000Z,2026-01-01T00:00:00Z,PASSED\n";
    WriteFile(dir / "out/drill-log.csv", earlier);
    Sh r = Shell(drill + " --map " + Q(dir / "partial.toml") + " 2>/dev/null");
    INFO(r.out);
    CHECK(r.code == 1);
    CHECK(r.out.find(": FAILED") != std::string::npos);
    CHECK(r.out.find("FAIL restored equals primary            differ: tickets") !=
          std::string::npos);
    // discover finds what the map misses, without the primary to compare with
    CHECK(r.out.find("FAIL tombstone discover") != std::string::npos);
    CHECK(r.out.find("public.tickets.contact.email") != std::string::npos);
    const std::string log = ReadFile(dir / "out/drill-log.csv");
    CHECK(log.rfind(earlier, 0) == 0);
    CHECK(Lines(log) == 3);
    CHECK(log.find(",FAILED,1000,10,10,") != std::string::npos);
    CHECK(Leftovers(dir.path()) == 0);
  }

  SECTION("usage: exit 2") {
    CHECK(Shell(drill + " --erase 0").code == 2);
    CHECK(Shell(drill + " --bogus").code == 2);
    CHECK(Shell(drill + " --map " + Q(dir / "missing.toml")).code == 2);
  }
}

// tombstone receipts list: the outcome column never says "applied" for a run that did not
// commit (issue 18: replays that rolled back were listed as "applied 4").
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {
namespace {

using nlohmann::json;

struct Case {
  const char* what;
  json body;
  const char* outcome;
};

json Replay(int version, int exit_code, const char* verification, std::uint64_t applied) {
  return {{"receipt_version", version},
          {"command", "replay"},
          {"dry_run", false},
          {"exit_code", exit_code},
          {"verification", verification},
          {"database", {{"name", "app"}}},
          {"tombstones_applied", applied}};
}

json Committed(json body, bool committed) {
  body["committed"] = committed;
  return body;
}

TEST_CASE("receipts list says 'applied' only for a replay that committed", "[compliance]") {
  json dry = Committed(Replay(2, 0, "clean (rehearsed, rolled back)", 0), false);
  dry["dry_run"] = true;
  json verify_clean = {{"receipt_version", 2},   {"command", "verify"},     {"dry_run", false},
                       {"exit_code", 0},         {"verification", "clean"}, {"committed", false},
                       {"tombstones_present", 0}};
  json verify_residue = verify_clean;
  verify_residue["exit_code"] = 3;
  verify_residue["verification"] = "residue";
  verify_residue["tombstones_present"] = 2;
  const std::vector<Case> cases = {
      {"v2 committed, clean", Committed(Replay(2, 0, "clean", 3), true), "applied 3"},
      {"v2 rolled back", Committed(Replay(2, 1, "failed", 0), false), "rolled back (exit 1)"},
      {"v2 not verified clean", Committed(Replay(2, 3, "residue", 0), false),
       "rolled back (exit 3)"},
      {"v1 clean", Replay(1, 0, "clean", 2), "applied 2"},
      // The receipt of issue 18: a failed run that counted what it tried.
      {"v1 failed, with a count", Replay(1, 4, "clean", 4), "failed (exit 4)"},
      {"v1 residue", Replay(1, 3, "residue", 4), "failed (exit 3)"},
      {"dry run", dry, "dry run, nothing changed"},
      {"verify clean", verify_clean, "clean"},
      {"verify residue", verify_residue, "2 present (exit 3)"},
  };

  TempDir dir;
  StoreFixture f(dir.path());
  {
    auto key = tombstones::Key::Load(f.key);
    REQUIRE(key.ok());
    tombstones::Store::Options o;
    o.dir = f.store;
    o.mode = tombstones::Store::Mode::kWrite;
    o.key = &key.value();
    auto store = tombstones::Store::Open(o);
    REQUIRE(store.ok());
    for (const Case& c : cases) REQUIRE(store.value()->AppendReceipt(c.body.dump()).ok());
  }

  const RunResult table = f.Run({"receipts", "list"});
  REQUIRE(table.code == 0);
  CHECK(table.out.find(" outcome\n") != std::string::npos);
  const RunResult scripted = f.Run({"receipts", "list", "--format", "json"});
  REQUIRE(scripted.code == 0);
  const json listed = json::parse(scripted.out);
  REQUIRE(listed.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].what);
    CHECK(listed[i]["outcome"] == cases[i].outcome);
    // The table's row for this receipt ends with the same outcome.
    const std::string seq = "\n" + std::to_string(i + 1) + " ";
    const std::size_t row = table.out.find(seq);
    REQUIRE(row != std::string::npos);
    const std::string line = table.out.substr(row + 1, table.out.find('\n', row + 1) - row - 1);
    const std::string outcome = cases[i].outcome;
    CHECK(line.size() >= outcome.size());
    CHECK(line.compare(line.size() - outcome.size(), outcome.size(), outcome) == 0);
  }
  CHECK(table.out.find("applied 4") == std::string::npos);
}

}  // namespace
}  // namespace tombstone::testing

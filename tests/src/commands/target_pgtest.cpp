// replay and verify --target: the DSN and the data map of each database come from the
// configuration file, and every receipt names the target (docs/configuration.md).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/integration_db.h"
#include "tests/support/temp_dir.h"

using namespace tombstone::testing;
using nlohmann::json;

namespace {

// Receipts of the store, newest last.
json Receipts(const StoreFixture& store) {
  const RunResult r = store.Run({"receipts", "list", "--format", "json"});
  REQUIRE(r.code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE_METHOD(IntegrationFixture,
                 "replay and verify --target work on each configured database, receipts name it",
                 "[pg][replay][config]") {
  IntegrationDb second(pg, "target_second");
  const std::string users = "SELECT count(*) FROM users";
  const std::string before = db.Value(users);
  // the target's connection (to the postgres database) with each database's name put in
  const std::string config = dir / "tombstone.conf";
  WriteFile(config, "[target.main]\ndsn = \"" + pg.Dsn("postgres") + "\"\n" +
                        "[target.main.database." + db.name + "]\nmap = \"" + IntegrationMap() +
                        "\"\n[target.main.database." + second.name + "]\nmap = \"" +
                        IntegrationMap() + "\"\n");
  std::vector<std::string> with_config = {"--config", config};

  SECTION("verify finds residue in the first database and stops there") {
    std::vector<std::string> args = with_config;
    args.insert(args.end(), {"verify", "--target", "main"});
    const RunResult r = store.Run(args);
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    CHECK(r.err.find("target 'main', database '" + db.name + "' (1 of 2)") != std::string::npos);
    CHECK(r.err.find("stopped at database '" + db.name + "'; not run: '" + second.name + "'") !=
          std::string::npos);
    const json receipts = Receipts(store);
    REQUIRE(receipts.size() == 1);
    CHECK(receipts[0]["receipt"]["target"] == "main");
    CHECK(receipts[0]["receipt"]["database"]["name"] == db.name);
  }
  SECTION("replay --target replays every database, then verify --target is clean") {
    std::vector<std::string> args = with_config;
    args.insert(args.end(), {"replay", "--target", "main", "--receipt", dir / "r.json"});
    const RunResult r = store.Run(args);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(db.Value(users) != before);
    CHECK(second.Value(users) == db.Value(users));
    // one receipt file per database
    CHECK(json::parse(ReadFile(dir / ("r-" + db.name + ".json")))["target"] == "main");
    CHECK(json::parse(ReadFile(dir / ("r-" + second.name + ".json")))["database"]["name"] ==
          second.name);
    const json receipts = Receipts(store);
    REQUIRE(receipts.size() == 2);
    for (const json& e : receipts) {
      CHECK(e["receipt"]["target"] == "main");
      CHECK(e["receipt"]["drill"] == false);
      CHECK(e["receipt"]["exit_code"] == 0);
    }
    args = with_config;
    args.insert(args.end(), {"verify", "--target", "main"});
    CHECK(store.Run(args).code == 0);
    // info reports the target's last replay
    args = with_config;
    args.insert(args.end(), {"info", "--format", "json"});
    const RunResult info = store.Run(args);
    REQUIRE(info.code == 0);
    const json target = json::parse(info.out)["targets"][0];
    CHECK(target["name"] == "main");
    CHECK(target["last_replay"]["database"] == second.name);
    CHECK(target["last_replay"]["ok"] == true);
  }
  SECTION("--database picks one; --dsn wins over the file for it; --drill is recorded") {
    std::vector<std::string> args = with_config;
    args.insert(args.end(), {"replay", "--target", "main", "--database", second.name, "--dsn",
                             second.dsn, "--drill"});
    const RunResult r = store.Run(args);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(db.Value(users) == before);  // not the other one
    const json receipts = Receipts(store);
    REQUIRE(receipts.size() == 1);
    CHECK(receipts[0]["receipt"]["drill"] == true);
    CHECK(receipts[0]["receipt"]["target"] == "main");
  }
  SECTION("refusals are usage errors, before anything is touched") {
    const auto run = [&](std::vector<std::string> more) {
      std::vector<std::string> args = with_config;
      args.insert(args.end(), more.begin(), more.end());
      return store.Run(args);
    };
    const RunResult unknown = run({"replay", "--target", "nope"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("unable to find target 'nope' in configuration '" + config + "'") !=
          std::string::npos);
    const RunResult no_db = run({"verify", "--target", "main", "--database", "nope"});
    CHECK(no_db.code == 2);
    CHECK(no_db.err.find("unable to find database 'nope' in target 'main'") != std::string::npos);
    const RunResult ambiguous = run({"replay", "--target", "main", "--dsn", db.dsn});
    CHECK(ambiguous.code == 2);
    CHECK(ambiguous.err.find("HINT: name the database they are for with --database DB") !=
          std::string::npos);
    CHECK(store.Run({"replay", "--target", "main"}).code == 2);  // no configuration read
    CHECK(run({"verify", "--database", db.name, "--map", IntegrationMap()}).code == 2);
    CHECK(db.Value(users) == before);
    CHECK(Receipts(store).empty());
  }
}

// tombstone info: one summary of an empty store and of a busy one (tombstones held and
// retracted, a backup catalog, receipts of replays and drills for several targets).
#include "tests/src/commands/store_summary_fixture.h"

namespace tombstone::testing {
namespace {

using nlohmann::json;

TEST_CASE("info on an empty store", "[info]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult text = f.Run({"info"});
  INFO(text.err);
  REQUIRE(text.code == 0);
  CHECK(text.out.find("store:         " + f.store + "\n") == 0);
  CHECK(text.out.find("sealed mode:   off (keyed hashes only)\n") != std::string::npos);
  CHECK(text.out.find("tombstones:    0 (0 on legal hold, 0 retracted)\n") != std::string::npos);
  CHECK(text.out.find("pending:       0 (0 held, 0 with an unknown age-out)\n") !=
        std::string::npos);
  CHECK(text.out.find("catalog:       0 backups (0 unexpired); NOT current") != std::string::npos);
  CHECK(text.out.find("receipts:      0\n") != std::string::npos);
  CHECK(text.out.find("last replay") == std::string::npos);  // no target, no run

  const RunResult js = f.Run({"info", "--format", "json"});
  REQUIRE(js.code == 0);
  const json j = json::parse(js.out);
  CHECK(j["store"]["path"] == f.store);
  CHECK(j["store"]["key_fingerprint"].get<std::string>().size() > 8);
  CHECK(j["store"]["sealing_key_fingerprint"].is_null());
  CHECK(j["store"]["tombstones"] == 0);
  CHECK(j["pending"]["next_age_out"].is_null());
  CHECK(j["catalog"]["backups"] == 0);
  CHECK(j["catalog"]["newest_taken_at"].is_null());
  CHECK(j["catalog"]["current"] == false);
  CHECK(j["targets"].empty());
  CHECK(j["configuration"].is_null());
}

TEST_CASE("info on a busy store: counts, catalog, last replay and drill per target", "[info]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string config = MakeBusyStore(f, dir);
  const RunResult js = f.Run({"--config", config, "info", "--format", "json"});
  INFO(js.err);
  REQUIRE(js.code == 0);
  const json j = json::parse(js.out);
  CHECK(j["store"]["tombstones"] == 3);  // 4 added, 1 retracted
  CHECK(j["store"]["held"] == 1);
  CHECK(j["store"]["retracted"] == 1);
  CHECK(j["pending"]["tombstones"] == 3);
  CHECK(j["pending"]["held"] == 1);
  CHECK(j["pending"]["ages_out_unknown"] == 1);  // full-2 has no expiry forecast
  CHECK(j["pending"]["next_age_out"] == "2099-01-01T00:00:00Z");
  CHECK(j["catalog"]["backups"] == 2);
  CHECK(j["catalog"]["newest_taken_at"] == "2026-01-20T00:00:00Z");
  CHECK(j["catalog"]["newest_age_seconds"].get<std::int64_t>() > 0);
  CHECK(j["receipts"] == 8);
  CHECK(j["configuration"] == config);
  REQUIRE(j["targets"].size() == 4);  // main, idle (configured), then "we\"ird", then none
  const json& main = j["targets"][0];
  CHECK(main["name"] == "main");
  CHECK(main["configured"] == true);
  CHECK(main["databases"] == json::array({"app", "shop"}));
  CHECK(main["last_replay"]["receipt"] == 3);  // the later of 1 and 3; not the dry run 4
  CHECK(main["last_replay"]["exit_code"] == 3);
  CHECK(main["last_replay"]["ok"] == false);
  CHECK(main["last_replay"]["database"] == "shop");
  CHECK(main["last_replay"]["finished_at"] == "2026-02-02T00:00:00Z");
  CHECK(main["last_drill"]["receipt"] == 5);
  CHECK(main["last_drill"]["ok"] == true);
  const json& idle = j["targets"][1];
  CHECK(idle["name"] == "idle");
  CHECK(idle["last_replay"].is_null());
  CHECK(idle["last_drill"].is_null());
  CHECK(j["targets"][2]["name"] == "we\"ird\\name");
  CHECK(j["targets"][2]["configured"] == false);
  const json& none = j["targets"][3];
  CHECK(none["name"].is_null());
  CHECK(none["last_drill"]["receipt"] == 7);  // an older drill receipt: by its label
  CHECK(none["last_replay"].is_null());       // receipt 6 is a verify

  const RunResult text = f.Run({"--config", config, "info"});
  REQUIRE(text.code == 0);
  CHECK(text.out.find("tombstones:    3 (1 on legal hold, 1 retracted)\n") != std::string::npos);
  CHECK(text.out.find("catalog:       2 backups (2 unexpired); newest taken "
                      "2026-01-20T00:00:00Z (") != std::string::npos);
  CHECK(text.out.find("target main\n  databases:   app, shop\n  last replay: #3 "
                      "2026-02-02T00:00:00Z (") != std::string::npos);
  CHECK(text.out.find("database 'shop': failed, exit 3 (residue)\n  last drill:  #5 ") !=
        std::string::npos);
  CHECK(text.out.find("target idle\n  databases:   app\n  last replay: none\n  last drill:  "
                      "none\n") != std::string::npos);

  const RunResult one = f.Run({"--config", config, "info", "--target", "idle", "--format", "json"});
  REQUIRE(one.code == 0);
  CHECK(json::parse(one.out)["targets"].size() == 1);
  CHECK(f.Run({"--config", config, "info", "--target", "nope"}).code == 2);
  CHECK(f.Run({"info", "--format", "yaml"}).code == 2);
}

}  // namespace
}  // namespace tombstone::testing

// A damaged store stops every command that reads tombstones with exit 4, before anything else
// happens: no listing one tombstone short, no replay against a partial set, no receipt written.
// 'store check' finds the damage on a schedule.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

using tombstone::testing::StoreFixture;
using tombstone::testing::TempDir;

namespace fs = std::filesystem;

namespace {

// Three tombstones recorded by three writers (each closes: each batch is in a table file).
void AddThree(const StoreFixture& fx) {
  for (int i = 1; i <= 3; ++i) {
    const auto r = fx.Run({"add", "--request", "R-" + std::to_string(i), "--ids-from", "-"},
                          "email:user" + std::to_string(i) + "@example.com\n");
    REQUIRE(r.code == 0);
  }
}

// The newest table file: the one holding R-3.
fs::path NewestTable(const std::string& store) {
  fs::path newest;
  for (const auto& entry : fs::directory_iterator(store))
    if (entry.path().extension() == ".sst" && entry.path() > newest) newest = entry.path();
  REQUIRE_FALSE(newest.empty());
  return newest;
}

}  // namespace

TEST_CASE("store check reports an intact store with its count", "[cli][store]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  AddThree(fx);
  const auto r = fx.Run({"store", "check"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("store intact: 3 tombstones"));
  CHECK_THAT(r.out, Catch::Contains("every block checksum verified"));
}

TEST_CASE("every command that reads tombstones refuses a store with a missing table file",
          "[cli][store]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  AddThree(fx);
  fs::remove(NewestTable(fx.store));
  tombstone::testing::WriteFile(dir / "map.toml",
                                "[kinds]\nemail = \"email\"\n[[table]]\nname = \"users\"\n"
                                "match = [ { column = \"email\", kind = \"email\" } ]\n"
                                "action = \"delete\"\n");
  tombstone::testing::WriteFile(dir / "users.csv", "email\nuser3@example.com\n");
  const std::string receipt = dir / "receipt.json";
  // verify and replay load the tombstones before they connect: the DSN is never reached.
  const std::string dsn = "host=" + dir.path() + " port=1 dbname=none connect_timeout=1";
  const std::vector<std::vector<std::string>> commands = {
      {"list"},
      {"list", "--pending"},
      {"show", "R-1"},
      {"pending"},
      {"store", "check"},
      {"scan", "--column", "email=email", dir / "users.csv"},
      {"scrub", "--column", "email=email", dir / "users.csv", dir / "scrubbed.csv"},
      {"verify", "--dsn", dsn, "--map", dir / "map.toml", "--receipt", receipt},
      {"replay", "--dsn", dsn, "--map", dir / "map.toml", "--receipt", receipt},
      {"add", "--request", "R-4", "--id", "email:new@example.com"},
  };
  for (const auto& command : commands) {
    INFO("tombstone " << command[0] << (command.size() > 1 ? " " + command[1] : ""));
    const auto r = fx.Run(command);
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("unable to open store"));
  }
  CHECK_FALSE(fs::exists(receipt));
  CHECK_FALSE(fs::exists(dir / "scrubbed.csv"));
}

#include "src/match/tombstone_table.h"

#include <catch2/catch.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

using namespace tombstone::testing;
using tombstone::match::TombstoneTable;

namespace {

tombstones::Hash128 HashOf(const tombstones::Key& key, const std::string& kind,
                           const std::string& v) {
  return key.HashIdentifier(kind, v);
}

}  // namespace

TEST_CASE("the tombstone set finds every identifier hash and resolves shared ones", "[replay]") {
  TempDir dir;
  StoreFixture fixture(dir.path());
  REQUIRE(fixture
              .Run({"add", "--request", "old", "--id", "email:a@x.org", "--id", "user_id:1",
                    "--erased-at", "2024-01-01T00:00:00Z"})
              .code == 0);
  REQUIRE(fixture
              .Run({"add", "--request", "again", "--id", "email:A@x.org", "--erased-at",
                    "2025-01-01T00:00:00Z"})
              .code == 0);
  REQUIRE(fixture.Run({"add", "--request", "held", "--id", "user_id:2", "--hold", "case 9"}).code ==
          0);
  REQUIRE(fixture.Run({"add", "--request", "held-too", "--id", "user_id:2"}).code == 0);
  for (int i = 0; i < 200; ++i)  // enough to make the table grow
    REQUIRE(fixture
                .Run({"add", "--request", "n" + std::to_string(i), "--id",
                      "user_id:" + std::to_string(1000 + i)})
                .code == 0);
  auto key = tombstones::Key::Load(fixture.key);
  REQUIRE(key.ok());
  tombstones::Store::Options options;
  options.dir = fixture.store;
  options.key = &key.value();
  auto store = tombstones::Store::Open(options);
  REQUIRE(store.ok());
  auto set = TombstoneTable::Load(*store.value());
  REQUIRE(set.ok());
  const TombstoneTable& s = set.value();
  CHECK(s.tombstones() == 204);
  CHECK(s.held_count() == 1);

  SECTION("a shared hash stands for the latest erasure") {
    const auto t = s.Find(HashOf(key.value(), "email", "a@x.org"));
    REQUIRE(t != TombstoneTable::kNone);
    CHECK(s.request_id(t) == "again");
    CHECK(s.request_id(s.Find(HashOf(key.value(), "user_id", "1"))) == "old");
  }
  SECTION("a hold on any tombstone of a shared hash wins") {
    const auto t = s.Find(HashOf(key.value(), "user_id", "2"));
    REQUIRE(t != TombstoneTable::kNone);
    CHECK(s.held(t));
  }
  SECTION("every identifier is found, and others are not") {
    for (int i = 0; i < 200; ++i)
      CHECK(s.request_id(s.Find(HashOf(key.value(), "user_id", std::to_string(1000 + i)))) ==
            "n" + std::to_string(i));
    CHECK(s.Find(HashOf(key.value(), "user_id", "999")) == TombstoneTable::kNone);
    CHECK(s.Find(HashOf(key.value(), "email", "1")) == TombstoneTable::kNone);
  }
}

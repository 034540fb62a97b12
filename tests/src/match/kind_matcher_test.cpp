// The tombstones matched by replay and the exports alike: raw values normalized, keyed-hashed and
// looked up in one table, and the rule that picks the tombstone deciding a row.
#include "src/match/kind_matcher.h"

#include <catch2/catch.hpp>

#include "src/match/row_decision.h"
#include "tests/src/exports/export_fixture.h"

using namespace tombstone::match;
using tombstone::testing::ExportFixture;

namespace {

std::string RequestOf(TombstoneMatcher& m, const std::string& kind, std::string_view raw) {
  const std::uint32_t t = m.ForKind(kind)->Find(raw);
  return t == TombstoneTable::kNone ? "" : std::string(m.table().request_id(t));
}

}  // namespace

TEST_CASE("values are found by their normalized keyed hash, the latest erasure for a shared one") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com", "user_id:1"}, {"--erased-at", "2025-01-01T00:00:00Z"});
  f.Add("REQ-2", {"email:Alice@Example.com"}, {"--erased-at", "2025-06-01T00:00:00Z"});
  f.Add("REQ-3", {"phone:+49 (30) 1234"}, {"--hold", "litigation"});
  std::string bulk = "request,kind,value,erased_at\n";
  for (int i = 0; i < 2000; ++i)
    bulk += "BULK-" + std::to_string(i) + ",user_id," + std::to_string(1000 + i) +
            ",2026-01-01T00:00:00Z\n";
  REQUIRE(f.fx.Run({"import", "--format", "csv", "-"}, bulk).code == 0);
  auto m = f.Index({"email", "user_id", "phone", "never_used"});
  CHECK(m->table().tombstones() == 2003);
  CHECK(RequestOf(*m, "email", "  ALICE@example.COM ") == "REQ-2");
  CHECK(RequestOf(*m, "email", "bob@example.com").empty());
  CHECK(RequestOf(*m, "email", "").empty());
  CHECK(RequestOf(*m, "user_id", "1") == "REQ-1");
  CHECK(RequestOf(*m, "user_id", "2999") == "BULK-1999");
  CHECK(RequestOf(*m, "user_id", "3000").empty());
  CHECK(RequestOf(*m, "user_id", " 1").empty());                 // exact: no trimming
  CHECK(RequestOf(*m, "phone", "+4930-1234") == "REQ-3");  // digits
  CHECK(RequestOf(*m, "never_used", "x").empty());
  CHECK(m->ForKind("unloaded") == nullptr);
  CHECK(m->ForKind("phone")->normalizer() == tombstones::Normalizer::kDigits);
  const std::uint32_t t = m->ForKind("phone")->Find("4930 1234");
  REQUIRE(t != TombstoneTable::kNone);
  CHECK(m->table().held(t));
}

TEST_CASE("a kind is read with the store's normalizer, else the map's, and a conflict is refused") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com"});
  SECTION("a kind the store never saw takes the map's normalizer, not its name's default") {
    // issue 16: the exports took the default (exact for 'contact') where replay took the map's
    // (email), so the 'hash' strategy gave the same address two pseudonyms
    const std::map<std::string, tombstones::Normalizer> declared{
        {"contact", tombstones::Normalizer::kEmail}};
    f.Index({});
    auto m = TombstoneMatcher::Load(*f.store, *f.key, {"contact"}, &declared, "map.toml");
    REQUIRE(m.ok());
    CHECK(m.value()->ForKind("contact")->normalizer() == tombstones::Normalizer::kEmail);
  }
  SECTION("a map normalizing a stored kind otherwise is refused, as replay refuses it") {
    const std::map<std::string, tombstones::Normalizer> declared{
        {"email", tombstones::Normalizer::kExact}};
    f.Index({});
    auto m = TombstoneMatcher::Load(*f.store, *f.key, {"email"}, &declared, "map.toml");
    REQUIRE_FALSE(m.ok());
    CHECK(m.status().code() == tombstones::ExitCode::kUsage);
    CHECK(m.status().message() ==
          "unable to read map 'map.toml': kind 'email' is normalized as 'exact' by the map but as "
          "'email' by the store");
  }
  SECTION("without a map, a kind the store never saw takes its name's default") {
    auto m = f.Index({"phone"});
    CHECK(m->ForKind("phone")->normalizer() == tombstones::Normalizer::kDigits);
  }
}

TEST_CASE("the tombstone that decides a row: a hold wins, then the latest erasure") {
  auto at = [](Micros t) { return Guard{Guard::kTime, t}; };
  struct Hit {
    std::uint32_t t;
    bool held;
    Micros erased_at;
  };
  const Hit held{0, true, 100}, old{1, false, 100}, recent{2, false, 500};
  struct Case {
    const char* name;
    std::vector<Hit> hits;
    Guard guard;
    RowFate fate;
    std::uint32_t decisive;
  };
  const std::vector<Case> cases{
      {"a released and a held tombstone: held, as replay keeps it", {old, held}, {},
       RowFate::kHeld, 0},
      {"no guard: the latest erasure decides", {old, recent}, {}, RowFate::kApply, 2},
      {"the latest erasure decides whatever the order", {recent, old}, {}, RowFate::kApply, 2},
      {"created between two erasures: still erased", {old, recent}, at(300), RowFate::kApply, 2},
      {"created after every erasure: kept by the guard", {old, recent}, at(600),
       RowFate::kKeptByGuard, 2},
      {"created at the erasure: not kept", {recent}, at(500), RowFate::kApply, 2},
      {"a guard that cannot be read keeps the row", {old}, {Guard::kUnreadable, 0},
       RowFate::kGuardUnreadable, 1},
      {"a NULL guard does not keep the row", {old}, {Guard::kNull, 0}, RowFate::kApply, 1},
      {"a hold wins over a guard that cannot be read", {held}, {Guard::kUnreadable, 0},
       RowFate::kHeld, 0},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    RowMatch row;
    CHECK(row.empty());
    for (const Hit& h : c.hits) row.Add(h.t, h.held, h.erased_at);
    REQUIRE_FALSE(row.empty());
    CHECK(row.Decide(c.guard) == c.fate);
    CHECK(row.decisive() == c.decisive);
  }
}

// The pure part of the index path: which identifiers in the clear may be trusted, which forms can
// equal a column's values, and the cost model that chooses between lookups and the scan.
#include "src/replay/read_path.h"

#include <catch2/catch.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

using namespace tombstone::testing;
using tombstone::replay::CheckClearIdentifiers;
using tombstone::replay::ClearIdentifier;
using tombstone::replay::EstimateReadCost;
using tombstone::replay::HasForm;
using tombstone::replay::PlanMode;
using tombstone::replay::ValueForm;

TEST_CASE("an identifier is looked up in a column only in the form the scan gives its values",
          "[replay][index-path]") {
  struct Case {
    ValueForm form;
    std::string id;
    bool looked_up;
  };
  const std::vector<Case> cases = {
      {ValueForm::kInt8, "42", true},
      {ValueForm::kInt8, "-42", true},
      {ValueForm::kInt8, "0", true},
      {ValueForm::kInt8, "9223372036854775807", true},
      {ValueForm::kInt8, "-9223372036854775808", true},
      {ValueForm::kInt8, "9223372036854775808", false},  // out of range
      {ValueForm::kInt8, "007", false},                  // never printed so
      {ValueForm::kInt8, "-0", false},
      {ValueForm::kInt8, "+5", false},
      {ValueForm::kInt8, " 5", false},
      {ValueForm::kInt8, "5a", false},
      {ValueForm::kInt8, "", false},
      {ValueForm::kInt8, "-", false},
      {ValueForm::kInt4, "2147483647", true},
      {ValueForm::kInt4, "2147483648", false},
      {ValueForm::kInt4, "-2147483648", true},
      {ValueForm::kInt2, "32767", true},
      {ValueForm::kInt2, "32768", false},
      {ValueForm::kInt2, "-32768", true},
      {ValueForm::kUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", true},
      {ValueForm::kUuid, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", false},  // printed lowercase
      {ValueForm::kUuid, "a0eebc999c0b4ef8bb6d6bb9bd380a11", false},
      {ValueForm::kUuid, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", false},
      {ValueForm::kText, "Alice", true},
      {ValueForm::kText, " padded ", true},
      {ValueForm::kText, std::string("a\0b", 3), false},  // no text value holds a NUL
  };
  for (const Case& c : cases) {
    INFO(c.id);
    CHECK(HasForm(c.form, c.id) == c.looked_up);
  }
}

TEST_CASE("the cost model picks lookups for few subjects on a large table, the scan otherwise",
          "[replay][index-path]") {
  SECTION("1,000 subjects on a 1M-row table: lookups") {
    CHECK(EstimateReadCost(8000, 1e6, 1000).index_cheaper());
  }
  SECTION("1,000 subjects: the lookup cost does not grow with the table") {
    CHECK(EstimateReadCost(8000, 1e6, 1000).index == EstimateReadCost(160000, 2e7, 1000).index);
    CHECK(EstimateReadCost(160000, 2e7, 1000).index_cheaper());
  }
  SECTION("as many subjects as rows: the scan") {
    CHECK_FALSE(EstimateReadCost(8000, 1e6, 1000000).index_cheaper());
  }
  SECTION("100,000 subjects on a 1M-row table: the scan") {
    CHECK_FALSE(EstimateReadCost(8000, 1e6, 100000).index_cheaper());
  }
  SECTION("an empty table: the scan (a lookup costs a query of its own)") {
    CHECK_FALSE(EstimateReadCost(0, 0, 1).index_cheaper());
  }
  SECTION("a table never analyzed is estimated from its pages") {
    CHECK(EstimateReadCost(100000, -1, 1000).index_cheaper());
    CHECK(EstimateReadCost(100000, -1, 0).scan == EstimateReadCost(100000, 1e7, 0).scan);
  }
  SECTION("more lookups never cost less, more rows never cost less to scan") {
    for (std::uint64_t n = 1; n < 1000000; n *= 10) {
      CHECK(EstimateReadCost(1000, 1e5, n).index < EstimateReadCost(1000, 1e5, n * 10).index);
      CHECK(EstimateReadCost(1000, n, 1).scan <= EstimateReadCost(1000, n * 10, 1).scan);
    }
  }
}

TEST_CASE("--plan takes auto, scan or index", "[replay][index-path]") {
  CHECK(tombstone::replay::ParsePlanMode("auto") == PlanMode::kAuto);
  CHECK(tombstone::replay::ParsePlanMode("scan") == PlanMode::kScan);
  CHECK(tombstone::replay::ParsePlanMode("index") == PlanMode::kIndex);
  CHECK_FALSE(tombstone::replay::ParsePlanMode("Index"));
  CHECK_FALSE(tombstone::replay::ParsePlanMode(""));
}

TEST_CASE("identifiers in the clear make a kind looked up only when they cover all its hashes",
          "[replay][index-path]") {
  TempDir dir;
  StoreFixture fixture(dir.path());
  REQUIRE(fixture.Run({"add", "--request", "r1", "--ids-from", "-"},
                      "user_id:1\nemail:A@x.org\n").code == 0);
  REQUIRE(fixture.Run({"add", "--request", "r2", "--ids-from", "-"}, "user_id:2\n").code == 0);
  REQUIRE(fixture.Run({"add", "--request", "r3", "--ids-from", "-"}, "user_id:2\n").code == 0);
  auto key = tombstones::Key::Load(fixture.key);
  REQUIRE(key.ok());
  tombstones::Store::Options options;
  options.dir = fixture.store;
  options.key = &key.value();
  auto store = tombstones::Store::Open(options);
  REQUIRE(store.ok());
  auto set = tombstone::match::TombstoneTable::Load(*store.value());
  REQUIRE(set.ok());
  const auto& table = set.value();
  CHECK(table.kind_hashes("user_id") == 2);  // user_id:2 twice is one hash
  CHECK(table.kind_hashes("email") == 1);
  CHECK(table.kind_hashes("phone") == 0);
  const auto id = [&](const std::string& kind, const std::string& value) {
    return ClearIdentifier{kind, value, key->HashIdentifier(kind, value)};
  };
  std::vector<ClearIdentifier> list = {id("user_id", "1"), id("user_id", "2"),
                                       id("email", "a@x.org")};

  SECTION("a complete list") {
    const auto checked = CheckClearIdentifiers(list, table, key.value());
    REQUIRE(checked.at("user_id").complete);
    CHECK(checked.at("user_id").normalized == std::vector<std::string>{"1", "2"});
    CHECK(checked.at("email").complete);
  }
  SECTION("duplicates and identifiers of no tombstone are harmless") {
    list.push_back(id("user_id", "2"));
    list.push_back(id("user_id", "99"));
    list.push_back(id("phone", "123"));
    const auto checked = CheckClearIdentifiers(list, table, key.value());
    REQUIRE(checked.at("user_id").complete);
    CHECK(checked.at("user_id").normalized == std::vector<std::string>{"1", "2"});
    CHECK(checked.count("phone") == 0);
  }
  SECTION("one hash of a kind missing: that kind is scanned, the other is not") {
    list.erase(list.begin() + 1);
    const auto checked = CheckClearIdentifiers(list, table, key.value());
    CHECK_FALSE(checked.at("user_id").complete);
    CHECK(checked.at("user_id").why ==
          "the identifiers in the clear cover 1 of the 2 hashes of kind 'user_id'");
    CHECK(checked.at("user_id").normalized.empty());
    CHECK(checked.at("email").complete);
  }
  SECTION("an entry whose hash is not its identifier's: the kind is not trusted") {
    list.push_back({"user_id", "3", key->HashIdentifier("user_id", "1")});
    const auto checked = CheckClearIdentifiers(list, table, key.value());
    CHECK_FALSE(checked.at("user_id").complete);
    CHECK(checked.at("user_id").why ==
          "1 identifiers in the clear of kind 'user_id' do not match their hash or normal form");
  }
  SECTION("an entry not in its normal form: the kind is not trusted") {
    // Hashed as given, but the store never hashes an email that is not lowercased.
    list.push_back(id("email", "A@x.org"));
    const auto checked = CheckClearIdentifiers(list, table, key.value());
    CHECK_FALSE(checked.at("email").complete);
    CHECK(checked.at("user_id").complete);
  }
  SECTION("no list entry of a kind: scanned") {
    list.pop_back();
    const auto checked = CheckClearIdentifiers(list, table, key.value());
    CHECK_FALSE(checked.at("email").complete);
  }
}

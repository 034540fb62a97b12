// The tombstones indexed for exports: normalized, keyed-hashed lookups per kind.
#include "src/exports/tombstone_index.h"

#include <catch2/catch.hpp>

#include "src/exports/export_report.h"
#include "tests/src/exports/export_fixture.h"

using namespace tombstone::exports;
using tombstone::testing::ExportFixture;

namespace {

std::vector<std::string> Requests(TombstoneIndex& index, const std::string& kind,
                                  std::string_view raw) {
  std::vector<std::uint32_t> hits;
  index.ForKind(kind)->Find(raw, &hits);
  std::vector<std::string> out;
  for (std::uint32_t h : hits) out.push_back(index.refs()[h].request_id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("values are found by their normalized keyed hash, every tombstone that holds them") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com", "user_id:1"});
  f.Add("REQ-2", {"email:Alice@Example.com"});  // the same subject erased twice
  f.Add("REQ-3", {"phone:+49 (30) 1234"}, {"--hold", "litigation"});
  std::string bulk = "request,kind,value,erased_at\n";
  for (int i = 0; i < 2000; ++i)
    bulk += "BULK-" + std::to_string(i) + ",user_id," + std::to_string(1000 + i) +
            ",2026-01-01T00:00:00Z\n";
  REQUIRE(f.fx.Run({"import", "--format", "csv", "-"}, bulk).code == 0);
  auto index = f.Index({"email", "user_id", "phone", "never_used"});
  CHECK(index->size() == 2003);
  CHECK(Requests(*index, "email", "  ALICE@example.COM ") ==
        std::vector<std::string>{"REQ-1", "REQ-2"});
  CHECK(Requests(*index, "email", "bob@example.com").empty());
  CHECK(Requests(*index, "email", "").empty());
  CHECK(Requests(*index, "user_id", "1") == std::vector<std::string>{"REQ-1"});
  CHECK(Requests(*index, "user_id", "2999") == std::vector<std::string>{"BULK-1999"});
  CHECK(Requests(*index, "user_id", "3000").empty());
  CHECK(Requests(*index, "user_id", " 1").empty());  // exact: no trimming
  CHECK(Requests(*index, "phone", "+4930-1234") == std::vector<std::string>{"REQ-3"});  // digits
  CHECK(Requests(*index, "never_used", "x").empty());
  CHECK(index->ForKind("unloaded") == nullptr);
  std::vector<std::uint32_t> hits;
  index->ForKind("phone")->Find("4930 1234", &hits);
  REQUIRE(hits.size() == 1);
  CHECK(index->refs()[hits[0]].held);
}

TEST_CASE("the tombstone that decides: a hold wins, then the latest erasure against the guard") {
  std::vector<TombstoneRef> refs{{"HELD", 100, true}, {"OLD", 100, false}, {"NEW", 500, false}};
  auto at = [](tombstone::match::Micros t) {
    return tombstone::match::Guard{tombstone::match::Guard::kTime, t};
  };
  using tombstone::match::RowFate;
  SECTION("a released and a held tombstone: held, as replay keeps it (issue 16)") {
    const Verdict v = Decide({1, 0}, refs, {});
    CHECK(v.fate == RowFate::kHeld);
    CHECK(refs[v.ref].request_id == "HELD");
  }
  SECTION("no guard: the latest erasure is named") {
    const Verdict v = Decide({1, 2}, refs, {});
    CHECK(v.fate == RowFate::kApply);
    CHECK(refs[v.ref].request_id == "NEW");
  }
  SECTION("a row created after one erasure but before another is still erased") {
    const Verdict v = Decide({1, 2}, refs, at(300));
    CHECK(v.fate == RowFate::kApply);
    CHECK(refs[v.ref].request_id == "NEW");
  }
  SECTION("created after every erasure: kept by the guard") {
    CHECK(Decide({1, 2}, refs, at(600)).fate == RowFate::kKeptByGuard);
  }
  SECTION("a guard that cannot be read keeps the row") {
    CHECK(Decide({1}, refs, {tombstone::match::Guard::kUnreadable, 0}).fate ==
          RowFate::kGuardUnreadable);
  }
}

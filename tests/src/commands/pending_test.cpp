// tombstone pending and list --pending, through the CLI, with receipts appended by the Store API.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {
namespace {

void AppendReceipt(const StoreFixture& f, const std::string& body) {
  auto key = tombstones::Key::Load(f.key);
  REQUIRE(key.ok());
  tombstones::Store::Options o;
  o.dir = f.store;
  o.mode = tombstones::Store::Mode::kWrite;
  o.key = &key.value();
  auto store = tombstones::Store::Open(o);
  REQUIRE(store.ok());
  REQUIRE(store.value()->AppendReceipt(body).ok());
}

// A replay receipt as replay writes it: committed, and the kinds its map could match.
std::string CleanReplay(const std::string& finished_at,
                        const std::vector<std::string>& kinds = {"email"}) {
  return nlohmann::json{{"receipt_version", 1}, {"command", "replay"}, {"dry_run", false},
                        {"exit_code", 0}, {"verification", "clean"}, {"committed", true},
                        {"kinds_matched", kinds},
                        {"started_at", finished_at}, {"finished_at", finished_at}}
      .dump();
}

// A receipt of a version that did not say which kinds its map could match, nor whether it
// committed.
std::string OldCleanReplay(const std::string& finished_at) {
  nlohmann::json body = nlohmann::json::parse(CleanReplay(finished_at));
  body.erase("committed");
  body.erase("kinds_matched");
  return body.dump();
}

// Three tombstones (one held), two backups: one with a forecast, one without.
void Populate(const StoreFixture& f) {
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--ids-from", "-", "--erased-at", "2026-02-01"},
                "email:one@example.com\n").code == 0);
  REQUIRE(f.Run({"add", "--request", "REQ-2", "--ids-from", "-", "--erased-at", "2026-03-01"},
                "email:two@example.com\n").code == 0);
  REQUIRE(f.Run({"add", "--request", "REQ-3", "--ids-from", "-", "--erased-at", "2026-01-01",
                 "--hold", "litigation 42"}, "email:three@example.com\n").code == 0);
  REQUIRE(f.Run({"backups", "add", "--id", "jan", "--taken-at", "2026-01-15",
                 "--expires-at", "2026-06-01"}).code == 0);
  REQUIRE(f.Run({"backups", "add", "--id", "feb", "--taken-at", "2026-02-15"}).code == 0);
}

TEST_CASE("pending lists held subjects, their backups and age-out dates", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  Populate(f);
  // Finished after AT (2026-04-01): it did not exist then, so it re-applied nothing yet.
  AppendReceipt(f, CleanReplay("2099-01-01T00:00:00Z"));

  SECTION("json") {
    const RunResult r = f.Run({"pending", "--at", "2026-04-01", "--format", "json"});
    REQUIRE(r.code == 0);
    const auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc["pending"].size() == 3);
    const auto& one = doc["pending"][0];
    CHECK(one["request"] == "REQ-1");
    CHECK(one["backups"] == 1);
    CHECK(one["newest_backup"] == "jan");
    REQUIRE(doc["backups"].size() == 2);
    CHECK(doc["backups"][0]["id"] == "jan");
    CHECK(doc["backups"][1]["expires_at"].is_null());
    CHECK(one["ages_out"] == "2026-06-01T00:00:00Z");
    CHECK(one["reapplied"].is_null());
    const auto& two = doc["pending"][1];
    CHECK(two["backups"] == 2);
    CHECK(two["newest_backup"] == "feb");
    CHECK(two["ages_out"] == "unknown");
    const auto& three = doc["pending"][2];
    CHECK(three["hold"] == "litigation 42");
    CHECK(three["ages_out"].is_null());
    CHECK(three["reapplied"].is_null());  // a replay skips held tombstones
    CHECK(doc["summary"]["pending"] == 3);
    CHECK(doc["summary"]["held"] == 1);
    CHECK(doc["summary"]["next_age_out"] == "2026-06-01T00:00:00Z");
  }
  SECTION("table with the summary line") {
    const RunResult r = f.Run({"pending", "--at", "2026-04-01"});
    REQUIRE(r.code == 0);
    const std::size_t row = r.out.find("\nREQ-2 ");
    REQUIRE(row != std::string::npos);
    const std::string line = r.out.substr(row + 1, r.out.find('\n', row + 1) - row - 1);
    CHECK(line.find("jan, feb") != std::string::npos);
    CHECK(line.find("unknown") != std::string::npos);
    CHECK(line.find("none") != std::string::npos);
    CHECK(r.out.find("3 pending (1 held, 1 with an unknown age-out date) of 3 tombstones; next "
                     "age-out 2026-06-01T00:00:00Z\n") != std::string::npos);
    CHECK(r.out.find("one@example.com") == std::string::npos);
  }
  SECTION("csv") {
    const RunResult r = f.Run({"pending", "--at", "2026-04-01", "--format", "csv"});
    REQUIRE(r.code == 0);
    CHECK(r.out.rfind("request,erased_at,backups,newest_backup,ages_out,hold,reapplied_seq,"
                      "reapplied_at,kinds_not_covered,not_covered_seq\n", 0) == 0);
    CHECK(r.out.find("REQ-2,2026-03-01T00:00:00Z,2,feb,unknown,,,,,\n") != std::string::npos);
  }
  SECTION("html report with the timeline") {
    const RunResult r = f.Run({"pending", "--at", "2026-04-01", "--format", "html"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("<svg") != std::string::npos);
    CHECK(r.out.find("2026-06: 1") != std::string::npos);
    CHECK(r.out.find("litigation 42") != std::string::npos);
  }
  SECTION("after the forecast backup expired, only the unknown one and the hold remain") {
    const RunResult r = f.Run({"pending", "--at", "2026-07-01", "--format", "json"});
    const auto doc = nlohmann::json::parse(r.out);
    REQUIRE(doc["pending"].size() == 2);
    CHECK(doc["pending"][0]["request"] == "REQ-2");
    CHECK(doc["pending"][0]["backups"] == 1);
    CHECK(doc["pending"][0]["newest_backup"] == "feb");
  }
  SECTION("--fail-if-pending exits 3 for scheduled checks") {
    const RunResult r = f.Run({"pending", "--at", "2026-04-01", "--fail-if-pending"});
    CHECK(r.code == 3);
    CHECK(r.err == "tombstone: 3 tombstones are pending (--fail-if-pending)\n");
  }
  SECTION("list --pending shares the computation") {
    const RunResult r = f.Run({"list", "--pending", "--format", "csv"});
    REQUIRE(r.code == 0);
    // Evaluated now (after 2026-06-01): 'jan' has expired, 'feb' has no forecast.
    CHECK(r.out.find("REQ-1") == std::string::npos);
    CHECK(r.out.find("REQ-2") != std::string::npos);
    CHECK(r.out.find("REQ-3") != std::string::npos);
  }
  SECTION("a bad --at or --format is a usage error") {
    CHECK(f.Run({"pending", "--at", "tomorrow"}).code == 2);
    const RunResult r = f.Run({"pending", "--format", "xml"});
    CHECK(r.code == 2);
    CHECK(r.err == "tombstone: unable to use --format 'xml': expected table, json, csv or html\n");
  }
}

TEST_CASE("pending names the last clean replay that re-applied each tombstone", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  Populate(f);
  AppendReceipt(f, CleanReplay(tombstones::FormatTime(tombstones::Now())));
  nlohmann::json dry = nlohmann::json::parse(CleanReplay(tombstones::FormatTime(tombstones::Now())));
  dry["dry_run"] = true;
  AppendReceipt(f, dry.dump());  // a dry run re-applies nothing
  nlohmann::json rolled_back =
      nlohmann::json::parse(CleanReplay(tombstones::FormatTime(tombstones::Now())));
  rolled_back["committed"] = false;
  AppendReceipt(f, rolled_back.dump());  // a run that did not commit re-applies nothing
  const RunResult r = f.Run({"pending", "--format", "json"});  // now: 'jan' has expired
  REQUIRE(r.code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["pending"].size() == 2);
  CHECK(doc["pending"][0]["request"] == "REQ-2");
  CHECK(doc["pending"][0]["reapplied"]["seq"] == 1);
  CHECK(doc["pending"][1]["request"] == "REQ-3");
  CHECK(doc["pending"][1]["reapplied"].is_null());  // held: replay skipped it
  CHECK(doc["receipts"]["crediting"] == 1);
}

// Issue 18: with an email-only map, a phone-only tombstone can never match; it was shown as
// "reapplied" all the same.
TEST_CASE("pending never credits a replay whose map could match none of a tombstone's kinds",
          "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "PHONE-1", "--ids-from", "-", "--erased-at", "2026-02-01"},
                "phone:+44 20 7946 0958\n").code == 0);
  REQUIRE(f.Run({"add", "--request", "BOTH-1", "--ids-from", "-", "--erased-at", "2026-02-01"},
                "phone:+44 20 7946 0959\nemail:both@example.com\n").code == 0);
  REQUIRE(f.Run({"backups", "add", "--id", "jan", "--taken-at", "2026-01-15"}).code == 0);
  AppendReceipt(f, CleanReplay(tombstones::FormatTime(tombstones::Now()), {"email"}));

  const RunResult r = f.Run({"pending", "--format", "json"});
  REQUIRE(r.code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["pending"].size() == 2);
  CHECK(doc["pending"][0]["request"] == "BOTH-1");
  CHECK(doc["pending"][0]["reapplied"]["seq"] == 1);
  CHECK(doc["pending"][0]["reapplied"]["kinds_not_covered"] == nlohmann::json{"phone"});
  CHECK(doc["pending"][1]["request"] == "PHONE-1");
  CHECK(doc["pending"][1]["reapplied"].is_null());
  CHECK(doc["pending"][1]["not_covered_by"] == 1);
  CHECK(doc["summary"]["not_covered"] == 1);

  const RunResult table = f.Run({"pending"});
  CHECK_THAT(table.out, Catch::Contains("except phone"));
  CHECK_THAT(table.out, Catch::Contains("not covered (#1)"));
  CHECK_THAT(table.out,
             Catch::Contains("; 1 not covered: the last replay's map could match none of "
                             "their kinds"));
}

TEST_CASE("pending credits nothing to receipts that do not say which kinds their map matched",
          "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  Populate(f);
  AppendReceipt(f, OldCleanReplay(tombstones::FormatTime(tombstones::Now())));
  const RunResult r = f.Run({"pending", "--format", "json"});
  REQUIRE(r.code == 0);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["pending"].size() == 2);
  CHECK(doc["pending"][0]["reapplied"].is_null());
  CHECK(doc["pending"][0]["not_covered_by"].is_null());
  CHECK(doc["receipts"]["crediting"] == 0);
  CHECK(doc["receipts"]["without_kinds"] == 1);
  const RunResult table = f.Run({"pending"});
  CHECK_THAT(table.out, Catch::Contains("1 replay receipt does not say which kinds its map could "
                                        "match: credited with nothing"));
}

}  // namespace
}  // namespace tombstone::testing

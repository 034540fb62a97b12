// Undoing mistakes honestly (issue 18): 'retract' removes a tombstone recorded by mistake and
// 'backups remove' a mistaken catalog entry; each keeps a record, and 'pending' changes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {
namespace {

nlohmann::json PendingJson(const StoreFixture& f) {
  const RunResult r = f.Run({"pending", "--format", "json"});
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out);
}

TEST_CASE("retract removes a mistaken tombstone and keeps a record of it", "[records]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--id", "user_id:1", "--erased-at",
                 "2026-02-01"}).code == 0);
  REQUIRE(f.Run({"add", "--request", "WRONG-2", "--id", "user_id:2", "--erased-at",
                 "2026-02-01"}).code == 0);
  REQUIRE(f.Run({"backups", "add", "--id", "jan", "--taken-at", "2026-01-15"}).code == 0);
  REQUIRE(PendingJson(f)["pending"].size() == 2);

  const RunResult r = f.Run({"retract", "WRONG-2", "--reason", "wrong customer (ticket 88)"});
  REQUIRE(r.code == 0);
  CHECK(r.out == "tombstone 'WRONG-2' is retracted: replay no longer applies it; the record of "
                 "the retraction is kept\n");

  SECTION("pending, list and the digest no longer count it") {
    const auto doc = PendingJson(f);
    REQUIRE(doc["pending"].size() == 1);
    CHECK(doc["pending"][0]["request"] == "REQ-1");
    CHECK(doc["store"]["tombstones"] == 1);
    const RunResult listed = f.Run({"list"});
    CHECK(listed.code == 0);
    CHECK_THAT(listed.out, Catch::EndsWith("1 tombstone\n"));
  }
  SECTION("the count every whole pass checks was decremented in the same write") {
    const RunResult check = f.Run({"store", "check"});
    CHECK(check.code == 0);
    CHECK_THAT(check.out, Catch::StartsWith("store intact: 1 tombstone in "));
    // A writer opening it again finds the count right too, and can add.
    CHECK(f.Run({"add", "--request", "REQ-3", "--id", "user_id:3"}).code == 0);
    CHECK(f.Run({"store", "check"}).out.rfind("store intact: 2 tombstones in ", 0) == 0);
  }
  SECTION("list --retracted shows the record, without any identifier hash") {
    const RunResult json = f.Run({"list", "--retracted", "--format", "json"});
    REQUIRE(json.code == 0);
    const auto records = nlohmann::json::parse(json.out);
    REQUIRE(records.size() == 1);
    CHECK(records[0]["request"] == "WRONG-2");
    CHECK(records[0]["event"] == "retract");
    CHECK(records[0]["user"] == tombstones::OsUser());
    CHECK(records[0]["reason"] == "wrong customer (ticket 88)");
    CHECK(records[0]["erased_at"] == "2026-02-01T00:00:00Z");
    CHECK_FALSE(records[0].contains("identifiers"));
    const RunResult table = f.Run({"list", "--retracted"});
    CHECK_THAT(table.out, Catch::Contains("WRONG-2") && Catch::EndsWith("1 retraction\n"));
    CHECK(f.Run({"list", "--retracted", "--held"}).code == 2);
  }
  SECTION("show says when, by whom and why; a second retract is refused") {
    const RunResult shown = f.Run({"show", "WRONG-2"});
    CHECK(shown.code == 1);
    CHECK_THAT(shown.err, Catch::StartsWith("tombstone: unable to show tombstone 'WRONG-2': it "
                                            "was retracted at ") &&
                              Catch::Contains(" by " + tombstones::OsUser() +
                                              " (wrong customer (ticket 88))"));
    const RunResult again = f.Run({"retract", "WRONG-2", "--reason", "again"});
    CHECK(again.code == 1);
    CHECK_THAT(again.err, Catch::Contains("it was already retracted at "));
  }
  SECTION("the request id can be recorded again, and its history keeps the retraction") {
    REQUIRE(f.Run({"add", "--request", "WRONG-2", "--id", "user_id:22", "--hold", "x"}).code == 0);
    const auto shown = nlohmann::json::parse(f.Run({"show", "WRONG-2", "--format", "json"}).out);
    REQUIRE(shown["history"].size() == 2);
    CHECK(shown["history"][0]["event"] == "retract");
    CHECK(shown["history"][1]["event"] == "hold");
  }
}

TEST_CASE("retract refuses a tombstone on hold, an unknown one, and no reason", "[records]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--id", "user_id:1", "--hold", "litigation"}).code ==
          0);
  const RunResult held = f.Run({"retract", "REQ-1", "--reason", "mistake"});
  CHECK(held.code == 2);
  CHECK(held.err == "tombstone: unable to retract tombstone 'REQ-1': it is on legal hold\n"
                    "HINT: a hold is evidence: release it first ('tombstone release REQ-1 "
                    "--reason TEXT'); both stay in its history\n");
  CHECK(f.Run({"retract", "NOPE", "--reason", "mistake"}).code == 1);
  CHECK(f.Run({"retract", "REQ-1"}).code == 2);
  CHECK(f.Run({"list", "--retracted", "--format", "csv"}).out ==
        "request,retracted_at,user,reason,erased_at,recorded_at\n");
}

TEST_CASE("backups remove takes a mistaken entry out of the catalog and keeps it", "[records]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--id", "user_id:1", "--erased-at",
                 "2026-02-01"}).code == 0);
  REQUIRE(f.Run({"backups", "add", "--id", "jan", "--taken-at", "2026-01-15", "--expires-at",
                 "2099-01-01"}).code == 0);
  // Mistyped: no expiry, so every earlier tombstone ages out 'unknown'.
  REQUIRE(f.Run({"backups", "add", "--id", "jann", "--taken-at", "2026-01-15"}).code == 0);
  auto doc = PendingJson(f);
  REQUIRE(doc["pending"].size() == 1);
  CHECK(doc["pending"][0]["ages_out"] == "unknown");

  const RunResult r = f.Run({"backups", "remove", "jann", "--reason", "typo of jan"});
  REQUIRE(r.code == 0);
  CHECK(r.out == "removed backup 'jann' from the catalog; the record of the removal is kept\n");
  doc = PendingJson(f);
  REQUIRE(doc["pending"].size() == 1);
  CHECK(doc["pending"][0]["ages_out"] == "2099-01-01T00:00:00Z");
  CHECK(doc["catalog"]["removed"] == 1);
  CHECK(doc["catalog"]["backups"] == 1);

  const auto listed = nlohmann::json::parse(f.Run({"backups", "list", "--format", "json"}).out);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["id"] == "jan");
  const RunResult removed = f.Run({"backups", "list", "--removed", "--format", "json"});
  REQUIRE(removed.code == 0);
  const auto records = nlohmann::json::parse(removed.out);
  REQUIRE(records.size() == 1);
  CHECK(records[0]["id"] == "jann");
  CHECK(records[0]["source"] == "manual");
  CHECK(records[0]["taken_at"] == "2026-01-15T00:00:00Z");
  CHECK(records[0]["expires_at"].is_null());
  CHECK(records[0]["user"] == tombstones::OsUser());
  CHECK(records[0]["reason"] == "typo of jan");
  CHECK_THAT(f.Run({"pending"}).out, Catch::Contains("; 1 removed by hand"));

  CHECK(f.Run({"backups", "remove", "jann", "--reason", "again"}).code == 1);
  CHECK(f.Run({"backups", "remove", "jan"}).code == 2);
  SECTION("removing the last backup leaves nothing pending, and an empty catalog") {
    REQUIRE(f.Run({"backups", "remove", "jan", "--reason", "test entry"}).code == 0);
    doc = PendingJson(f);
    CHECK(doc["pending"].empty());
    CHECK(doc["catalog"]["removed"] == 2);
    CHECK(f.Run({"pending", "--fail-if-pending"}).code == 3);  // an empty catalog
  }
}

}  // namespace
}  // namespace tombstone::testing

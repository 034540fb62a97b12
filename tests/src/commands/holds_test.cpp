// Legal holds are an append-only history (issue 18): hold, change of reason, release, each with
// the time, the operating-system user and the reason; 'show' prints it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <rocksdb/db.h>

#include <sstream>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {
namespace {

nlohmann::json History(const StoreFixture& f, const std::string& request) {
  const RunResult r = f.Run({"show", request, "--format", "json"});
  REQUIRE(r.code == 0);
  return nlohmann::json::parse(r.out)["history"];
}

TEST_CASE("hold, a change of reason and release are kept in order, with user and reason",
          "[holds]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--id", "user_id:1"}).code == 0);
  const std::string user = tombstones::OsUser();

  const RunResult held = f.Run({"hold", "REQ-1", "--reason", "litigation 17"});
  REQUIRE(held.code == 0);
  CHECK(held.out == "tombstone 'REQ-1' is on legal hold\n");
  auto shown = nlohmann::json::parse(f.Run({"show", "REQ-1", "--format", "json"}).out);
  const std::string since = shown["hold"]["since"];

  const RunResult changed = f.Run({"hold", "REQ-1", "--reason", "litigation 17, amended"});
  REQUIRE(changed.code == 0);
  CHECK(changed.out == "tombstone 'REQ-1' stays on legal hold with the new reason\n");
  shown = nlohmann::json::parse(f.Run({"show", "REQ-1", "--format", "json"}).out);
  CHECK(shown["hold"]["reason"] == "litigation 17, amended");
  CHECK(shown["hold"]["since"] == since);  // a new reason does not restart the hold

  const RunResult same = f.Run({"hold", "REQ-1", "--reason", "litigation 17, amended"});
  CHECK(same.code == 0);
  CHECK(same.out ==
        "tombstone 'REQ-1' is already on legal hold for that reason; nothing changed\n");

  REQUIRE(f.Run({"release", "REQ-1", "--reason", "case closed"}).code == 0);
  const auto history = History(f, "REQ-1");
  REQUIRE(history.size() == 3);
  CHECK(history[0]["event"] == "hold");
  CHECK(history[0]["reason"] == "litigation 17");
  CHECK(history[0]["at"] == since);
  CHECK(history[1]["event"] == "re-hold");
  CHECK(history[1]["reason"] == "litigation 17, amended");
  CHECK(history[2]["event"] == "release");
  CHECK(history[2]["reason"] == "case closed");
  for (const auto& e : history) CHECK(e["user"] == user);
  CHECK(history[0]["at"] <= history[1]["at"]);
  CHECK(history[1]["at"] <= history[2]["at"]);

  SECTION("show prints the history as a table") {
    const RunResult r = f.Run({"show", "REQ-1"});
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("event    user") && Catch::Contains("re-hold  " + user) &&
                          Catch::Contains("release  " + user));
  }
  SECTION("a second hold after the release is a new hold") {
    REQUIRE(f.Run({"hold", "REQ-1", "--reason", "new case"}).code == 0);
    const auto again = History(f, "REQ-1");
    REQUIRE(again.size() == 4);
    CHECK(again[3]["event"] == "hold");
  }
}

// Issue 18: 'release' of a tombstone never held printed "is no longer on hold" and exited 0.
TEST_CASE("release of a tombstone that is not on hold is a usage error", "[holds]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--id", "user_id:1"}).code == 0);
  const RunResult never = f.Run({"release", "REQ-1"});
  CHECK(never.code == 2);
  CHECK(never.out.empty());
  CHECK(never.err == "tombstone: unable to release tombstone 'REQ-1': it is not on legal hold\n"
                     "HINT: 'tombstone show REQ-1' prints its hold history\n");
  CHECK(History(f, "REQ-1").empty());
  SECTION("released twice: the second is refused too") {
    REQUIRE(f.Run({"hold", "REQ-1", "--reason", "x"}).code == 0);
    REQUIRE(f.Run({"release", "REQ-1"}).code == 0);
    CHECK(f.Run({"release", "REQ-1"}).code == 2);
    CHECK(History(f, "REQ-1").size() == 2);
  }
  SECTION("an unknown request id stays exit 1") {
    CHECK(f.Run({"release", "NOPE"}).code == 1);
    CHECK(f.Run({"hold", "NOPE", "--reason", "x"}).code == 1);
  }
}

TEST_CASE("a hold given with add or import starts the history", "[holds]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--id", "user_id:1", "--hold", "audit"}).code == 0);
  REQUIRE(f.Run({"import", "-", "--format", "csv"},
                "request,kind,value,erased_at,hold\nREQ-2,user_id,2,2026-01-01,tax audit\n")
              .code == 0);
  for (const char* request : {"REQ-1", "REQ-2"}) {
    const auto history = History(f, request);
    REQUIRE(history.size() == 1);
    CHECK(history[0]["event"] == "hold");
    CHECK(history[0]["user"] == tombstones::OsUser());
  }
}

TEST_CASE("a tombstone held before histories were kept shows its one known event", "[holds]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--id", "user_id:1", "--hold", "old case"}).code ==
          0);
  {
    // What an older version left: the held tombstone, no history record.
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), f.store, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    REQUIRE(db->DeleteRange(rocksdb::WriteOptions(), db->DefaultColumnFamily(), "h/", "h0").ok());
  }
  auto history = History(f, "REQ-1");
  REQUIRE(history.size() == 1);
  CHECK(history[0]["event"] == "hold");
  CHECK(history[0]["reason"] == "old case");
  CHECK(history[0]["user"].is_null());  // not known
  CHECK_THAT(f.Run({"show", "REQ-1"}).out, Catch::Contains("hold   unknown  old case"));

  // The first change writes the known event before its own, so the history stays whole.
  REQUIRE(f.Run({"release", "REQ-1", "--reason", "done"}).code == 0);
  history = History(f, "REQ-1");
  REQUIRE(history.size() == 2);
  CHECK(history[0]["event"] == "hold");
  CHECK(history[0]["user"].is_null());
  CHECK(history[1]["event"] == "release");
  CHECK(history[1]["user"] == tombstones::OsUser());
}

}  // namespace
}  // namespace tombstone::testing

namespace tombstone::testing {
namespace {

TEST_CASE("show --format csv carries the tombstone's dates, hold and note", "[holds]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--ids-from", "-", "--erased-at", "2026-01-31",
                 "--hold", "audit, 2026", "--note", "ticket 7"},
                "user_id:1\nemail:a@example.com\n").code == 0);
  const RunResult r = f.Run({"show", "REQ-1", "--format", "csv"});
  REQUIRE(r.code == 0);
  std::istringstream lines(r.out);
  std::string header, first, second, extra;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  CHECK_FALSE(std::getline(lines, extra));
  CHECK(header == "request,erased_at,recorded_at,hold,held_since,note,kind,normalizer,hash");
  CHECK_THAT(first, Catch::StartsWith("REQ-1,2026-01-31T00:00:00Z,"));
  CHECK_THAT(first,
             Catch::Contains(",\"audit, 2026\",") && Catch::Contains(",ticket 7,email,email,"));
  CHECK_THAT(second, Catch::Contains(",ticket 7,user_id,exact,"));
}

}  // namespace
}  // namespace tombstone::testing

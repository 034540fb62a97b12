// pending states the backup catalog it rests on, and an empty or stale catalog is never "all
// clear" (issue 18): a warning, and exit 3 under --fail-if-pending unless --allow-stale.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {
namespace {

constexpr tombstones::Micros kDay = 86400LL * 1000000;

std::unique_ptr<tombstones::Store> Writer(const StoreFixture& f, const tombstones::Key& key) {
  tombstones::Store::Options o;
  o.dir = f.store;
  o.mode = tombstones::Store::Mode::kWrite;
  o.key = &key;
  auto store = tombstones::Store::Open(o);
  REQUIRE(store.ok());
  return std::move(store.value());
}

// Erased long before any backup: nothing is pending, whatever the catalog holds.
void AddOldErasure(const StoreFixture& f) {
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--ids-from", "-", "--erased-at", "2020-01-01"},
                "user_id:1\n").code == 0);
}

void ImportPgBackRest(const StoreFixture& f) {
  REQUIRE(f.Run({"backups", "import", "--from", "pgbackrest", "--retention-full", "1",
                 SourceDir() + "/tests/data/backups/pgbackrest-info.json"}).code == 0);
}

TEST_CASE("an empty backup catalog is a warning, never an all clear", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  AddOldErasure(f);
  const std::string warning =
      "tombstone: warning: the backup catalog is empty: no backup is known to hold an erased "
      "subject, so none shows as pending because of a backup; record them with 'tombstone "
      "backups import' or 'backups add'\n";

  SECTION("the table says so, and stderr warns") {
    const RunResult r = f.Run({"pending"});
    CHECK(r.code == 0);
    CHECK(r.out == "0 pending (0 held, 0 with an unknown age-out date) of 1 tombstone; next "
                   "age-out none\n\nbackup catalog: empty\n");
    CHECK(r.err == warning);
  }
  SECTION("--fail-if-pending exits 3 (it exited 0 before)") {
    const RunResult r = f.Run({"pending", "--fail-if-pending"});
    CHECK(r.code == 3);
    CHECK(r.err == warning +
                       "tombstone: unable to confirm that nothing is pending: the backup catalog "
                       "is empty (--fail-if-pending)\n"
                       "HINT: import the backup listings again ('tombstone backups import'), or "
                       "pass --allow-stale to accept the catalog as it is\n");
  }
  SECTION("--allow-stale accepts it, and still warns") {
    const RunResult r = f.Run({"pending", "--fail-if-pending", "--allow-stale"});
    CHECK(r.code == 0);
    CHECK(r.err == warning);
  }
  SECTION("json and html carry the warning") {
    const RunResult json = f.Run({"pending", "--format", "json"});
    REQUIRE(json.code == 0);
    const auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["catalog"]["backups"] == 0);
    REQUIRE(doc["catalog"]["warnings"].size() == 1);
    CHECK_THAT(doc["catalog"]["warnings"][0].get<std::string>(),
               Catch::StartsWith("the backup catalog is empty"));
    const RunResult html = f.Run({"pending", "--format", "html"});
    CHECK_THAT(html.out, Catch::Contains("<div class=\"warn\" role=\"alert\">") &&
                             Catch::Contains("the backup catalog is empty"));
  }
  SECTION("list --pending warns too") {
    const RunResult r = f.Run({"list", "--pending"});
    CHECK(r.code == 0);
    CHECK(r.out.find("0 pending tombstones") != std::string::npos);
    CHECK(r.err == warning);
  }
}

TEST_CASE("a source not imported within --stale-after makes the catalog stale", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  AddOldErasure(f);
  const tombstones::Micros before = tombstones::Now();
  ImportPgBackRest(f);

  SECTION("just imported: current, with its import time") {
    const RunResult r = f.Run({"pending", "--fail-if-pending", "--format", "json"});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    const auto catalog = nlohmann::json::parse(r.out)["catalog"];
    CHECK(catalog["backups"] == 5);
    REQUIRE(catalog["sources"].size() == 1);
    const auto& source = catalog["sources"][0];
    CHECK(source["source"] == "pgbackrest");
    CHECK(source["scope"] == "demo");
    CHECK(source["backups"] == 5);
    CHECK(source["state"] == "current");
    CHECK(tombstones::ParseTime(source["last_import"].get<std::string>()).value() >= before);
  }
  SECTION("imported three days ago: a warning, exit 3 under --fail-if-pending") {
    auto key = tombstones::Key::Load(f.key);
    REQUIRE(key.ok());
    const tombstones::Micros three_days_ago = tombstones::Now() - 3 * kDay;
    REQUIRE(
        Writer(f, key.value())->ImportBackups({}, {{"pgbackrest", "demo", three_days_ago}}).ok());
    const std::string warning = "tombstone: warning: pgbackrest 'demo' was last imported " +
                                tombstones::FormatTime(three_days_ago) +
                                ", 3 days ago (more than 2 days): backups taken since are not "
                                "in the catalog\n";
    const RunResult r = f.Run({"pending", "--fail-if-pending"});
    CHECK(r.code == 3);
    CHECK(r.err == warning +
                       "tombstone: unable to confirm that nothing is pending: the backup catalog "
                       "is stale (--fail-if-pending)\n"
                       "HINT: import the backup listings again ('tombstone backups import'), or "
                       "pass --allow-stale to accept the catalog as it is\n");
    CHECK_THAT(r.out, Catch::Contains("pgbackrest 'demo'  5        ") && Catch::Contains("stale"));
    CHECK(f.Run({"pending", "--fail-if-pending", "--allow-stale"}).code == 0);
    const RunResult week = f.Run({"pending", "--fail-if-pending", "--stale-after", "1 week"});
    CHECK(week.code == 0);
    CHECK(week.err.empty());
    CHECK(f.Run({"pending", "--stale-after", "soon"}).code == 2);
    // Importing again makes it current.
    ImportPgBackRest(f);
    CHECK(f.Run({"pending", "--fail-if-pending"}).code == 0);
  }
}

TEST_CASE("backups recorded before import times were kept have an unknown import time",
          "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  AddOldErasure(f);
  auto key = tombstones::Key::Load(f.key);
  REQUIRE(key.ok());
  tombstones::BackupRecord b;
  b.id = "main/20260101-000000F";
  b.source = "pgbackrest";
  b.taken_at = tombstones::Now() - 10 * kDay;
  REQUIRE(Writer(f, key.value())->PutBackups({b}).ok());  // what an older version wrote
  const RunResult r = f.Run({"pending", "--fail-if-pending"});
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::StartsWith("tombstone: warning: pgbackrest 'main' has no recorded "
                                      "import time (imported before tombstone kept one): "
                                      "import it again"));
  CHECK_THAT(r.out, Catch::Contains("unknown      unknown"));
}

TEST_CASE("backups added by hand are shown but not checked for staleness", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  AddOldErasure(f);
  REQUIRE(f.Run({"backups", "add", "--id", "tape-1", "--taken-at", "2026-01-01"}).code == 0);
  const RunResult r = f.Run({"pending", "--fail-if-pending", "--stale-after", "0"});
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK_THAT(r.out, Catch::Contains("backup catalog: 1 backup (1 unexpired) from 1 source"));
  CHECK_THAT(r.out, Catch::Contains("by hand"));
}

}  // namespace
}  // namespace tombstone::testing

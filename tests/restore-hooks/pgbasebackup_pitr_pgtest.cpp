// restore-hooks/pgbasebackup-pitr.sh and post-restore-step.sh end to end: a real pg_basebackup and
// WAL archive, a point-in-time restore, the fenced start, replay, and the fail-closed fence.
#include <catch2/catch.hpp>

#include "tests/restore-hooks/restore_support.h"

using namespace tombstone::testing;
using namespace tombstone::testing::restore;

TEST_CASE("pg_basebackup + WAL archive: a point-in-time restore is replayed fenced and opens clean",
          "[pg][restore-hooks]") {
  TempDir dir;
  OpenToServerUser(dir);
  SourceCluster source(dir.path(), 54411);
  source.Psql("CREATE DATABASE app");
  source.PsqlFile(TestData("schema.sql"), "app");
  source.Psql("CREATE ROLE app_user LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_user", "app");
  SourceCluster::Must(AsServerUser(PgBinDir() + "/pg_basebackup -h " + Q(source.sock()) + " -p " +
                                   std::to_string(source.port()) + " -D " + Q(dir / "backup") +
                                   " -c fast -X none"),
                      "take a base backup");
  // after the backup, before the target: only the WAL archive holds this row
  source.Psql("INSERT INTO marker VALUES ('written after the backup')", "app");
  const std::string target = source.TargetTime();
  // after the target: a write the restore must not contain
  source.Psql("INSERT INTO marker VALUES ('written after the target')", "app");
  StoreFixture store(dir.path());
  EraseLive(source, "app");
  RecordErasures(store);
  source.ArchiveAll();

  const std::string restore = Env(dir) + Hook("pgbasebackup-pitr.sh") + " --backup " + Q(dir / "backup") +
                              " --archive " + Q(source.archive()) + " --pgdata " + Q(dir / "restored") +
                              " --store " + Q(store.store) + " --key-file " + Q(store.key) +
                              " --dbname app --port 54412 --summary " + Q(dir / "step.summary") +
                              " --receipt " + Q(dir / "receipt.json");

  SECTION("to a target time: recovery stops there, replay removes the erased subjects, the fence is lifted") {
    Sh r = Shell(restore + " --target-time " + target + " --map " + Q(TestData("map.toml")));
    INFO(r.out);
    REQUIRE(r.code == 0);
    auto summary = ReadSummary(dir / "step.summary");
    CHECK(summary["step_exit"] == "0");
    CHECK(summary["replay_exit"] == "0");
    CHECK(summary["fenced"] == "no");
    CHECK(summary["system_identifier"] == source.SystemIdentifier());
    CHECK(summary["timeline"] == "2");  // promoted after the target
    CHECK(summary["replay_timestamp"] < target);
    CHECK(summary["replay_timestamp"].size() == target.size());
    CHECK(summary["backup_label"] == "pg_basebackup base backup");
    CHECK_FALSE(FenceIn(dir / "restored"));

    auto receipt = ReadJson(dir / "receipt.json");
    CHECK(receipt["command"] == "replay");
    CHECK(receipt["exit_code"] == 0);
    CHECK(receipt["verification"] == "clean");
    CHECK(receipt["tombstones_applied"] == 2);
    CHECK(receipt["snapshot"]["system_identifier"] == source.SystemIdentifier());
    CHECK(receipt["snapshot"]["label"].get<std::string>().find("replayed to " + summary["replay_timestamp"]) !=
          std::string::npos);

    Opened opened(dir / "restored", dir / "open-sock", 54413);
    REQUIRE(opened.up());
    CHECK(opened.Psql("SELECT note FROM marker ORDER BY note", "app").out == "written after the backup\n");
    CHECK(opened.Psql("SELECT count(*) FROM users", "app").out == "38\n");
    CHECK(opened.Psql("SELECT count(*) FROM users WHERE id IN (3, 7)", "app").out == "0\n");
    CHECK(opened.Psql("SELECT count(*) FROM events WHERE lower(payload->>'email') IN ('user3@example.com', 'user7@example.com')", "app").out == "0\n");
    CHECK(opened.Psql("SELECT count(*) FROM events", "app").out == "190\n");  // 201 - 5 - 5 - the jsonb copy
    Sh app = opened.Psql("SELECT count(*) FROM users", "app", "app_user");
    INFO(app.out);
    CHECK(app.code == 0);  // the inner fence is lifted too
    Sh verify = Shell(Binary() + " --store " + Q(store.store) + " --key-file " + Q(store.key) +
                      " verify --dsn " + Q(opened.Dsn("app")) + " --map " + Q(TestData("map.toml")));
    INFO(verify.out);
    CHECK(verify.code == 0);
  }

  SECTION("replay fails: the data directory stays fenced, a plain start fails, a re-run finishes the job") {
    WriteFile(dir / "bad-map.toml", ReadFile(TestData("map.toml")) +
                                        "\n[[table]]\nname = \"public.no_such_table\"\n"
                                        "match = [ { column = \"id\", kind = \"user_id\" } ]\naction = \"delete\"\n");
    Sh r = Shell(restore + " --target-time " + target + " --map " + Q(dir / "bad-map.toml"));
    INFO(r.out);
    CHECK(r.code == 2);  // replay's exit code for a map that does not fit the schema
    CHECK(r.out.find("the data directory stays fenced") != std::string::npos);
    auto summary = ReadSummary(dir / "step.summary");
    CHECK(summary["replay_exit"] == "2");
    CHECK(summary["fenced"] == "yes");
    REQUIRE(FenceIn(dir / "restored"));

    // a plain start (no command-line overrides) stops on the fence
    Sh plain = Shell(AsServerUser(PgBinDir() + "/pg_ctl start -w -t 20 -D " + Q(dir / "restored") +
                                  " -l " + Q(dir / "plain.log")));
    CHECK(plain.code != 0);
    CHECK(ReadFile(dir / "plain.log").find("TOMBSTONE-FENCED") != std::string::npos);

    // the step again, with the right map: recovery already ended, replay runs, the fence goes
    Sh rerun = Shell(Env(dir) + Hook("post-restore-step.sh") + " --pgdata " + Q(dir / "restored") +
                     " --map " + Q(TestData("map.toml")) + " --store " + Q(store.store) +
                     " --key-file " + Q(store.key) + " --dbname app --port 54412 --receipt " +
                     Q(dir / "rerun.json"));
    INFO(rerun.out);
    CHECK(rerun.code == 0);
    CHECK_FALSE(FenceIn(dir / "restored"));
    CHECK(ReadJson(dir / "rerun.json")["tombstones_applied"] == 2);
  }

  SECTION("lift-fence.sh removes the fence by hand, only with the server stopped") {
    Sh r = Shell(restore + " --map " + Q(dir / "missing-map.toml"));
    CHECK(r.code == 2);
    CHECK(r.out.find("unable to read map") != std::string::npos);
    REQUIRE(FenceIn(dir / "restored"));  // fenced before any other check: fail closed
    Sh lift = Shell(Hook("lift-fence.sh") + " " + Q(dir / "restored"));
    INFO(lift.out);
    CHECK(lift.code == 0);
    CHECK_FALSE(FenceIn(dir / "restored"));
    CHECK(Shell(Hook("lift-fence.sh") + " " + Q(dir / "restored")).out.find("nothing to do") != std::string::npos);
    CHECK(Shell(Hook("lift-fence.sh") + " " + Q(dir / "nowhere")).code == 2);
  }
}

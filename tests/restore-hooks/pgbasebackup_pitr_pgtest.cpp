// restore-hooks/pgbasebackup-pitr.sh and post-restore-step.sh end to end: a real pg_basebackup and
// WAL archive, a point-in-time restore, the fenced start, replay, and the fail-closed fence.
#include <catch2/catch.hpp>

#include "tests/restore-hooks/restore_support.h"

using namespace tombstone::testing;
using namespace tombstone::testing::restore;

namespace {

// A source cluster with the test schema, a base backup, a write after the backup, a target time,
// a write after the target, subjects 3 and 7 erased live and tombstoned, the archive complete.
struct BackedUp {
  explicit BackedUp(int port)
      : source((OpenToServerUser(dir), dir.path()), port), store(dir.path()) {
    source.Psql("CREATE DATABASE app");
    source.PsqlFile(TestData("schema.sql"), "app");
    source.Psql(
        "CREATE ROLE app_user LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_user",
        "app");
    SourceCluster::Must(AsServerUser(PgBinDir() + "/pg_basebackup -h " + Q(source.sock()) + " -p " +
                                     std::to_string(source.port()) + " -D " + Q(dir / "backup") +
                                     " -c fast -X none"),
                        "take a base backup");
    // after the backup, before the target: only the WAL archive holds this row
    source.Psql("INSERT INTO marker VALUES ('written after the backup')", "app");
    target = source.TargetTime();
    // after the target: a write the restore must not contain
    source.Psql("INSERT INTO marker VALUES ('written after the target')", "app");
    EraseLive(source, "app");
    RecordErasures(store);
    source.ArchiveAll();
  }
  // pgbasebackup-pitr.sh with everything but --map and --target-time
  std::string Restore() const {
    return Env(dir) + Hook("pgbasebackup-pitr.sh") + " --backup " + Q(dir / "backup") +
           " --archive " + Q(source.archive()) + " --pgdata " + Q(dir / "restored") + " --store " +
           Q(store.store) + " --key-file " + Q(store.key) +
           " --dbname app --port 54412 --summary " + Q(dir / "step.summary") + " --receipt " +
           Q(dir / "receipt.json");
  }
  TempDir dir;
  SourceCluster source;
  StoreFixture store;
  std::string target;
};

}  // namespace

TEST_CASE("pg_basebackup + WAL archive: a point-in-time restore is replayed fenced and opens clean",
          "[pg][restore-hooks]") {
  BackedUp b(54411);
  const TempDir& dir = b.dir;
  const SourceCluster& source = b.source;
  const StoreFixture& store = b.store;
  const std::string& target = b.target;
  const std::string restore = b.Restore();

  // to a target time: recovery stops there, replay removes the erased subjects, the fence is lifted
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
  CHECK(receipt["snapshot"]["label"].get<std::string>().find(
            "replayed to " + summary["replay_timestamp"]) != std::string::npos);

  Opened opened(dir / "restored", dir / "open-sock", 54413);
  REQUIRE(opened.up());
  CHECK(opened.Psql("SELECT note FROM marker ORDER BY note", "app").out ==
        "written after the backup\n");
  CHECK(opened.Psql("SELECT count(*) FROM users", "app").out == "38\n");
  CHECK(opened.Psql("SELECT count(*) FROM users WHERE id IN (3, 7)", "app").out == "0\n");
  CHECK(opened
            .Psql("SELECT count(*) FROM events WHERE lower(payload->>'email') IN "
                  "('user3@example.com', 'user7@example.com')",
                  "app")
            .out == "0\n");
  CHECK(opened.Psql("SELECT count(*) FROM events", "app").out ==
        "190\n");  // 201 - 5 - 5 - the jsonb copy
  Sh app = opened.Psql("SELECT count(*) FROM users", "app", "app_user");
  INFO(app.out);
  CHECK(app.code == 0);  // the inner fence is lifted too
  Sh verify = Shell(Binary() + " --store " + Q(store.store) + " --key-file " + Q(store.key) +
                    " verify --dsn " + Q(opened.Dsn("app")) + " --map " + Q(TestData("map.toml")));
  INFO(verify.out);
  CHECK(verify.code == 0);
}

TEST_CASE(
    "pg_basebackup + WAL archive: a failed step leaves the directory fenced until a re-run or "
    "lift-fence.sh",
    "[pg][restore-hooks]") {
  BackedUp b(54414);
  const TempDir& dir = b.dir;
  const StoreFixture& store = b.store;
  const std::string& target = b.target;
  const std::string restore = b.Restore();

  // One restored directory through a sequence of failures: every step leaves it fenced.
  // 1. a missing map: the files are restored and fenced before any other check (fail closed)
  Sh r = Shell(restore + " --target-time " + target + " --map " + Q(dir / "missing-map.toml"));
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK(r.out.find("unable to read map") != std::string::npos);
  REQUIRE(FenceIn(dir / "restored"));

  // 2. lift-fence.sh lifts it by hand (server stopped); twice is harmless; a non-directory is usage
  Sh lift = Shell(Hook("lift-fence.sh") + " " + Q(dir / "restored"));
  INFO(lift.out);
  CHECK(lift.code == 0);
  CHECK_FALSE(FenceIn(dir / "restored"));
  CHECK(Shell(Hook("lift-fence.sh") + " " + Q(dir / "restored")).out.find("nothing to do") !=
        std::string::npos);
  CHECK(Shell(Hook("lift-fence.sh") + " " + Q(dir / "nowhere")).code == 2);

  // 3. the step with a map that does not fit the schema: replay exits 2, the directory is fenced
  WriteFile(dir / "bad-map.toml",
            ReadFile(TestData("map.toml")) +
                "\n[[table]]\nname = \"public.no_such_table\"\n"
                "match = [ { column = \"id\", kind = \"user_id\" } ]\naction = \"delete\"\n");
  const std::string step = Env(dir) + Hook("post-restore-step.sh") + " --pgdata " +
                           Q(dir / "restored") + " --store " + Q(store.store) + " --key-file " +
                           Q(store.key) + " --dbname app --port 54415 --summary " +
                           Q(dir / "step.summary");
  r = Shell(step + " --map " + Q(dir / "bad-map.toml") + " --target-time " + target +
            " --restore-command " + Q("cp " + b.source.archive() + "/%f \"%p\""));
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK(r.out.find("the data directory stays fenced") != std::string::npos);
  auto summary = ReadSummary(dir / "step.summary");
  CHECK(summary["replay_exit"] == "2");
  CHECK(summary["step_exit"] == "2");
  CHECK(summary["fenced"] == "yes");
  CHECK_FALSE(summary["replay_timestamp"].empty());  // recovery ran to the target and promoted
  REQUIRE(FenceIn(dir / "restored"));

  // 4. a plain start (no command-line overrides) stops on the fence
  Sh plain = Shell(AsServerUser(PgBinDir() + "/pg_ctl start -w -t 20 -D " + Q(dir / "restored") +
                                " -l " + Q(dir / "plain.log")));
  CHECK(plain.code != 0);
  CHECK(ReadFile(dir / "plain.log").find("TOMBSTONE-FENCED") != std::string::npos);

  // 5. the step again with the right map: recovery has ended, replay finishes the job, fence lifted
  r = Shell(step + " --map " + Q(TestData("map.toml")) + " --receipt " + Q(dir / "rerun.json"));
  INFO(r.out);
  CHECK(r.code == 0);
  CHECK_FALSE(FenceIn(dir / "restored"));
  CHECK(ReadSummary(dir / "step.summary")["fenced"] == "no");
  CHECK(ReadJson(dir / "rerun.json")["tombstones_applied"] == 2);
}

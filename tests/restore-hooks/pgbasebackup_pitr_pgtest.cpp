// restore-hooks/pgbasebackup-pitr.sh and post-restore-step.sh end to end: a real pg_basebackup and
// WAL archive, a point-in-time restore, the fenced start, replay, and the fail-closed fence.
#include <catch2/catch.hpp>

#include "tests/restore-hooks/restore_support.h"

using namespace tombstone::testing;
using namespace tombstone::testing::restore;

namespace {

// A source cluster with the test schema, a base backup, a write after the backup, a target time,
// a write after the target, subjects 3 and 7 erased live and tombstoned, the archive complete.
// With `for_failures`: also the refuse_delete trigger (restore_support.h) and a second backup in
// tar format with its own WAL (-Ft -X stream: base.tar and pg_wal.tar) in dir/tar-backup.
struct BackedUp {
  // With `three_databases`: also 'crm' (the same schema and subjects, erased live too) and
  // 'other' (one table, no subject), as a cluster holds them.
  explicit BackedUp(int port, bool for_failures = false, bool three_databases = false)
      : source((OpenToServerUser(dir), dir.path()), port), store(dir.path()) {
    source.Psql("CREATE DATABASE app");
    source.PsqlFile(TestData("schema.sql"), "app");
    if (three_databases) {
      source.Psql("CREATE DATABASE crm");
      source.PsqlFile(TestData("schema.sql"), "crm");
      source.Psql("CREATE DATABASE other");
      source.Psql("CREATE TABLE notes (note text); INSERT INTO notes VALUES ('x')", "other");
    }
    source.Psql(
        "CREATE ROLE app_user LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_user",
        "app");
    if (for_failures) source.Psql(kRefuseDeleteTrigger, "app");
    const std::string basebackup = PgBinDir() + "/pg_basebackup -h " + Q(source.sock()) + " -p " +
                                   std::to_string(source.port()) + " -c fast -D ";
    SourceCluster::Must(AsServerUser(basebackup + Q(dir / "backup") + " -X none"),
                        "take a base backup");
    if (for_failures)
      SourceCluster::Must(AsServerUser(basebackup + Q(dir / "tar-backup") + " -Ft -X stream"),
                          "take a base backup in tar format");
    // after the backup, before the target: only the WAL archive holds this row
    source.Psql("INSERT INTO marker VALUES ('written after the backup')", "app");
    target = source.TargetTime();
    // after the target: a write the restore must not contain
    source.Psql("INSERT INTO marker VALUES ('written after the target')", "app");
    EraseLive(source, "app");
    if (three_databases) EraseLive(source, "crm");
    RecordErasures(store);
    source.ArchiveAll();
  }
  // pgbasebackup-pitr.sh with everything but --map and --target-time
  std::string Restore(const std::string& backup = "backup", const std::string& pgdata = "restored",
                      int port = 54412) const {
    return Env(dir) + Hook("pgbasebackup-pitr.sh") + " --backup " + Q(dir / backup) +
           " --archive " + Q(source.archive()) + " --pgdata " + Q(dir / pgdata) + " --store " +
           Q(store.store) + " --key-file " + Q(store.key) + " --dbname app --port " +
           std::to_string(port) + " --summary " + Q(dir / (pgdata + ".summary")) + " --receipt " +
           Q(dir / (pgdata + ".json"));
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
  Sh r = Shell(restore + " --target-time " + target + " --map " + Q(TestData("map.toml")) +
               " --discover yes");
  INFO(r.out);
  REQUIRE(r.code == 0);
  auto summary = ReadSummary(dir / "restored.summary");
  CHECK(summary["step_exit"] == "0");
  CHECK(summary["check_exit"] == "0");
  CHECK(summary["replay_exit"] == "0");
  CHECK(summary["discover_exit"] == "0");
  CHECK(summary["fenced"] == "no");
  CHECK(summary["system_identifier"] == source.SystemIdentifier());
  CHECK(summary["timeline"] == "2");  // promoted after the target
  CHECK(summary["replay_timestamp"] < target);
  CHECK(summary["replay_timestamp"].size() == target.size());
  CHECK(summary["backup_label"] == "pg_basebackup base backup");
  CHECK_FALSE(FenceIn(dir / "restored"));

  auto receipt = ReadJson(dir / "restored.json");
  CHECK(receipt["command"] == "replay");
  CHECK(receipt["exit_code"] == 0);
  CHECK(receipt["verification"] == "clean");
  CHECK(receipt["tombstones_applied"] == 2);
  CHECK(receipt["backup"]["source"] == "pg_basebackup");
  CHECK(receipt["backup"]["id"] == "pg_basebackup base backup");  // backup_label's LABEL
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

  // 3. the step with a map that does not fit the schema: check exits 2 before replay runs, the
  // directory is fenced
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
  CHECK(r.out.find("tombstone check exited 2 on database 'app' before replay") !=
        std::string::npos);
  auto summary = ReadSummary(dir / "step.summary");
  CHECK(summary["check_exit"] == "2");
  CHECK(summary["replay_exit"].empty());  // replay never ran
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

namespace {

// One source with two backups and a WAL archive for every failure case below, made once.
const BackedUp& Failures() {
  static const BackedUp b(54416, true);
  return b;
}

// A copy of the tar backup with one of its files cut to its first `keep` bytes.
void DamagedTarBackup(const BackedUp& b, const std::string& name, const std::string& file,
                      std::uintmax_t keep) {
  std::filesystem::copy(b.dir / "tar-backup", b.dir / name);
  std::filesystem::resize_file(b.dir / (name + "/" + file), keep);
  GiveToServerUser(b.dir / name);
}

}  // namespace

TEST_CASE(
    "pg_basebackup + WAL archive: every failure before a clean replay exits with a catalogued "
    "code and leaves the directory fenced, never started",
    "[pg][restore-hooks]") {
  const BackedUp& b = Failures();
  const TempDir& dir = b.dir;
  const std::string map = " --map " + Q(TestData("map.toml"));
  const std::string step_inputs =
      map + " --store " + Q(b.store.store) + " --key-file " + Q(b.store.key) + " --dbname app";

  SECTION("a damaged base.tar: 5, what was unpacked is fenced, no server started") {
    DamagedTarBackup(b, "bad-base", "base.tar",
                     std::filesystem::file_size(dir / "tar-backup/base.tar") / 2);
    Sh r = Shell(b.Restore("bad-base", "r-bad-base") + map + " --target-time " + b.target);
    INFO(r.out);
    CHECK(r.code == 5);
    CHECK(r.out.find("unable to unpack") != std::string::npos);
    CHECK(Fenced(dir / "r-bad-base"));
    CHECK(r.out.find("fenced: no TCP listener") == std::string::npos);
    CHECK_FALSE(ServerRunningOn(dir / "r-bad-base"));
  }

  SECTION("a damaged pg_wal.tar: 5 (not tar's own 2), fenced, a plain start stops on the fence") {
    DamagedTarBackup(b, "bad-wal", "pg_wal.tar", 100000);
    Sh r = Shell(b.Restore("bad-wal", "r-bad-wal") + map + " --target-time " + b.target);
    INFO(r.out);
    CHECK(r.code == 5);
    CHECK(r.out.find("unable to unpack") != std::string::npos);
    CHECK(Fenced(dir / "r-bad-wal"));
    CHECK_FALSE(ServerRunningOn(dir / "r-bad-wal"));
    CHECK(PlainStartRefused(dir / "r-bad-wal", dir / "r-bad-wal.log"));
  }

  SECTION("an option the step does not know, or one without its value: 2, the files fenced") {
    Sh r = Shell(b.Restore("backup", "r-usage") + map + " --bogus 1");
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(r.out.find("unknown option '--bogus'") != std::string::npos);
    CHECK(Fenced(dir / "r-usage"));
    CHECK_FALSE(ServerRunningOn(dir / "r-usage"));
    CHECK(PlainStartRefused(dir / "r-usage", dir / "r-usage.log"));
    // the step run by hand, its last option without a value: usage (2), not 1 ("replay failed")
    Sh step = Shell(Env(dir) + Hook("post-restore-step.sh") + " --pgdata " + Q(dir / "r-usage") +
                    step_inputs + " --port");
    INFO(step.out);
    CHECK(step.code == 2);
    CHECK(Fenced(dir / "r-usage"));
  }

  SECTION("no PostgreSQL programs where PG_BINDIR points: 2, fenced, not started") {
    Sh r = Shell("PG_BINDIR=" + Q(dir / "no-such-bin") + " " + b.Restore("backup", "r-no-bin") +
                 map + " --target-time " + b.target);
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(r.out.find("no such program") != std::string::npos);
    CHECK(Fenced(dir / "r-no-bin"));
    CHECK_FALSE(ServerRunningOn(dir / "r-no-bin"));
  }

  SECTION("a recovery target past the end of the archive: 5, fenced, the server stopped") {
    Sh r = Shell(b.Restore("backup", "r-target") + map + " --target-time 2037-01-01T00:00:00Z");
    INFO(r.out);
    CHECK(r.code == 5);
    auto summary = ReadSummary(dir / "r-target.summary");
    CHECK(summary["step_exit"] == "5");
    CHECK(summary["replay_exit"].empty());  // replay never ran
    CHECK(summary["fenced"] == "yes");
    CHECK(Fenced(dir / "r-target"));
    CHECK_FALSE(ServerRunningOn(dir / "r-target"));
    CHECK(PlainStartRefused(dir / "r-target", dir / "r-target.log"));
  }

  SECTION("replay exits 3 (a trigger keeps rows replay deletes): 3, fenced, the server stopped") {
    Sh r = Shell(kRefuseDeleteEnv + b.Restore("backup", "r-residue") + map + " --target-time " +
                 b.target);
    INFO(r.out);
    CHECK(r.code == 3);
    auto summary = ReadSummary(dir / "r-residue.summary");
    CHECK(summary["replay_exit"] == "3");
    CHECK(summary["step_exit"] == "3");
    CHECK(summary["fenced"] == "yes");
    CHECK(ReadJson(dir / "r-residue.json")["verification"] == "residue");
    CHECK(Fenced(dir / "r-residue"));
    CHECK_FALSE(ServerRunningOn(dir / "r-residue"));
    CHECK(PlainStartRefused(dir / "r-residue", dir / "r-residue.log"));
  }

  SECTION("--discover yes, a map that forgets the json copy: replay clean, discover 3, fenced") {
    const std::string partial = dir / "no-json.toml";
    std::string text = ReadFile(TestData("map.toml"));
    const std::string source = ", { expr = \"payload->>'email'\", kind = \"email\" }";
    REQUIRE(text.find(source) != std::string::npos);
    text.erase(text.find(source), source.size());
    WriteFile(partial, text);
    Sh r = Shell(b.Restore("backup", "r-discover") + " --map " + Q(partial) + " --target-time " +
                 b.target + " --discover yes");
    INFO(r.out);
    CHECK(r.code == 3);
    CHECK(r.out.find("public.events.payload.email") != std::string::npos);
    CHECK(r.out.find("tombstone discover exited 3") != std::string::npos);
    CHECK(r.out.find("example.com") == std::string::npos);  // places, never values
    auto summary = ReadSummary(dir / "r-discover.summary");
    CHECK(summary["check_exit"] == "0");
    CHECK(summary["replay_exit"] == "0");
    CHECK(summary["discover_exit"] == "3");
    CHECK(summary["fenced"] == "yes");
    CHECK(Fenced(dir / "r-discover"));
    CHECK_FALSE(ServerRunningOn(dir / "r-discover"));
    // a wrong value is a usage error, reported after the files are fenced
    Sh usage = Shell(b.Restore("backup", "r-discover-usage") + map + " --discover maybe");
    CHECK(usage.code == 2);
    CHECK(usage.out.find("--discover takes yes or no") != std::string::npos);
  }

  SECTION("SIGTERM while the fenced server recovers: 5, fenced, the server stopped") {
    REQUIRE(Shell(b.Restore("backup", "r-term") + map + " --bogus 1").code == 2);  // files only
    // a restore_command that hangs: the step is still waiting for recovery when TERM arrives
    Sh r =
        Shell("timeout --preserve-status -s TERM 4 env " + Env(dir) + Hook("post-restore-step.sh") +
              " --pgdata " + Q(dir / "r-term") + step_inputs + " --port 54418 --summary " +
              Q(dir / "r-term.summary") + " --restore-command 'sleep 60'");
    INFO(r.out);
    CHECK(r.code == 5);
    CHECK(r.out.find("interrupted by SIGTERM") != std::string::npos);
    auto summary = ReadSummary(dir / "r-term.summary");
    CHECK(summary["step_exit"] == "5");
    CHECK(summary["fenced"] == "yes");
    CHECK(Fenced(dir / "r-term"));
    CHECK_FALSE(ServerRunningOn(dir / "r-term"));
  }

  SECTION("the fence block cannot be written: PG_VERSION moved aside; lift-fence.sh puts it back") {
    REQUIRE(Shell(b.Restore("backup", "r-aside") + map + " --bogus 1").code == 2);  // files only
    const std::string pgdata = dir / "r-aside";
    // postgresql.auto.conf replaced by a directory: no file can be written in its place
    std::filesystem::rename(pgdata + "/postgresql.auto.conf", dir / "r-aside.auto.conf");
    std::filesystem::create_directory(pgdata + "/postgresql.auto.conf");
    GiveToServerUser(pgdata);
    Sh r = Shell(Env(dir) + Hook("post-restore-step.sh") + " --pgdata " + Q(pgdata) + step_inputs +
                 " --port 54419");
    INFO(r.out);
    CHECK(r.code == 5);
    CHECK(r.out.find("moved PG_VERSION") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(pgdata + "/PG_VERSION"));
    CHECK(Fenced(pgdata));
    CHECK_FALSE(ServerRunningOn(pgdata));
    // the operator repairs the file: still no start without PG_VERSION
    std::filesystem::remove(pgdata + "/postgresql.auto.conf");
    std::filesystem::rename(dir / "r-aside.auto.conf", pgdata + "/postgresql.auto.conf");
    Sh plain = Shell(AsServerUser(PgBinDir() + "/pg_ctl start -w -t 30 -D " + Q(pgdata) + " -l " +
                                  Q(dir / "r-aside.log")));
    INFO(plain.out);
    CHECK(plain.code != 0);
    CHECK(plain.out.find("not a database cluster directory") != std::string::npos);
    // and lifts the fence by hand: PG_VERSION is back, no block left
    Sh lift = Shell(Hook("lift-fence.sh") + " " + Q(pgdata));
    INFO(lift.out);
    CHECK(lift.code == 0);
    CHECK(std::filesystem::exists(pgdata + "/PG_VERSION"));
    CHECK_FALSE(Fenced(pgdata));
  }
}

TEST_CASE(
    "a cluster of three databases: one not named refuses the step before any change; each named "
    "one is checked and replayed under the one fence",
    "[pg][restore-hooks]") {
  BackedUp b(54431, /*for_failures=*/false, /*three_databases=*/true);
  const TempDir& dir = b.dir;
  const std::string map = Q(TestData("map.toml"));

  // 1. only app named (--dbname app --map): crm and other hold tables: 2, fenced, nothing replayed
  Sh r = Shell(b.Restore("backup", "multi") + " --map " + map + " --target-time " + b.target);
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK(r.out.find("not named: 'crm' (3 tables) 'other' (1 tables)") != std::string::npos);
  auto summary = ReadSummary(dir / "multi.summary");
  CHECK(summary["check_exit"].empty());
  CHECK(summary["replay_exit"].empty());
  CHECK(summary["fenced"] == "yes");
  CHECK(Fenced(dir / "multi"));
  CHECK_FALSE(std::filesystem::exists(dir / "multi.json"));

  // 2. crm named too, other allowed: both replayed, each with its receipt; the fence lifted
  const std::string step = Env(dir) + Hook("post-restore-step.sh") + " --pgdata " +
                           Q(dir / "multi") + " --store " + Q(b.store.store) + " --key-file " +
                           Q(b.store.key) + " --port 54432 --summary " + Q(dir / "multi.summary") +
                           " --receipt " + Q(dir / "multi.json");
  // a database named twice, or a malformed --database: usage, before anything starts
  Sh twice = Shell(step + " --database app=" + map + " --database app=" + map);
  CHECK(twice.code == 2);
  CHECK(twice.out.find("database 'app' is named twice") != std::string::npos);
  Sh malformed = Shell(step + " --database app");
  CHECK(malformed.code == 2);
  CHECK(malformed.out.find("--database takes DB=MAP") != std::string::npos);
  r = Shell(step + " --dbname app --map " + map + " --database crm=" + map +
            " --other-databases allow");
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("database 'other' is not named and holds 1 tables: left as restored, NOT "
                   "replayed") != std::string::npos);
  summary = ReadSummary(dir / "multi.summary");
  CHECK(summary["databases"] == "app,crm");
  CHECK(summary["other_databases_allowed"] == "other");
  CHECK(summary["replay_exit"] == "0");
  CHECK_FALSE(Fenced(dir / "multi"));
  for (const char* db : {"app", "crm"}) {
    INFO(db);
    auto receipt = ReadJson(dir / (std::string("multi-") + db + ".json"));
    CHECK(receipt["verification"] == "clean");
    CHECK(receipt["tombstones_applied"] == 2);
  }
  Opened opened(dir / "multi", dir / "multi-sock", 54433);
  REQUIRE(opened.up());
  for (const char* db : {"app", "crm"}) {
    INFO(db);
    CHECK(opened.Psql("SELECT count(*) FROM users WHERE id IN (3, 7)", db).out == "0\n");
    CHECK(opened.Psql("SELECT count(*) FROM users", db).out == "38\n");
  }

}

TEST_CASE(
    "a configured target: post-restore-step --target replays each of its databases under the one "
    "fence, as --database DB=MAP would, and its receipts name the target",
    "[pg][restore-hooks][config]") {
  BackedUp b(54441, /*for_failures=*/false, /*three_databases=*/true);
  const TempDir& dir = b.dir;
  const std::string map = TestData("map.toml");
  // the configuration names the store and key the command line names too
  WriteFile(dir / "tombstone.conf",
            "store = \"" + b.store.store + "\"\nkey-file = \"" + b.store.key + "\"\n" +
                "[target.main.database.app]\nmap = \"" + map + "\"\n" +
                "[target.main.database.crm]\nmap = \"" + map + "\"\n");
  const std::string options = " --tombstone-config " + Q(dir / "tombstone.conf") + " --target-time " +
                              b.target + " --other-databases allow";
  Sh unknown = Shell(b.Restore("backup", "cfg-bad", 54442) + options + " --target nope");
  INFO(unknown.out);
  CHECK(unknown.code == 2);
  CHECK(unknown.out.find("unable to find target 'nope'") != std::string::npos);
  CHECK(Fenced(dir / "cfg-bad"));

  Sh r = Shell(b.Restore("backup", "cfg", 54442) + options + " --target main --drill yes");
  INFO(r.out);
  REQUIRE(r.code == 0);
  auto summary = ReadSummary(dir / "cfg.summary");
  CHECK(summary["databases"] == "app,crm");
  CHECK(summary["target"] == "main");
  CHECK(summary["other_databases_allowed"] == "other");
  CHECK_FALSE(Fenced(dir / "cfg"));
  for (const char* db : {"app", "crm"}) {
    INFO(db);
    auto receipt = ReadJson(dir / (std::string("cfg-") + db + ".json"));
    CHECK(receipt["verification"] == "clean");
    CHECK(receipt["tombstones_applied"] == 2);
    CHECK(receipt["target"] == "main");
    CHECK(receipt["drill"] == true);
    CHECK(receipt["map"]["path"] == map);
  }
}

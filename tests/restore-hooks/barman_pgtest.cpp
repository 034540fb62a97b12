// restore-hooks/barman-post-recovery.sh: a real `barman recover` on one machine (Barman 3.4 with
// backup_method = postgres and archiver = on, both local), and the hook's exit codes when it is
// called the way Barman calls a post_recovery_retry_script (environment, shell).
#include <catch2/catch.hpp>

#include "tests/restore-hooks/restore_support.h"

using namespace tombstone::testing;
using namespace tombstone::testing::restore;

namespace {

// The environment Barman 3.4 gives a post_recovery_retry_script (barman/hooks.py).
std::string BarmanEnv(const std::string& dest, const std::string& hook = "recovery_retry_script",
                      const std::string& phase = "post", const std::string& remote = "") {
  return "BARMAN_VERSION=3.4.0 BARMAN_SERVER=main BARMAN_CONFIGURATION=/etc/barman.conf "
         "BARMAN_HOOK=" +
         hook + " BARMAN_RETRY=1 BARMAN_PHASE=" + phase +
         " BARMAN_ERROR= BARMAN_BACKUP_ID=20260101T000000" +
         " BARMAN_STATUS=DONE BARMAN_DESTINATION_DIRECTORY=" + Q(dest) +
         " BARMAN_TABLESPACES=" + " BARMAN_REMOTE_COMMAND=" + Q(remote) +
         " BARMAN_RECOVER_OPTIONS= ";
}

}  // namespace

TEST_CASE("Barman: barman recover runs the post_recovery_retry_script, which fences and replays",
          "[pg][restore-hooks]") {
  REQUIRE(Shell("barman --version").code == 0);  // tests/install-deps.sh installs it
  TempDir dir;
  OpenToServerUser(dir);
  // Barman's incoming directory for archive_command, made before the first segment is archived
  std::filesystem::create_directories(dir / "barman/main/incoming");
  GiveToServerUser(dir / "barman");
  SourceCluster source(dir.path(), 54431, "cp %p " + dir / "barman/main/incoming/%f");
  source.Psql("CREATE DATABASE app");
  source.PsqlFile(TestData("schema.sql"), "app");
  StoreFixture store(dir.path());
  // Barman runs as its barman_user, and so does the hook: install the hooks, the program and the
  // map where that user can read them, as an installation would (the checkout may be private).
  Shell("cp -R " + Q(SourceDir() + "/restore-hooks") + " " + Q(dir / "hooks") + " && mkdir " +
        Q(dir / "bin") + " && cp " + Q(Binary()) + " " + Q(dir / "bin/tombstone") + " && cp " +
        Q(TestData("map.toml")) + " " + Q(dir / "map.toml"));
  GiveToServerUser(dir.path());
  const std::string conf = dir / "barman.conf";
  WriteFile(conf, "[barman]\nbarman_user = " + ServerUser() + "\nbarman_home = " + dir / "barman" +
                      "\nlog_file = " + dir / "barman.log" + "\nlog_level = INFO\n\n[main]\n" +
                      "conninfo = " + source.Dsn() + "\nstreaming_conninfo = " + source.Dsn() +
                      "\nbackup_method = postgres\narchiver = on\nimmediate_checkpoint = true\n" +
                      "path_prefix = " + PgBinDir() +
                      "\npost_recovery_retry_script = " + dir / "hooks/barman-post-recovery.sh" +
                      " --map " + dir / "map.toml" + " --store " + store.store + " --key-file " +
                      store.key + " --dbname app --port 54432 --summary " + dir / "step.summary" +
                      " --receipt " + dir / "receipt.json" + "\n");
  GiveToServerUser(conf);
  const std::string barman = "TOMBSTONE_BIN=" + Q(dir / "bin/tombstone") +
                             " TMPDIR=" + Q(dir.path()) + " barman -c " + Q(conf) + " ";
  source.ArchiveAll();
  SourceCluster::Must(barman + "archive-wal main", "archive WAL");
  Sh backup = Shell(barman + "backup --wait main");
  INFO(backup.out);
  REQUIRE(backup.code == 0);
  source.Psql("INSERT INTO marker VALUES ('written after the backup')", "app");
  const std::string target = source.TargetTime();
  EraseLive(source, "app");
  // The key file must belong to whoever runs tombstone (docs/security.md): this test records the
  // erasures as itself, then hands the key to the user the hook runs as, as an installation would.
  if (::geteuid() == 0) Shell("chown root " + Q(store.key));
  RecordErasures(store);
  GiveToServerUser(store.store);
  GiveToServerUser(store.key);
  source.ArchiveAll();
  SourceCluster::Must(barman + "archive-wal main", "archive WAL");
  const std::string id =
      SourceCluster::Must(barman + "list-backups --minimal main", "list backups");

  // Barman copies --target-time verbatim into recovery_target_time, which PostgreSQL parses before
  // it knows time zone abbreviations: '...Z' is refused there, '+00' is not (docs/runbook.md)
  std::string pg_target = target;
  pg_target[10] = ' ';
  pg_target.back() = '+';
  pg_target += "00";
  // Barman retries a retry script until it says 0, 62 or 63: bound it so that a hook that cannot
  // run fails this test instead of hanging the suite.
  Sh r = Shell("timeout 300 env " + barman + "recover main " + id.substr(0, id.find('\n')) + " " +
               Q(dir / "restored") + " --target-time " + Q(pg_target));
  INFO(r.out + ReadFile(dir / "barman.log"));
  REQUIRE(r.code == 0);
  const std::string log = ReadFile(dir / "barman.log");
  CHECK(log.find("barman-post-recovery: fenced") != std::string::npos);
  CHECK(log.find("check and replay clean on 1 database(s); fence lifted") != std::string::npos);
  CHECK_FALSE(FenceIn(dir / "restored"));
  auto summary = ReadSummary(dir / "step.summary");
  CHECK(summary["replay_exit"] == "0");
  CHECK(summary["system_identifier"] == source.SystemIdentifier());
  auto receipt = ReadJson(dir / "receipt.json");
  CHECK(receipt["verification"] == "clean");
  CHECK(receipt["tombstones_applied"] == 2);
  CHECK(receipt["backup"]["source"] == "barman");
  CHECK(receipt["committed"] == true);
  CHECK(receipt["snapshot"]["label"].get<std::string>().find("barman backup") == 0);

  Opened opened(dir / "restored", dir / "open-sock", 54433);
  REQUIRE(opened.up());
  CHECK(opened.Psql("SELECT string_agg(note, ',') FROM marker", "app").out ==
        "written after the backup\n");
  CHECK(opened.Psql("SELECT count(*) FROM users", "app").out == "38\n");
}

TEST_CASE("Barman: the hook's exit codes when called as Barman calls a retry hook",
          "[pg][restore-hooks]") {
  TempDir dir;
  OpenToServerUser(dir);
  const std::string pgdata = dir / "restored";
  SourceCluster::Must(
      AsServerUser(PgBinDir() + "/initdb -N -A trust -U " + ServerUser() + " -D " + Q(pgdata)),
      "initdb");
  const std::string hook = Hook("barman-post-recovery.sh");

  SECTION("not a post-recovery hook: 62 (abort, continue), nothing written") {
    CHECK(Shell(BarmanEnv(pgdata, "recovery_retry_script", "pre") + hook).code == 62);
    CHECK(Shell(BarmanEnv(pgdata, "recovery_script", "pre") + hook).code == 62);
    CHECK(Shell(BarmanEnv(pgdata, "backup_retry_script", "post") + hook).code == 62);
    CHECK(Shell(BarmanEnv("") + hook).code == 62);
    CHECK(Shell(BarmanEnv(dir / "nowhere") + hook).code == 62);
    CHECK_FALSE(FenceIn(pgdata));
  }

  SECTION("the plain post_recovery_script (Barman ignores its code): fenced anyway, then 62") {
    Sh r = Shell(Env(dir) + BarmanEnv(pgdata, "recovery_script", "post") + hook + " --map " +
                 Q(TestData("map.toml")));
    INFO(r.out);
    CHECK(r.code == 62);
    CHECK(r.out.find("post_recovery_retry_script") != std::string::npos);
    CHECK(FenceIn(pgdata));
    CHECK(r.out.find("starting") == std::string::npos);  // the step was not run
    CHECK_FALSE(ServerRunningOn(pgdata));
  }

  SECTION("bad options: the restored directory is fenced, then 62 (abort, continue); no step") {
    Sh r = Shell(BarmanEnv(pgdata) + hook + " --map");  // without its value
    INFO(r.out);
    CHECK(r.code == 62);
    CHECK(FenceIn(pgdata));
    CHECK(r.out.find("starting") == std::string::npos);
    CHECK(Shell(BarmanEnv(pgdata) + hook + " --pgdata /x").code == 62);
    CHECK_FALSE(ServerRunningOn(pgdata));
  }

  SECTION("no --map: 0, the directory is fenced and stays so; a second call is idempotent") {
    Sh r = Shell(BarmanEnv(pgdata) + hook);
    INFO(r.out);
    CHECK(r.code == 0);
    CHECK(FenceIn(pgdata));
    CHECK(Shell(BarmanEnv(pgdata) + hook).code == 0);
    const std::string conf = ReadFile(pgdata + "/postgresql.auto.conf");
    CHECK(conf.find("# BEGIN tombstone fence") == conf.rfind("# BEGIN tombstone fence"));
  }

  SECTION("the post-restore step fails: 63 (abort, stop), the directory stays fenced") {
    StoreFixture store(dir.path());
    Sh r = Shell(Env(dir) + BarmanEnv(pgdata) + hook + " --map " + Q(dir / "missing.toml") +
                 " --store " + Q(store.store) + " --key-file " + Q(store.key));
    INFO(r.out);
    CHECK(r.code == 63);
    CHECK(r.out.find("stays fenced") != std::string::npos);
    CHECK(FenceIn(pgdata));
  }

  SECTION("the step fails before replay (a recovery target never reached): 63, fenced, stopped") {
    StoreFixture store(dir.path());
    // what barman recover writes for a target: recovery.signal and the recovery settings
    WriteFile(pgdata + "/recovery.signal", "");
    WriteFile(pgdata + "/postgresql.auto.conf",
              "restore_command = 'false'\nrecovery_target_time = '2037-01-01 00:00:00+00'\n");
    GiveToServerUser(pgdata);
    Sh r = Shell(Env(dir) + BarmanEnv(pgdata) + hook + " --map " + Q(TestData("map.toml")) +
                 " --store " + Q(store.store) + " --key-file " + Q(store.key) +
                 " --port 54434 --summary " + Q(dir / "step.summary"));
    INFO(r.out);
    CHECK(r.code == 63);
    CHECK(ReadSummary(dir / "step.summary")["step_exit"] == "5");
    CHECK(FenceIn(pgdata));
    CHECK_FALSE(ServerRunningOn(pgdata));
    CHECK(PlainStartRefused(pgdata, dir / "plain.log"));
  }

  SECTION("a remote destination: fenced through BARMAN_REMOTE_COMMAND; 1 (retry) when that fails") {
    // Barman runs `$BARMAN_REMOTE_COMMAND "COMMAND"` (ssh user@host "COMMAND"); sh -c stands in for
    // ssh
    Sh r = Shell(BarmanEnv(pgdata, "recovery_retry_script", "post", "sh -c") + hook);
    INFO(r.out);
    CHECK(r.code == 0);
    CHECK(FenceIn(pgdata));
    CHECK(r.out.find("run post-restore-step.sh") != std::string::npos);
    CHECK(Shell(BarmanEnv(dir / "nowhere", "recovery_retry_script", "post", "sh -c") + hook).code ==
          1);
  }
}

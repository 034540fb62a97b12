// restore-hooks/pgbackrest-restore.sh end to end with a real local pgBackRest repository.
#include <catch2/catch.hpp>

#include "tests/restore-hooks/restore_support.h"

using namespace tombstone::testing;
using namespace tombstone::testing::restore;

TEST_CASE("pgBackRest: a restore from a local repository is replayed fenced, with archive-mode off",
          "[pg][restore-hooks]") {
  TempDir dir;
  OpenToServerUser(dir);
  const std::string conf = dir / "pgbackrest.conf";
  WriteFile(conf,
            "[global]\nrepo1-path=" + dir / "repo" + "\nrepo1-retention-full=2\n" +
                "lock-path=" + dir / "lock" + "\nlog-path=" + dir / "log" +
                "\nlog-level-console=warn\nlog-level-file=off\nstart-fast=y\n\n[main]\npg1-path=" +
                dir / "source" + "\npg1-socket-path=" + dir / "source-sock" + "\npg1-port=54421\n");
  GiveToServerUser(conf);
  SourceCluster source(dir.path(), 54421,
                       "pgbackrest --config=" + conf + " --stanza=main archive-push %p");
  source.Psql("CREATE DATABASE app");
  source.PsqlFile(TestData("schema.sql"), "app");
  const std::string br = "pgbackrest --config=" + conf + " --stanza=main ";
  SourceCluster::Must(AsServerUser(br + "stanza-create"), "create the stanza");
  SourceCluster::Must(AsServerUser(br + "backup --type=full"), "back up");
  source.Psql("INSERT INTO marker VALUES ('written after the backup')", "app");
  const std::string target = source.TargetTime();
  StoreFixture store(dir.path());
  EraseLive(source, "app");
  RecordErasures(store);
  source.ArchiveAll();

  const std::string restore =
      Env(dir) + Hook("pgbackrest-restore.sh") + " --stanza main --config " + Q(conf) +
      " --pgdata " + Q(dir / "restored") + " --map " + Q(TestData("map.toml")) + " --store " +
      Q(store.store) + " --key-file " + Q(store.key) + " --dbname app --port 54422 --summary " +
      Q(dir / "step.summary") + " --receipt " + Q(dir / "receipt.json");

  // to a target time: pgBackRest's recovery settings, the step's promotion, replay clean
  Sh r = Shell(restore + " --target-time " + target);
  INFO(r.out);
  REQUIRE(r.code == 0);
  const std::string auto_conf = ReadFile(dir / "restored/postgresql.auto.conf");
  CHECK(auto_conf.find("archive_mode = 'off'") != std::string::npos);
  CHECK(auto_conf.find("recovery_target_time") != std::string::npos);
  CHECK_FALSE(FenceIn(dir / "restored"));
  auto summary = ReadSummary(dir / "step.summary");
  CHECK(summary["replay_exit"] == "0");
  CHECK(summary["timeline"] == "2");
  CHECK_FALSE(summary["restore_seconds"].empty());
  CHECK(summary["backup_label"].find("pgBackRest backup") == 0);
  auto receipt = ReadJson(dir / "receipt.json");
  CHECK(receipt["verification"] == "clean");
  CHECK(receipt["tombstones_applied"] == 2);

  Opened opened(dir / "restored", dir / "open-sock", 54423);
  REQUIRE(opened.up());
  CHECK(opened.Psql("SELECT string_agg(note, ',') FROM marker", "app").out ==
        "written after the backup\n");
  CHECK(opened.Psql("SELECT count(*) FROM users", "app").out == "38\n");
  CHECK(opened.Psql("SELECT count(*) FROM users WHERE id IN (3, 7)", "app").out == "0\n");
}

TEST_CASE("pgBackRest: a failed or refused restore never starts the directory",
          "[pg][restore-hooks]") {
  TempDir dir;
  OpenToServerUser(dir);
  StoreFixture store(dir.path());
  const std::string conf = dir / "pgbackrest.conf";
  WriteFile(conf, "[global]\nrepo1-path=" + dir / "repo" + "\nlock-path=" + dir / "lock" +
                      "\nlog-level-console=warn\nlog-level-file=off\n\n[main]\npg1-path=" +
                      dir / "source" + "\n");
  GiveToServerUser(conf);
  const std::string restore =
      Env(dir) + Hook("pgbackrest-restore.sh") + " --stanza main --config " + Q(conf) +
      " --pgdata " + Q(dir / "restored") + " --map " + Q(TestData("map.toml")) + " --store " +
      Q(store.store) + " --key-file " + Q(store.key) + " --dbname app --port 54424";

  SECTION("pgbackrest restore fails (an empty repository): exit 5, nothing started") {
    Sh r = Shell(restore);
    INFO(r.out);
    CHECK(r.code == 5);
    CHECK(r.out.find("pgbackrest restore failed") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "restored/postmaster.pid"));
  }

  SECTION("a non-empty directory is refused before pgBackRest runs: exit 2") {
    std::filesystem::create_directories(dir / "restored");
    WriteFile(dir / "restored/something", "x");
    Sh r = Shell(restore);
    CHECK(r.code == 2);
    CHECK(r.out.find("not empty") != std::string::npos);
  }

  SECTION("missing options: exit 2") {
    CHECK(Shell(Hook("pgbackrest-restore.sh") + " --pgdata " + Q(dir / "restored")).code == 2);
  }
}

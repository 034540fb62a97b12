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
  CHECK(receipt["backup"]["source"] == "pgbackrest");

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

namespace {

// A source with a full pgBackRest backup in a local repository and a WAL archive past a target
// time, made once for the failure cases below. job-retry=0: a damaged file fails the restore at
// once instead of after pgBackRest's retries.
struct Repository {
  Repository()
      : conf((OpenToServerUser(dir), dir / "pgbackrest.conf")),
        source((WriteConf(dir, conf), dir.path()), 54425,
               "pgbackrest --config=" + conf + " --stanza=main archive-push %p"),
        store(dir.path()) {
    source.Psql("CREATE DATABASE app");
    source.PsqlFile(TestData("schema.sql"), "app");
    const std::string br = "pgbackrest --config=" + conf + " --stanza=main ";
    SourceCluster::Must(AsServerUser(br + "stanza-create"), "create the stanza");
    SourceCluster::Must(AsServerUser(br + "backup --type=full"), "back up");
    target = source.TargetTime();
    EraseLive(source, "app");
    RecordErasures(store);
    source.ArchiveAll();
    label = SourceCluster::Must("ls " + Q(dir / "repo/backup/main") + " | grep 'F$'", "find");
    label.pop_back();
  }
  static void WriteConf(const TempDir& dir, const std::string& conf) {
    WriteFile(conf, "[global]\nrepo1-path=" + dir / "repo" + "\nrepo1-retention-full=2\n" +
                        "lock-path=" + dir / "lock" + "\nlog-path=" + dir / "log" +
                        "\nlog-level-console=warn\nlog-level-file=off\nstart-fast=y\n" +
                        "job-retry=0\n\n[main]\npg1-path=" + dir / "source" +
                        "\npg1-socket-path=" + dir / "source-sock" + "\npg1-port=54425\n");
    GiveToServerUser(conf);
  }
  // pgbackrest-restore.sh into dir/PGDATA, with everything but --target-time
  std::string Restore(const std::string& pgdata) const {
    return Env(dir) + Hook("pgbackrest-restore.sh") + " --stanza main --config " + Q(conf) +
           " --pgdata " + Q(dir / pgdata) + " --map " + Q(TestData("map.toml")) + " --store " +
           Q(store.store) + " --key-file " + Q(store.key) + " --dbname app --port 54426" +
           " --summary " + Q(dir / (pgdata + ".summary"));
  }
  TempDir dir;
  std::string conf;
  SourceCluster source;
  StoreFixture store;
  std::string target, label;
};

const Repository& SharedRepository() {
  static const Repository r;
  return r;
}

}  // namespace

TEST_CASE(
    "pgBackRest: every failure before a clean replay exits with a catalogued code and leaves what "
    "was restored fenced, never started",
    "[pg][restore-hooks]") {
  const Repository& repo = SharedRepository();
  const TempDir& dir = repo.dir;

  SECTION("a damaged file in the repository: pgbackrest restore fails midway; 5, fenced") {
    const std::string file =
        dir / ("repo/backup/main/" + repo.label + "/pg_data/global/pg_control.gz");
    const std::string saved = ReadFile(file);
    std::filesystem::resize_file(file, 20);
    Sh r = Shell(repo.Restore("r-damaged") + " --target-time " + repo.target);
    WriteFile(file, saved);  // the repository as it was, for the other cases
    INFO(r.out);
    CHECK(r.code == 5);
    CHECK(r.out.find("pgbackrest restore failed") != std::string::npos);
    CHECK(Fenced(dir / "r-damaged"));
    CHECK_FALSE(ServerRunningOn(dir / "r-damaged"));
  }

  SECTION(
      "an option the step does not know: 2, the restored directory fenced, a plain start fails") {
    Sh r = Shell(repo.Restore("r-usage") + " --target-time " + repo.target + " --bogus 1");
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(Fenced(dir / "r-usage"));
    CHECK_FALSE(ServerRunningOn(dir / "r-usage"));
    CHECK(PlainStartRefused(dir / "r-usage", dir / "r-usage.log"));
  }

  SECTION("a recovery target past the end of the archive: 5, fenced, the server stopped") {
    Sh r = Shell(repo.Restore("r-target") + " --target-time 2037-01-01T00:00:00Z");
    INFO(r.out);
    CHECK(r.code == 5);
    auto summary = ReadSummary(dir / "r-target.summary");
    CHECK(summary["step_exit"] == "5");
    CHECK(summary["replay_exit"].empty());
    CHECK(Fenced(dir / "r-target"));
    CHECK_FALSE(ServerRunningOn(dir / "r-target"));
    CHECK(PlainStartRefused(dir / "r-target", dir / "r-target.log"));
  }

  SECTION("an option without its value: 2 (not 1), nothing restored") {
    Sh r = Shell(repo.Restore("r-value") + " --set");
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK_FALSE(std::filesystem::exists(dir / "r-value"));
  }
}

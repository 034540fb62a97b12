// backups import against real pgBackRest output: a full and an incr of a live PostgreSQL 15.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {
namespace {

// A pgBackRest repository in a temporary directory. WAL archiving is off in the test clusters,
// so backups run with archive-check=n (the backup is not restorable to
// a point in time, but it is a real backup and 'info' describes it exactly as usual).
class Repo {
 public:
  explicit Repo(const PgCluster& pg) : pg_(pg) {
    ::chmod(dir_.path().c_str(), 0777);
    config_ = dir_ / "pgbackrest.conf";
    WriteFile(config_, "[global]\nrepo1-path=" + (dir_ / "repo") + "\nlog-path=" + dir_.path() +
                           "\nlock-path=" + dir_.path() + "\nlog-level-console=error\n"
                           "start-fast=y\narchive-check=n\n[t]\npg1-path=" + pg.data_dir() +
                           "\npg1-socket-path=" + pg.socket_dir() + "\npg1-port=" +
                           std::to_string(pg.port()) + "\npg1-user=" + pg.superuser() + "\n");
    ::chmod(config_.c_str(), 0644);
  }
  void Run(const std::string& args) {
    const std::string cmd = "pgbackrest --config=" + config_ + " --stanza=t " + args;
    REQUIRE(pg_.RunAsServerUser(cmd + " > " + dir_.path() + "/out.txt 2>&1") == 0);
  }
  std::string Info() {
    Run("info --output=json");
    return ReadFile(dir_ / "out.txt");
  }

 private:
  const PgCluster& pg_;
  TempDir dir_;
  std::string config_;
};

TEST_CASE("backups import reads a live pgBackRest repository's info", "[compliance]") {
  // A cluster of its own: a backup copies the whole cluster, and the shared one holds the
  // databases of every test running beside this one.
  PgCluster pg;
  const std::string db = pg.CreateDatabase();
  pg.Psql("CREATE TABLE users (id int); INSERT INTO users VALUES (1);", db);
  Repo repo(pg);
  repo.Run("stanza-create");
  repo.Run("--type=full backup");
  pg.Psql("INSERT INTO users VALUES (2);", db);
  repo.Run("--type=incr backup");
  const std::string info = repo.Info();
  const auto doc = nlohmann::json::parse(info);
  REQUIRE(doc[0]["backup"].size() == 2);
  const auto& full = doc[0]["backup"][0];
  const auto& incr = doc[0]["backup"][1];
  REQUIRE(incr["type"] == "incr");

  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult imported = f.Run({"backups", "import", "--from", "pgbackrest", "--retention-full",
                                    "2", "--full-every", "7", "-"}, info);
  REQUIRE(imported.code == 0);
  CHECK(imported.out == "imported 2 backups from pgbackrest (0 without a forecast)\n");
  const RunResult listed = f.Run({"backups", "list", "--format", "json"});
  const auto list = nlohmann::json::parse(listed.out);
  REQUIRE(list.size() == 2);
  const std::int64_t start = full["timestamp"]["start"], stop = full["timestamp"]["stop"];
  CHECK(list[0]["id"] == "t/" + full["label"].get<std::string>());
  CHECK(list[0]["taken_at"] == tombstones::FormatTime(start * 1000000));
  CHECK(list[1]["id"] == "t/" + incr["label"].get<std::string>());
  // Two fulls kept, one a week: this full goes when the second next one is due, in 14 days,
  // and its incr with it.
  const std::string expiry = tombstones::FormatTime((stop + 14 * 86400) * 1000000);
  CHECK(list[0]["expires_at"] == expiry);
  CHECK(list[1]["expires_at"] == expiry);

  // A subject erased now is held by both backups and ages out with them.
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--ids-from", "-"}, "user_id:1\n").code == 0);
  const RunResult pending = f.Run({"pending", "--format", "json"});
  REQUIRE(pending.code == 0);
  const auto p = nlohmann::json::parse(pending.out);
  REQUIRE(p["pending"].size() == 1);
  CHECK(p["pending"][0]["backups"] == 2);
  CHECK(p["pending"][0]["newest_backup"] == "t/" + incr["label"].get<std::string>());
  CHECK(p["pending"][0]["ages_out"] == expiry);
}

}  // namespace
}  // namespace tombstone::testing

// restore-hooks/pg-restore.sh: a logical dump restored into a new database that applications
// cannot reach until replay has verified it clean.
#include <catch2/catch.hpp>

#include "tests/restore-hooks/restore_support.h"

using namespace tombstone::testing;
using namespace tombstone::testing::restore;

namespace {

std::string Field(PgCluster& pg, const std::string& sql) {
  std::string s = pg.Psql(sql);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("pg_restore: a dump goes into a new database, fenced until replay is clean",
          "[pg][restore-hooks]") {
  PgCluster& pg = PgCluster::Shared();
  TempDir dir;
  OpenToServerUser(dir);
  const std::string source = pg.CreateDatabase("dumped");
  pg.Psql(ReadFile(TestData("schema.sql")), source);
  pg.EnsureRole("restore_app");
  SourceCluster::Must(
      PgBinDir() + "/pg_dump -Fc -f " + Q(dir / "app.dump") + " " + Q(pg.Dsn(source)), "dump");
  StoreFixture store(dir.path());
  RecordErasures(store);  // erased after the dump was taken: the dump still holds them
  const std::string db = pg.UniqueName("restored");
  const std::string run = Env(dir) + Hook("pg-restore.sh") + " --dump " + Q(dir / "app.dump") +
                          " --dsn " + Q(pg.Dsn()) + " --dbname ";
  const std::string rest = " --store " + Q(store.store) + " --key-file " + Q(store.key) +
                           " --summary " + Q(dir / "summary") + " --receipt " +
                           Q(dir / "receipt.json");
  auto app_login = [&](const std::string& name) {
    return PgBinDir() + "/psql -X -A -t -c 'SELECT count(*) FROM pg_class' " +
           Q(pg.DsnAs("restore_app", name));
  };

  SECTION("replay clean: the erased subjects are gone and the database opens") {
    Sh r = Shell(run + db + " --map " + Q(TestData("map.toml")) + rest);
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK(Field(pg, "SELECT datconnlimit FROM pg_database WHERE datname = '" + db + "'") == "-1");
    CHECK(Field(pg,
                "SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = "
                "s.setdatabase WHERE d.datname = '" +
                    db + "'") == "0");
    CHECK(pg.Psql("SELECT count(*) FROM users", db) == "38\n");
    CHECK(pg.Psql("SELECT count(*) FROM users WHERE id IN (3, 7)", db) == "0\n");
    CHECK(pg.Psql("SELECT count(*) FROM users", source) == "40\n");  // the source is untouched
    auto summary = ReadSummary(dir / "summary");
    CHECK(summary["replay_exit"] == "0");
    CHECK(summary["fenced"] == "no");
    CHECK_FALSE(summary["dump_created"].empty());
    auto receipt = ReadJson(dir / "receipt.json");
    CHECK(receipt["verification"] == "clean");
    CHECK(receipt["tombstones_applied"] == 2);
    CHECK(receipt["backup"]["source"] == "pg_dump");
    CHECK(receipt["backup"]["id"] == "app.dump");
    CHECK(receipt["snapshot"]["label"].get<std::string>().find("dump 'app.dump' created") !=
          std::string::npos);
    Sh app = Shell(app_login(db));
    INFO(app.out);
    CHECK(app.code == 0);
    pg.Psql("DROP DATABASE " + db);
  }

  SECTION("a plain SQL dump goes through psql, the same way") {
    SourceCluster::Must(
        PgBinDir() + "/pg_dump -Fp -f " + Q(dir / "app.sql") + " " + Q(pg.Dsn(source)),
        "dump as SQL");
    Sh r = Shell(Env(dir) + Hook("pg-restore.sh") + " --dump " + Q(dir / "app.sql") + " --dsn " +
                 Q(pg.Dsn()) + " --dbname " + db + " --map " + Q(TestData("map.toml")) + rest);
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK(pg.Psql("SELECT count(*) FROM users", db) == "38\n");
    CHECK(ReadJson(dir / "receipt.json")["tombstones_applied"] == 2);
    CHECK(Field(pg, "SELECT datconnlimit FROM pg_database WHERE datname = '" + db + "'") == "-1");
    pg.Psql("DROP DATABASE " + db);
  }

  SECTION("replay fails: the database stays fenced until lift-fence.sh --dsn") {
    Sh r = Shell(run + db + " --map " + Q(dir / "bad.toml") + rest);
    CHECK(r.code == 2);  // no map: nothing created
    CHECK(Field(pg, "SELECT count(*) FROM pg_database WHERE datname = '" + db + "'") == "0");

    WriteFile(dir / "bad.toml",
              ReadFile(TestData("map.toml")) +
                  "\n[[table]]\nname = \"public.no_such_table\"\n"
                  "match = [ { column = \"id\", kind = \"user_id\" } ]\naction = \"delete\"\n");
    r = Shell(run + db + " --map " + Q(dir / "bad.toml") + rest);
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(r.out.find("stays fenced") != std::string::npos);
    CHECK(Field(pg, "SELECT datconnlimit FROM pg_database WHERE datname = '" + db + "'") == "0");
    CHECK(ReadSummary(dir / "summary")["fenced"] == "yes");
    Sh app = Shell(app_login(db));
    CHECK(app.code != 0);
    CHECK(app.out.find("permission denied for database") != std::string::npos);

    Sh again = Shell(run + db + " --map " + Q(TestData("map.toml")) + rest);
    CHECK(again.code == 2);  // never into an existing database
    CHECK(again.out.find("already exists") != std::string::npos);

    Sh lift = Shell(Hook("lift-fence.sh") + " --dsn " + Q(pg.Dsn()) + " --dbname " + db);
    INFO(lift.out);
    CHECK(lift.code == 0);
    CHECK(Field(pg, "SELECT datconnlimit FROM pg_database WHERE datname = '" + db + "'") == "-1");
    CHECK(Shell(app_login(db)).code == 0);
    pg.Psql("DROP DATABASE " + db);
  }
}

TEST_CASE(
    "pg_restore: every failure before a clean replay exits with a catalogued code and leaves the "
    "new database fenced",
    "[pg][restore-hooks]") {
  PgCluster& pg = PgCluster::Shared();
  TempDir dir;
  OpenToServerUser(dir);
  // the test schema with the refuse_delete trigger (restore_support.h), dumped once per section
  const std::string source = pg.CreateDatabase("dumped_failures");
  pg.Psql(ReadFile(TestData("schema.sql")), source);
  pg.Psql(kRefuseDeleteTrigger, source);
  pg.Psql(
      "DO $$ BEGIN CREATE ROLE restore_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END "
      "$$;");
  SourceCluster::Must(
      PgBinDir() + "/pg_dump -Fc -f " + Q(dir / "app.dump") + " " + Q(pg.Dsn(source)), "dump");
  StoreFixture store(dir.path());
  RecordErasures(store);
  static int runs = 0;
  const std::string db = "failed_" + std::to_string(::getpid()) + "_" + std::to_string(++runs);
  const std::string rest = " --dsn " + Q(pg.Dsn()) + " --dbname " + db + " --map " +
                           Q(TestData("map.toml")) + " --store " + Q(store.store) + " --key-file " +
                           Q(store.key) + " --summary " + Q(dir / "summary") + " --receipt " +
                           Q(dir / "receipt.json");
  auto fenced = [&] {
    const std::string limit =
        pg.Psql("SELECT datconnlimit FROM pg_database WHERE datname = '" + db + "'");
    Sh app = Shell(PgBinDir() + "/psql -X -A -t -c 'SELECT 1' " +
                   Q("host=" + pg.socket_dir() + " port=" + std::to_string(pg.port()) +
                     " user=restore_app dbname=" + db));
    INFO(app.out);
    return limit == "0\n" && app.code != 0 &&
           app.out.find("permission denied for database") != std::string::npos &&
           ReadSummary(dir / "summary")["fenced"] == "yes";
  };

  SECTION("a damaged dump: 5, the new database stays fenced") {
    std::filesystem::copy(dir / "app.dump", dir / "damaged.dump");
    std::filesystem::resize_file(dir / "damaged.dump",
                                 std::filesystem::file_size(dir / "app.dump") * 3 / 4);
    Sh r = Shell(Env(dir) + Hook("pg-restore.sh") + " --dump " + Q(dir / "damaged.dump") + rest);
    INFO(r.out);
    CHECK(r.code == 5);
    CHECK(ReadSummary(dir / "summary")["replay_exit"].empty());
    CHECK(fenced());
  }

  SECTION("replay exits 3 (a trigger keeps rows replay deletes): 3, the database stays fenced") {
    Sh r = Shell(kRefuseDeleteEnv + Env(dir) + Hook("pg-restore.sh") + " --dump " +
                 Q(dir / "app.dump") + rest);
    INFO(r.out);
    CHECK(r.code == 3);
    CHECK(ReadSummary(dir / "summary")["replay_exit"] == "3");
    CHECK(ReadJson(dir / "receipt.json")["verification"] == "residue");
    CHECK(fenced());
  }

  SECTION("SIGTERM while the dump loads: 5 (not 143), the database stays fenced") {
    // a plain SQL dump that is still loading when TERM arrives
    SourceCluster::Must(
        PgBinDir() + "/pg_dump -Fp -f " + Q(dir / "slow.sql") + " " + Q(pg.Dsn(source)), "dump");
    WriteFile(dir / "slow.sql", ReadFile(dir / "slow.sql") + "\nSELECT pg_sleep(30);\n");
    Sh r = Shell("timeout --preserve-status -s TERM 3 env " + Env(dir) + Hook("pg-restore.sh") +
                 " --dump " + Q(dir / "slow.sql") + rest);
    INFO(r.out);
    CHECK(r.code == 5);
    CHECK(r.out.find("interrupted by SIGTERM") != std::string::npos);
    CHECK(ReadSummary(dir / "summary")["step_exit"] == "5");
    CHECK(fenced());
  }

  SECTION("an option without its value: 2 (not 1), nothing created") {
    Sh r = Shell(Env(dir) + Hook("pg-restore.sh") + " --dump " + Q(dir / "app.dump") + rest +
                 " --jobs");
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(pg.Psql("SELECT count(*) FROM pg_database WHERE datname = '" + db + "'") == "0\n");
  }

  pg.Psql("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  pg.Psql("DROP DATABASE " + source);
}

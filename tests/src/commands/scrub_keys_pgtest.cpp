// Issue 16: scrub follows the dump's foreign keys as the server does. The scrubbed dump of a
// schema with CASCADE and SET NULL children the map does not name restores with psql into an
// empty database and equals a copy of the source where the server deleted the same accounts; a
// cascade into rows the map keeps is refused with no output.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/src/exports/export_fixture.h"
#include "tests/support/pg_cluster.h"

using tombstone::testing::ExportFixture;
using tombstone::testing::PgBinDir;
using tombstone::testing::PgCluster;
using tombstone::testing::ReadFile;
using tombstone::testing::RunResult;
using tombstone::testing::WriteFile;

namespace {

// Children named so that pg_dump writes their rows before their parents'.
const char* kSchema = R"SQL(
CREATE TABLE zaccounts (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE sessions (id int PRIMARY KEY,
                       account_id bigint NOT NULL REFERENCES zaccounts ON DELETE CASCADE, token text);
CREATE TABLE clicks (id int PRIMARY KEY, session_id int REFERENCES sessions ON DELETE CASCADE);
CREATE TABLE tickets (id int PRIMARY KEY, account_id bigint REFERENCES zaccounts ON DELETE SET NULL,
                      body text);
CREATE TABLE audit (id int PRIMARY KEY, account_id bigint REFERENCES zaccounts ON DELETE CASCADE,
                    what text);
INSERT INTO zaccounts SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 50) g;
INSERT INTO sessions SELECT g, 1 + g % 50, 't' || g FROM generate_series(1, 200) g;
INSERT INTO clicks SELECT g, 1 + g % 200 FROM generate_series(1, 400) g;
INSERT INTO tickets SELECT g, 1 + g % 50, 'b' || g FROM generate_series(1, 100) g;
INSERT INTO audit SELECT g, 1 + g % 50, 'login' FROM generate_series(1, 100) g;
)SQL";

const char* kMap = R"MAP([kinds]
email = "email"
user_id = "exact"

[[table]]
name = "public.zaccounts"
match = [ { column = "email", kind = "email" } ]
action = "delete"
)MAP";

const char* kRetainAudit = R"MAP(
[[table]]
name = "public.audit"
match = [ { column = "account_id", kind = "user_id" } ]
action = "retain"
reason = "security log"
)MAP";

int Shell(const std::string& command) { return std::system(command.c_str()); }
std::string Q(const std::string& s) { return "'" + s + "'"; }

}  // namespace

TEST_CASE("scrub follows the dump's foreign keys: CASCADE removes, SET NULL clears", "[pg]") {
  PgCluster& pg = PgCluster::Shared();
  const std::string source = pg.CreateDatabase("keys_src");
  pg.Psql(kSchema, source);
  ExportFixture f;
  f.Add("REQ-7", {"email:USER7@example.com", "user_id:7"});
  f.Add("REQ-8", {"email:user8@example.com"});
  WriteFile(f.Path("map.toml"), kMap);
  const std::string format =
      GENERATE(std::string("-Fp"), std::string("-Fc"), std::string("-Fd"));  // -Fd: a directory
  INFO("pg_dump " << format);
  const std::string dump = f.Path("app.dump"), clean = f.Path("clean.sql");
  REQUIRE(Shell(PgBinDir() + "/pg_dump " + format + " -f " + Q(dump) + " " + Q(pg.Dsn(source))) ==
          0);

  const RunResult scrub =
      f.fx.Run({"scrub", "--format", "json", "--map", f.Path("map.toml"), dump, clean});
  INFO(scrub.out << scrub.err);
  REQUIRE(scrub.code == 0);
  CHECK_THAT(scrub.err, Catch::Contains("rows removed by ON DELETE CASCADE"));
  const std::string restored = pg.CreateDatabase("keys_dst");
  REQUIRE(Shell(PgBinDir() + "/psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -f " + Q(clean) + " " +
                Q(pg.Dsn(restored)) + " > " + Q(f.Path("restore.log")) + " 2>&1") == 0);
  INFO(ReadFile(f.Path("restore.log")));

  // What the server does with the same deletes.
  const std::string server = pg.CreateDatabase("keys_server");
  REQUIRE(Shell(PgBinDir() + "/pg_dump -Fp " + Q(pg.Dsn(source)) + " | " + PgBinDir() +
                "/psql -X -q -v ON_ERROR_STOP=1 -o /dev/null " + Q(pg.Dsn(server)) +
                " > /dev/null 2>&1") == 0);
  pg.Psql("DELETE FROM zaccounts WHERE id IN (7, 8)", server);
  for (const char* table : {"zaccounts", "sessions", "clicks", "tickets", "audit"}) {
    INFO(table);
    const std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY id";
    CHECK(pg.Psql(sql, restored) == pg.Psql(sql, server));
  }
  CHECK(pg.Psql("SELECT count(*) FROM sessions WHERE account_id IN (7, 8)", restored) == "0\n");
  CHECK(pg.Psql("SELECT count(*) FROM tickets WHERE account_id IS NULL", restored) == "4\n");
  CHECK(pg.Psql("SELECT count(*) FROM clicks", restored) != pg.Psql("SELECT count(*) FROM clicks",
                                                                   source));
}

TEST_CASE("a cascade into rows the map keeps is refused before any output", "[pg]") {
  PgCluster& pg = PgCluster::Shared();
  const std::string source = pg.CreateDatabase("keys_keep");
  pg.Psql(kSchema, source);
  ExportFixture f;
  f.Add("REQ-7", {"email:user7@example.com", "user_id:7"});
  WriteFile(f.Path("map.toml"), std::string(kMap) + kRetainAudit);
  const std::string dump = f.Path("app.sql"), clean = f.Path("clean.sql");
  REQUIRE(Shell(PgBinDir() + "/pg_dump -Fp -f " + Q(dump) + " " + Q(pg.Dsn(source))) == 0);
  const RunResult scrub = f.fx.Run({"scrub", "--map", f.Path("map.toml"), dump, clean});
  INFO(scrub.out << scrub.err);
  CHECK(scrub.code == 2);
  CHECK_THAT(scrub.err,
             Catch::Contains("foreign key 'audit_account_id_fkey' (ON DELETE CASCADE) from "
                             "public.audit to public.zaccounts would remove a row of public.audit "
                             "that the map keeps (retained)"));
  CHECK_FALSE(std::filesystem::exists(clean));
  CHECK(scrub.out.empty());
}

TEST_CASE("scan counts the rows scrub removes through the dump's foreign keys", "[pg]") {
  // Before, scan read the dump once and did not follow the keys: it reported the 2 accounts and
  // none of the 28 sessions, clicks and audit rows (nor the 4 tickets) that scrub removes with
  // them, so its count was lower than what the scrubbed copy loses.
  PgCluster& pg = PgCluster::Shared();
  const std::string source = pg.CreateDatabase("keys_scan");
  pg.Psql(kSchema, source);
  ExportFixture f;
  f.Add("REQ-7", {"email:user7@example.com", "user_id:7"});
  f.Add("REQ-8", {"email:user8@example.com"});
  WriteFile(f.Path("map.toml"), kMap);
  const std::string dump = f.Path("app.sql");
  REQUIRE(Shell(PgBinDir() + "/pg_dump -Fp -f " + Q(dump) + " " + Q(pg.Dsn(source))) == 0);

  const RunResult scan = f.fx.Run({"scan", "--format", "json", "--map", f.Path("map.toml"), dump});
  INFO(scan.out << scan.err);
  CHECK(scan.code == 3);
  const auto file = nlohmann::json::parse(scan.out)["files"][0];
  CHECK(file["removed"] == 2);
  CHECK(file["cascade_removed_rows"] == 8 + 16 + 4);  // sessions, their clicks, audit
  CHECK(file["cascade_set_null_rows"] == 4);          // tickets
  CHECK_THAT(scan.err, Catch::Contains("28 rows that scrub would remove by ON DELETE CASCADE"));
  CHECK_THAT(scan.err, Catch::Contains("34 rows of tombstoned subjects found in 1 file"));

  const RunResult scrub = f.fx.Run(
      {"scrub", "--format", "json", "--map", f.Path("map.toml"), dump, f.Path("clean.sql")});
  REQUIRE(scrub.code == 0);
  const auto scrubbed = nlohmann::json::parse(scrub.out)["files"][0];
  CHECK(scrubbed["cascade_removed_rows"] == file["cascade_removed_rows"]);
  CHECK(scrubbed["cascade_set_null_rows"] == file["cascade_set_null_rows"]);

  SECTION("a cascade scrub would refuse is refused by scan too") {
    WriteFile(f.Path("map.toml"), std::string(kMap) + kRetainAudit);
    const RunResult refused = f.fx.Run({"scan", "--map", f.Path("map.toml"), dump});
    CHECK(refused.code == 2);
    CHECK_THAT(refused.err, Catch::Contains("unable to scan '" + dump + "': line "));
    CHECK_THAT(refused.err, Catch::Contains("would remove a row of public.audit that the map "
                                            "keeps (retained)"));
  }
}

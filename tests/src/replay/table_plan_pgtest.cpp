// The data map checked against a live schema: every problem is exit 2 naming the map line, and
// is found before anything changes (no fence, no row touched).
#include <catch2/catch.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/integration_db.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace tombstone::testing;

// A map over the integration schema whose line 9 is `line9` (inside the invoices table).
std::string MapWith(const std::string& table_line, const std::string& match_line,
                    const std::string& extra_line) {
  return "[kinds]\n"              // 1
         "email = \"email\"\n"    // 2
         "user_id = \"exact\"\n"  // 3
         "\n"                     // 4
         "[[table]]\n"            // 5
         + table_line + "\n"      // 6
         + match_line +
         "\n"                        // 7
         "action = \"anonymize\"\n"  // 8
         + extra_line + "\n";        // 9
}

const std::string kInvoices = "name = \"public.invoices\"";
const std::string kMatch = "match = [ { column = \"customer_id\", kind = \"user_id\" } ]";

}  // namespace

TEST_CASE_METHOD(
    IntegrationFixture,
    "a data map that does not fit the schema is refused with its line before any change",
    "[pg][replay]") {
  const std::string before =
      db.Value("SELECT md5(string_agg(x::text, ',' ORDER BY id)) FROM invoices x");
  const std::string map = dir / "map.toml";
  std::string table = kInvoices, match = kMatch, extra = "set = { billing_name = \"null\" }";
  std::string expected;

  SECTION("an unknown table") {
    table = "name = \"public.nope\"";
    expected = "line 5: table 'public.nope' does not exist in the database";
  }
  SECTION("an unknown match column") {
    match = "match = [ { column = \"customer\", kind = \"user_id\" } ]";
    expected = "line 7: column 'customer' of table 'public.invoices' does not exist";
  }
  SECTION("an expression that fails to run") {
    match = "match = [ { expr = \"billing_email->>'x'\", kind = \"email\" } ]";
    expected =
        "line 7: the expression on table 'public.invoices' does not run: operator does not "
        "exist";
  }
  SECTION("an unknown anonymized column") {
    extra = "set = { nickname = \"null\" }";
    expected = "line 9: column 'nickname' of table 'public.invoices' does not exist";
  }
  SECTION("'null' for a NOT NULL column") {
    extra = "set = { billing_email = \"null\" }";
    expected = "line 9: column 'billing_email' of table 'public.invoices' is NOT NULL";
  }
  SECTION("'hash' for a column that is not text") {
    extra = "set = { amount = \"hash\" }";
    expected =
        "line 9: strategy 'hash' needs a text column, but column 'amount' of table "
        "'public.invoices' is 'numeric(10,2)'";
  }
  SECTION("'redact' for a column too short for the marker") {
    extra = "set = { country = \"redact\" }";
    expected =
        "line 9: the redact marker for column 'country' of table 'public.invoices' does "
        "not fit type 'character(2)': it would be cut to '[r'";
  }
  SECTION("a literal longer than the column") {
    extra = "set = { country = \"'XYZ'\" }";
    expected =
        "line 9: the literal for column 'country' of table 'public.invoices' does not fit "
        "type 'character(2)': it would be cut to 'XY'";
  }
  SECTION("a literal the column's type cannot hold") {
    extra = "set = { amount = \"'lots'\" }";
    expected =
        "line 9: the literal for column 'amount' of table 'public.invoices' does not fit "
        "type 'numeric(10,2)': invalid input syntax for type numeric";
  }
  SECTION("a guard column that is not a date or timestamp") {
    extra = "set = { billing_name = \"null\" }\ncreated_at = \"billing_name\"";
    expected =
        "line 5: guard column 'billing_name' of table 'public.invoices' is 'text', not a "
        "date or timestamp";
  }
  SECTION("a partition instead of its partitioned parent") {
    table = "name = \"public.page_views_2023\"";
    match = "match = [ { column = \"user_email\", kind = \"email\" } ]";
    extra = "set = { path = \"redact\" }";
    expected = "line 5: table 'public.page_views_2023' is a partition: map its partitioned parent";
  }
  WriteFile(map, MapWith(table, match, extra));
  for (const char* command : {"replay", "verify"}) {
    const RunResult r = store.Run({command, "--dsn", db.dsn, "--map", map});
    INFO(command << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("unable to use data map '" + map + "': " + expected) != std::string::npos);
  }
  CHECK(db.Value("SELECT md5(string_agg(x::text, ',' ORDER BY id)) FROM invoices x") == before);
  CHECK(db.Value("SELECT datconnlimit FROM pg_database WHERE datname = current_database()") ==
        "-1");
}

TEST_CASE_METHOD(IntegrationFixture,
                 "a kind the map normalizes differently from the store is refused",
                 "[pg][replay]") {
  const std::string map = dir / "map.toml";
  WriteFile(map,
            "[kinds]\nemail = \"exact\"\n\n[[table]]\nname = \"public.users\"\n"
            "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
  const RunResult r = store.Run({"replay", "--dsn", db.dsn, "--map", map});
  CHECK(r.code == 2);
  CHECK(
      r.err.find(
          "line 6: kind 'email' is normalized as 'exact' by the map but as 'email' by the store") !=
      std::string::npos);
}

TEST_CASE_METHOD(IntegrationFixture,
                 "replay refuses a role that is not a superuser, before any change",
                 "[pg][replay]") {
  pg.EnsureRole("app");
  db.Psql("GRANT SELECT, DELETE, UPDATE ON ALL TABLES IN SCHEMA public TO app;");
  const RunResult r =
      store.Run({"replay", "--dsn", pg.DsnAs("app", db.name), "--map", IntegrationMap()});
  CHECK(r.code == 2);
  CHECK(r.err.find("unable to fence the database: the connecting role is not a superuser") !=
        std::string::npos);
  CHECK(db.Value("SELECT count(*) FROM users WHERE id = 3") == "1");
}

TEST_CASE("a connection failure is exit 1 and never shows the password", "[pg][replay]") {
  TempDir dir;
  StoreFixture store(dir.path());
  const RunResult r = store.Run(
      {"verify", "--dsn", "host=" + dir.path() + " port=1 user=x password=s3cret-pw dbname=x",
       "--map", IntegrationMap()});
  CHECK(r.code == 1);
  // The DSN as libpq's parser reads it, in libpq's keyword order (src/pg/dsn.h).
  CHECK(r.err.find("unable to connect to 'user=x password=<redacted> dbname=x host=" +
                   dir.path() + " port=1'") != std::string::npos);
  CHECK(r.err.find("s3cret-pw") == std::string::npos);
}

// Schemas replay already handled, kept as regression tests: citext, char(n) padding, spaces and
// case, nested json, Unicode forms, one table name in two schemas, quoted and reserved names,
// partitions with a DEFAULT partition and sub-partitions, row-level security, a database whose
// transactions are read-only by default. Each: exit 0, residue 0, collateral 0.
#include "tests/src/replay/schema_case.h"

namespace {

using tombstone::testing::RunResult;
using tombstone::testing::SchemaCase;

// Replays `c` and checks: exit 0, `remaining` (SQL returning a count of the erased subject's
// rows) is 0, every other row of `tables` unchanged, and a second replay exits 0 too.
void CheckClean(SchemaCase& c, const std::string& remaining,
                const std::vector<std::pair<std::string, std::string>>& tables) {
  std::string before;
  for (const auto& [table, erased] : tables) before += c.Others(table, erased) + " ";
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(c.Value(remaining) == "0");
  std::string after;
  for (const auto& [table, erased] : tables) after += c.Others(table, erased) + " ";
  CHECK(after == before);
  CHECK_FALSE(c.Fenced());
  CHECK(c.Verify().code == 0);
}

const char* kEmailKind = "[kinds]\nemail = \"email\"\n";

}  // namespace

TEST_CASE("citext, char(n) padding, spaces and case still match", "[pg][replay][schema]") {
  SchemaCase c(
      "CREATE EXTENSION citext;"
      "CREATE TABLE users (id integer PRIMARY KEY, email citext, code char(8), contact char(40));"
      "INSERT INTO users VALUES (1, 'ALICE@Example.com', 'x1', NULL),"
      " (2, 'bob@example.org', 'abc', NULL), (3, 'carol@example.org', 'zz', '  Alice@EXAMPLE.com '),"
      " (4, 'dan@example.org', 'abcd', 'dan@example.org');");
  c.Erase("R-1", "email:alice@example.com\nuser_code:abc\n");
  c.Map(std::string(kEmailKind) + "user_code = \"exact\"\n[[table]]\nname = \"users\"\n"
        "match = [ { column = \"email\", kind = \"email\" }, { column = \"code\", kind = "
        "\"user_code\" }, { column = \"contact\", kind = \"email\" } ]\naction = \"delete\"\n");
  CheckClean(c, "SELECT count(*) FROM users WHERE id IN (1, 2, 3)",
             {{"users", "x.id IN (1, 2, 3)"}});
  CHECK(c.Value("SELECT count(*) FROM users") == "1");
}

TEST_CASE("nested json and Unicode forms still match", "[pg][replay][schema]") {
  SchemaCase c(
      "SET client_encoding = 'UTF8';"
      "CREATE TABLE events (id integer PRIMARY KEY, payload jsonb, who text);"
      "INSERT INTO events VALUES"
      " (1, '{\"contact\": {\"email\": \"Alice@Example.com\"}}', NULL),"
      " (2, '{}', E'ju\\u0308rgen@example.com'),"             // NFD
      " (3, '{}', 'ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ'),"          // full-width
      " (4, '{}', E'\\u00a0alice@example.com\\u00a0'),"         // no-break spaces
      " (5, '{\"contact\": {\"email\": \"bob@example.org\"}}', 'jurgen@example.com');");
  c.Erase("R-1", "email:alice@example.com\n");
  c.Erase("R-2", "email:jürgen@example.com\n");
  c.Map(std::string(kEmailKind) + "[[table]]\nname = \"events\"\n"
        "match = [ { expr = \"payload->'contact'->>'email'\", kind = \"email\" },"
        " { column = \"who\", kind = \"email\" } ]\naction = \"delete\"\n");
  CheckClean(c, "SELECT count(*) FROM events WHERE id <= 4", {{"events", "x.id <= 4"}});
}

TEST_CASE("one table name in two schemas, quoted and reserved names", "[pg][replay][schema]") {
  SchemaCase c(
      "CREATE SCHEMA a; CREATE SCHEMA \"B Side\";"
      "CREATE TABLE a.users (id integer PRIMARY KEY, email text);"
      "CREATE TABLE \"B Side\".users (id integer PRIMARY KEY, email text);"
      "CREATE TABLE \"Order Items\" (\"Select\" integer PRIMARY KEY, \"User-Email\" text,"
      " \"from\" text);"
      "INSERT INTO a.users VALUES (1, 'alice@example.com'), (2, 'bob@example.org');"
      "INSERT INTO \"B Side\".users VALUES (1, 'alice@example.com');"
      "INSERT INTO \"Order Items\" VALUES (1, 'Alice@example.com', 'x'), (2, 'b@example.org', 'y');");
  c.Erase("R-1", "email:alice@example.com\n");
  c.Map(std::string(kEmailKind) +
        "[[table]]\nname = \"a.users\"\nmatch = [ { column = \"email\", kind = \"email\" } ]\n"
        "action = \"delete\"\n"
        "[[table]]\nname = \"public.Order Items\"\n"
        "match = [ { column = \"User-Email\", kind = \"email\" } ]\naction = \"anonymize\"\n"
        "set = { \"User-Email\" = \"hash\", \"from\" = \"null\" }\n");
  CheckClean(c,
             "SELECT (SELECT count(*) FROM a.users WHERE id = 1) +"
             " (SELECT count(*) FROM \"Order Items\" WHERE \"User-Email\" ILIKE 'alice%')",
             {{"a.users", "x.id = 1"},
              {"\"B Side\".users", "false"},
              {"\"Order Items\"", "x.\"Select\" = 1"}});
  CHECK(c.Value("SELECT count(*) FROM \"B Side\".users") == "1");
}

TEST_CASE("partitions at every depth, with a DEFAULT partition", "[pg][replay][schema]") {
  SchemaCase c(
      "CREATE TABLE visits (id bigint, at date NOT NULL, email text) PARTITION BY RANGE (at);"
      "CREATE TABLE visits_2023 PARTITION OF visits FOR VALUES FROM ('2023-01-01') TO "
      "('2024-01-01') PARTITION BY LIST (email);"
      "CREATE TABLE visits_2023_a PARTITION OF visits_2023 FOR VALUES IN ('alice@example.com');"
      "CREATE TABLE visits_2023_rest PARTITION OF visits_2023 DEFAULT;"
      "CREATE TABLE visits_other PARTITION OF visits DEFAULT;"
      "INSERT INTO visits VALUES (1, '2023-02-01', 'alice@example.com'),"
      " (2, '2023-03-01', 'ALICE@example.com'), (3, '2023-03-01', 'bob@example.org'),"
      " (4, '2025-01-01', 'alice@example.com'), (5, '2025-01-01', 'bob@example.org');");
  c.Erase("R-1", "email:alice@example.com\n");
  c.Map(std::string(kEmailKind) + "[[table]]\nname = \"visits\"\n"
        "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
  CheckClean(c, "SELECT count(*) FROM visits WHERE lower(email) = 'alice@example.com'",
             {{"visits_2023_a", "lower(x.email) = 'alice@example.com'"},
              {"visits_2023_rest", "lower(x.email) = 'alice@example.com'"},
              {"visits_other", "lower(x.email) = 'alice@example.com'"}});
  CHECK(c.Value("SELECT count(*) FROM visits") == "2");
}

TEST_CASE("row-level security and read-only defaults do not hide rows from replay",
          "[pg][replay][schema]") {
  SchemaCase c(
      "CREATE TABLE notes (id integer PRIMARY KEY, email text, owner text DEFAULT 'x');"
      "ALTER TABLE notes ENABLE ROW LEVEL SECURITY; ALTER TABLE notes FORCE ROW LEVEL SECURITY;"
      "CREATE POLICY only_mine ON notes USING (owner = current_user);"
      "INSERT INTO notes VALUES (1, 'alice@example.com'), (2, 'bob@example.org');");
  c.Psql("ALTER DATABASE " + c.db() + " SET default_transaction_read_only = on;");
  c.Erase("R-1", "email:alice@example.com\n");
  c.Map(std::string(kEmailKind) + "[[table]]\nname = \"notes\"\n"
        "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
  CheckClean(c, "SELECT count(*) FROM notes WHERE id = 1", {{"notes", "x.id = 1"}});
}

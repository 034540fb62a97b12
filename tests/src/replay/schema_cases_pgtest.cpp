// Replay sees the whole schema (issue: replay said "clean" while an erased person's data was
// still there): arrays and json arrays, the types a kind can read, non-UTF-8 databases, guards
// without a time zone, inheritance, materialized views, and the anonymize refusals. Each case is
// a small schema of its own (schema_case.h).
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/src/replay/schema_case.h"

namespace {

using tombstone::testing::ReadFile;
using tombstone::testing::RunResult;
using tombstone::testing::SchemaCase;
using nlohmann::json;

// A refusal: exit 2 naming the map line and the cause, no fence, nothing changed.
void CheckRefused(SchemaCase& c, const std::string& line, const std::string& cause,
                  const std::vector<std::string>& extra = {}) {
  const std::string before = c.Everything();
  const RunResult r = c.Replay(extra);
  INFO(r.out << r.err);
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("line " + line + ":"));
  CHECK_THAT(r.err, Catch::Contains(cause));
  CHECK_FALSE(c.Fenced());
  CHECK(c.Everything() == before);
}

const char* kPeople = R"sql(
CREATE TABLE people (
  id bigint PRIMARY KEY,
  emails text[],
  alternates varchar(80)[],
  account_ids bigint[],
  payload jsonb
);
INSERT INTO people VALUES
  (1, '{Alice@Example.com, friend@example.org}', NULL, NULL, NULL),
  (2, NULL, '{{"x@example.org"}, {" ALICE@example.com"}}', NULL, NULL),
  (3, NULL, NULL, '{7, 42}', NULL),
  (4, NULL, NULL, NULL, '{"emails": ["other@example.org", "alice@EXAMPLE.com"]}'),
  (5, NULL, NULL, NULL, '{"contact": {"emails": [{"home": "alice@example.com"}]}}'),
  (6, '{friend@example.org, NULL}', '{}', '{7}', '{"emails": ["friend@example.org"], "n": 42.5}'),
  (7, '{}', NULL, '{43}', '{"emails": []}');
)sql";

}  // namespace

TEST_CASE("array elements and json strings are matched one by one", "[pg][replay][schema]") {
  SchemaCase c(kPeople);
  c.Erase("R-1", "email:alice@example.com\nuser_id:42\n");
  c.Map(R"toml(
[kinds]
email = "email"
user_id = "exact"

[[table]]
name = "people"
match = [ { column = "emails", kind = "email" },
          { column = "alternates", kind = "email" },
          { column = "account_ids", kind = "user_id" },
          { expr = "payload->'emails'", kind = "email" },
          { column = "payload", kind = "email" } ]
action = "delete"
)toml");
  const std::string erased = "x.id IN (1, 2, 3, 4, 5)";
  const std::string others = c.Others("people", erased);
  const RunResult verify_before = c.Verify();
  INFO(verify_before.out << verify_before.err);
  CHECK(verify_before.code == 3);
  CHECK_THAT(verify_before.out, Catch::Contains("5 rows"));
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(c.Value("SELECT count(*) FROM (SELECT p::text AS t, account_ids FROM people p) q"
                " WHERE t ILIKE '%alice@%' OR account_ids @> '{42}'") == "0");
  CHECK(c.Others("people", erased) == others);
  CHECK(c.Value("SELECT string_agg(id::text, ',' ORDER BY id) FROM people") == "6,7");
  CHECK(c.Verify().code == 0);
}

TEST_CASE("a match source of a type its kind cannot read is refused before the fence",
          "[pg][replay][schema]") {
  SchemaCase c(
      "CREATE TABLE accounts (id integer PRIMARY KEY, email text, balance numeric);"
      "INSERT INTO accounts VALUES (1, 'alice@example.com', 10), (42, 'bob@example.com', 5);");
  c.Erase("R-1", "email:alice@example.com\nuser_id:42\n");
  SECTION("an integer column with kind email") {
    c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"accounts\"\n"
          "match = [ { column = \"id\", kind = \"email\" } ]\naction = \"delete\"\n");
    CheckRefused(c, "5", "can never match column 'id' of table 'public.accounts': its type is "
                         "'integer'");
  }
  SECTION("a numeric column with an exact kind") {
    c.Map("[kinds]\nuser_id = \"exact\"\n[[table]]\nname = \"accounts\"\n"
          "match = [ { column = \"balance\", kind = \"user_id\" } ]\naction = \"delete\"\n");
    CheckRefused(c, "5", "its type is 'numeric'");
  }
  SECTION("an expression of a type the kind cannot read, also under --dry-run") {
    c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"accounts\"\n"
          "match = [ { expr = \"balance * 2\", kind = \"email\" } ]\naction = \"delete\"\n");
    CheckRefused(c, "5", "can never match the expression on line 5", {"--dry-run"});
  }
}

TEST_CASE("a LATIN1 database is read in UTF-8 whatever the client environment says",
          "[pg][replay][schema]") {
  SchemaCase c(
      "SET client_encoding = 'UTF8';"
      "CREATE TABLE users (id integer PRIMARY KEY, email text);"
      "INSERT INTO users VALUES (1, 'jürgen@müller.de'), (2, 'Jürgen@Müller.DE '),"
      " (3, 'juergen@mueller.de');",
      "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
  REQUIRE(c.Value("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = "
                  "current_database()") == "LATIN1");
  c.Erase("R-1", "email:JÜRGEN@müller.de\n");
  c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"users\"\n"
        "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
  ::setenv("PGCLIENTENCODING", "LATIN1", 1);
  const RunResult r = c.Replay();
  ::unsetenv("PGCLIENTENCODING");
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(c.Value("SELECT string_agg(id::text, ',' ORDER BY id) FROM users") == "3");
}

TEST_CASE("a SQL_ASCII database is refused: its bytes have no known encoding",
          "[pg][replay][schema]") {
  SchemaCase c("CREATE TABLE users (id integer PRIMARY KEY, email text);"
               "INSERT INTO users VALUES (1, 'alice@example.com');",
               "ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
  c.Erase("R-1", "email:alice@example.com\n");
  c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"users\"\n"
        "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
  const RunResult r = c.Replay();
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("SQL_ASCII"));
  CHECK_FALSE(c.Fenced());
  CHECK(c.Value("SELECT count(*) FROM users") == "1");
}

TEST_CASE("a guard without time zone is read in the database's zone, or the map's",
          "[pg][replay][schema]") {
  // Erased at 2024-06-01T00:00:00Z: 09:00 in Tokyo, 17:00 the day before in Los Angeles.
  const char* schema =
      "CREATE TABLE signups (id integer PRIMARY KEY, email text, created_at timestamp,"
      " created_on date);";
  const char* map =
      "[kinds]\nemail = \"email\"\n[[table]]\nname = \"signups\"\n"
      "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n"
      "created_at = \"created_at\"\n";
  SECTION("Tokyo: an earlier sign-up is deleted, a later one is kept") {
    SchemaCase c(schema);
    c.Psql("ALTER DATABASE " + c.db() + " SET timezone = 'Asia/Tokyo';"
           "INSERT INTO signups VALUES (1, 'alice@example.com', '2024-06-01 08:00', NULL),"
           " (2, 'alice@example.com', '2024-06-01 10:00', NULL);");
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map(map);
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(c.Value("SELECT string_agg(id::text, ',' ORDER BY id) FROM signups") == "2");
    CHECK_THAT(r.out, Catch::Contains("read as Asia/Tokyo time"));
    CHECK(json::parse(ReadFile(c.ReceiptPath()))["tables"][0]["guard_zone"] == "Asia/Tokyo");
  }
  SECTION("Los Angeles: a sign-up after the erasure is kept, one before is deleted") {
    SchemaCase c(schema);
    c.Psql("ALTER DATABASE " + c.db() + " SET timezone = 'America/Los_Angeles';"
           "INSERT INTO signups VALUES (1, 'alice@example.com', '2024-05-31 16:00', NULL),"
           " (2, 'alice@example.com', '2024-05-31 18:00', NULL);");
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map(map);
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(c.Value("SELECT string_agg(id::text, ',' ORDER BY id) FROM signups") == "2");
  }
  SECTION("created_at_zone names the zone explicitly, for dates too") {
    SchemaCase c(schema);
    c.Psql("ALTER DATABASE " + c.db() + " SET timezone = 'Asia/Tokyo';"
           "INSERT INTO signups VALUES (1, 'alice@example.com', NULL, '2024-05-31'),"
           " (2, 'alice@example.com', NULL, '2024-06-01');");
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"signups\"\n"
          "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n"
          "created_at = \"created_on\"\ncreated_at_zone = \"America/Los_Angeles\"\n");
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    // 2024-06-01 00:00 in Los Angeles is after the erasure: kept; the day before is not.
    CHECK(c.Value("SELECT string_agg(id::text, ',' ORDER BY id) FROM signups") == "2");
  }
  SECTION("an unknown zone is refused before the fence") {
    SchemaCase c(schema);
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map(std::string(map) + "created_at_zone = \"Mars/Olympus\"\n");
    CheckRefused(c, "3", "time zone 'Mars/Olympus'");
  }
}

TEST_CASE("tables that inherit from a mapped table are covered, each by its own row identity",
          "[pg][replay][schema]") {
  SECTION("with and without a primary key") {
    for (const std::string key : {"PRIMARY KEY", ""}) {
      INFO("key: '" << key << "'");
      SchemaCase c("CREATE TABLE contacts (id integer " + key + ", email text);"
                   "CREATE TABLE contacts_vip (tier text) INHERITS (contacts);"
                   "CREATE TABLE contacts_vip_gold (perks text) INHERITS (contacts_vip);"
                   "INSERT INTO contacts VALUES (1, 'innocent@example.org'), (2, 'alice@example.com');"
                   "INSERT INTO contacts_vip VALUES (1, 'ALICE@example.com', 'silver'),"
                   " (3, 'bob@example.org', 'silver');"
                   "INSERT INTO contacts_vip_gold VALUES (1, 'alice@example.com ', 'gold', 'x'),"
                   " (2, 'carol@example.org', 'gold', 'y');");
      c.Erase("R-1", "email:alice@example.com\n");
      c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"contacts\"\n"
            "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
      const std::string erased = "lower(trim(x.email)) = 'alice@example.com'";
      const std::string others = c.Others("contacts", erased) + c.Others("contacts_vip", erased) +
                                 c.Others("contacts_vip_gold", erased);
      const RunResult r = c.Replay();
      INFO(r.out << r.err);
      CHECK(r.code == 0);
      CHECK(c.Value("SELECT count(*) FROM contacts WHERE lower(trim(email)) = 'alice@example.com'") ==
            "0");
      CHECK(c.Others("contacts", erased) + c.Others("contacts_vip", erased) +
                c.Others("contacts_vip_gold", erased) ==
            others);
      CHECK(c.Value("SELECT count(*) FROM contacts") == "3");
      CHECK_THAT(r.out, Catch::Contains("public.contacts_vip_gold (inherits from public.contacts)"));
      CHECK(c.Replay().code == 0);  // and again: nothing left, nothing else hit
    }
  }
  SECTION("a child with an entry of its own follows that entry") {
    SchemaCase c("CREATE TABLE contacts (id integer PRIMARY KEY, email text);"
                 "CREATE TABLE contacts_archive () INHERITS (contacts);"
                 "INSERT INTO contacts VALUES (1, 'alice@example.com');"
                 "INSERT INTO contacts_archive VALUES (1, 'alice@example.com');");
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map("[kinds]\nemail = \"email\"\n"
          "[[table]]\nname = \"contacts\"\nmatch = [ { column = \"email\", kind = \"email\" } ]\n"
          "action = \"delete\"\n"
          "[[table]]\nname = \"contacts_archive\"\n"
          "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"retain\"\n"
          "reason = \"legal archive\"\n");
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(c.Value("SELECT count(*) FROM ONLY contacts") == "0");
    CHECK(c.Value("SELECT count(*) FROM contacts_archive") == "1");
  }
}

TEST_CASE("materialized views over changed tables are refreshed; named ones are verified",
          "[pg][replay][schema]") {
  const char* schema =
      "CREATE TABLE users (id integer PRIMARY KEY, email text);"
      "INSERT INTO users VALUES (1, 'alice@example.com'), (2, 'bob@example.org');"
      "CREATE VIEW user_emails AS SELECT id, email FROM users;"
      "CREATE MATERIALIZED VIEW user_report AS SELECT id, email FROM user_emails;"
      "CREATE MATERIALIZED VIEW user_report_2 AS SELECT * FROM user_report;"
      "CREATE MATERIALIZED VIEW never_filled AS SELECT * FROM users WITH NO DATA;";
  const char* users =
      "[kinds]\nemail = \"email\"\n[[table]]\nname = \"users\"\n"
      "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n";
  SECTION("a view over a mapped table, through a plain view and another view") {
    SchemaCase c(schema);
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map(users);
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(c.Value("SELECT count(*) FROM user_report WHERE email LIKE 'alice%'") == "0");
    CHECK(c.Value("SELECT count(*) FROM user_report_2 WHERE email LIKE 'alice%'") == "0");
    CHECK(c.Value("SELECT count(*) FROM user_report_2") == "1");
    CHECK(c.Value("SELECT relispopulated FROM pg_class WHERE relname = 'never_filled'") == "f");
    const json receipt = json::parse(ReadFile(c.ReceiptPath()));
    CHECK(receipt["materialized_views_refreshed"].size() == 2);
    CHECK(receipt["materialized_views_refreshed"][0]["view"] == "public.user_report");
  }
  SECTION("a view the map names with match sources: verify sees it, replay cleans it") {
    SchemaCase c(schema);
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map(std::string(users) +
          "[[table]]\nname = \"user_report_2\"\naction = \"refresh\"\n"
          "match = [ { column = \"email\", kind = \"email\" } ]\n");
    c.Psql("DELETE FROM users WHERE id = 1;");  // the table is clean, the view is not
    CHECK(c.Verify().code == 3);
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(c.Verify().code == 0);
  }
  SECTION("a plain view in the map is refused") {
    SchemaCase c(schema);
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"user_emails\"\n"
          "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
    CheckRefused(c, "3", "is a view: it holds no data of its own");
  }
  SECTION("a materialized view mapped like a table is refused") {
    SchemaCase c(schema);
    c.Erase("R-1", "email:alice@example.com\n");
    c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"user_report\"\n"
          "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
    CheckRefused(c, "3", "is a materialized view");
  }
}

TEST_CASE("anonymize refusals come before the fence and change nothing", "[pg][replay][schema]") {
  SchemaCase c(
      "CREATE TABLE invoices (id integer PRIMARY KEY, customer_id integer,"
      " billing_email text UNIQUE, name text,"
      " email_lower text GENERATED ALWAYS AS (lower(billing_email)) STORED,"
      " serial integer GENERATED ALWAYS AS IDENTITY);"
      "INSERT INTO invoices (id, customer_id, billing_email, name) VALUES"
      " (1, 7, 'alice@example.com', 'Alice'), (2, 7, 'ALICE+2@example.com', 'Alice'),"
      " (3, 8, 'bob@example.org', 'Bob');");
  c.Erase("R-1", "email:alice@example.com\nemail:alice+2@example.com\n");
  const std::string head =
      "[kinds]\nemail = \"email\"\n[[table]]\nname = \"invoices\"\n"
      "match = [ { column = \"billing_email\", kind = \"email\" } ]\naction = \"anonymize\"\n";
  SECTION("a generated column") {
    c.Map(head + "set = { billing_email = \"hash\", email_lower = \"redact\" }\n");
    CheckRefused(c, "7", "column 'email_lower' of table 'public.invoices' is generated");
  }
  SECTION("an identity column") {
    c.Map(head + "set = { billing_email = \"hash\", serial = 0 }\n");
    CheckRefused(c, "7", "GENERATED ALWAYS AS IDENTITY");
  }
  SECTION("a constant on a UNIQUE column, also under --dry-run") {
    c.Map(head + "set = { billing_email = \"redact\" }\n");
    CheckRefused(c, "7", "is under unique index 'invoices_billing_email_key'", {"--dry-run"});
    c.Map(head + "set = { billing_email = \"'gone'\" }\n");
    CheckRefused(c, "7", "is under unique index 'invoices_billing_email_key'");
  }
  SECTION("a set column that does not exist") {
    c.Map(head + "set = { billing_email = \"hash\", nope = \"null\" }\n");
    CheckRefused(c, "7", "column 'nope' of table 'public.invoices' does not exist");
  }
  SECTION("an anonymize that leaves the matched column as it is") {
    c.Map(head + "set = { name = \"null\" }\n");
    CheckRefused(c, "5", "leaves column 'billing_email' as it is");
  }
  SECTION("... unless the map says why it stays; the receipt records it") {
    c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"invoices\"\n"
          "match = [ { column = \"billing_email\", kind = \"email\", keep = \"tax law: the "
          "billing address stays on the invoice\" } ]\naction = \"anonymize\"\n"
          "set = { name = \"null\" }\n");
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(c.Value("SELECT count(*) FROM invoices WHERE name IS NULL") == "2");
    const json table = json::parse(ReadFile(c.ReceiptPath()))["tables"][0];
    CHECK(table["sources_kept"][0]["reason"] == "tax law: the billing address stays on the invoice");
    CHECK(c.Verify().code == 0);
  }
  SECTION("hash over a generated column's source is accepted: the generated value changes") {
    c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"invoices\"\n"
          "match = [ { column = \"email_lower\", kind = \"email\" } ]\naction = \"anonymize\"\n"
          "set = { billing_email = \"hash\" }\n");
    const std::string others = c.Others("invoices", "x.id IN (1, 2)");
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(c.Value("SELECT count(*) FROM invoices WHERE billing_email ILIKE 'alice%'") == "0");
    CHECK(c.Others("invoices", "x.id IN (1, 2)") == others);
  }
}

TEST_CASE("an anonymized row that still matches through a changed source is residue",
          "[pg][replay][schema]") {
  // The expression reads billing_email (which the anonymize nulls) but falls back on a copy.
  SchemaCase c("CREATE TABLE invoices (id integer PRIMARY KEY, billing_email text, backup text);"
               "INSERT INTO invoices VALUES (1, NULL, 'alice@example.com'),"
               " (2, 'bob@example.org', 'bob@example.org');");
  c.Erase("R-1", "email:alice@example.com\n");
  c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"invoices\"\n"
        "match = [ { expr = \"coalesce(billing_email, backup)\", kind = \"email\" } ]\n"
        "action = \"anonymize\"\nset = { billing_email = \"null\" }\n");
  const RunResult r = c.Verify();
  INFO(r.out << r.err);
  CHECK(r.code == 3);
}

TEST_CASE("a 32-hex value that this key did not make is not a pseudonym", "[pg][replay][schema]") {
  SchemaCase c("CREATE TABLE profiles (id integer PRIMARY KEY, user_id integer, gravatar text);"
               "INSERT INTO profiles VALUES (1, 42, md5('alice@example.com')), (2, 43, md5('b'));");
  c.Erase("R-1", "user_id:42\n");
  c.Map("[kinds]\nuser_id = \"exact\"\n[[table]]\nname = \"profiles\"\n"
        "match = [ { column = \"user_id\", kind = \"user_id\", keep = \"account number\" } ]\n"
        "action = \"anonymize\"\nset = { gravatar = \"hash\" }\n");
  const std::string others = c.Others("profiles", "x.id = 1");
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  const std::string gravatar = c.Value("SELECT gravatar FROM profiles WHERE id = 1");
  CHECK(gravatar != c.Value("SELECT md5('alice@example.com')"));
  CHECK(gravatar.rfind("tsp1", 0) == 0);
  CHECK(gravatar.size() == 36);
  CHECK(c.Others("profiles", "x.id = 1") == others);
  const RunResult again = c.Replay();  // now a pseudonym of this key: already anonymized
  CHECK(again.code == 0);
  CHECK(c.Value("SELECT gravatar FROM profiles WHERE id = 1") == gravatar);
  CHECK(json::parse(ReadFile(c.ReceiptPath()))["tables"][0]["rows_already_anonymized"] == 1);
}

TEST_CASE("pseudonyms are of the normalized identifier: one subject, one pseudonym",
          "[pg][replay][schema]") {
  SchemaCase c("CREATE TABLE a (id integer PRIMARY KEY, email text);"
               "CREATE TABLE b (id integer PRIMARY KEY, email varchar(60));"
               "INSERT INTO a VALUES (1, 'DAVE@example.com');"
               "INSERT INTO b VALUES (1, ' dave@EXAMPLE.com');");
  c.Erase("R-1", "email:dave@example.com\n");
  c.Map("[kinds]\nemail = \"email\"\n"
        "[[table]]\nname = \"a\"\nmatch = [ { column = \"email\", kind = \"email\" } ]\n"
        "action = \"anonymize\"\nset = { email = \"hash\" }\n"
        "[[table]]\nname = \"b\"\nmatch = [ { column = \"email\", kind = \"email\" } ]\n"
        "action = \"anonymize\"\nset = { email = \"hash\" }\n");
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(c.Value("SELECT a.email = b.email FROM a, b") == "t");
}

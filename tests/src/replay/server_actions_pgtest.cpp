// Replay accounts for every row the server changes (issue: cascades overrode retain, anonymize and
// legal holds, triggers copied erased addresses elsewhere, blockers were found after the fence,
// locks were waited on forever, failed runs' receipts said "applied"). Each case is a small
// schema of its own (schema_case.h).
#include <chrono>
#include <cstdlib>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/src/replay/schema_case.h"
#include "tombstones/tombstones.h"

namespace {

using nlohmann::json;
using tombstone::testing::PgBinDir;
using tombstone::testing::PgCluster;
using tombstone::testing::ReadFile;
using tombstone::testing::RunResult;
using tombstone::testing::SchemaCase;

const char* kAccounts = R"sql(
CREATE TABLE accounts (id integer PRIMARY KEY, email text NOT NULL,
                       created_at timestamptz NOT NULL DEFAULT '2020-01-01');
INSERT INTO accounts (id, email) SELECT i, 'user' || i || '@example.com' FROM generate_series(1, 20) i;
)sql";

const char* kAccountsMap = R"toml([kinds]
email = "email"
account = "exact"

[[table]]
name = "accounts"
match = [ { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"
)toml";

// A failed replay: exit `code`, the message, nothing committed (`before` unchanged), the
// database fenced, and a receipt that records nothing as applied.
void CheckFailedClosed(SchemaCase& c, const RunResult& r, int code, const std::string& message,
                       const std::string& before) {
  INFO(r.out << r.err);
  CHECK(r.code == code);
  CHECK_THAT(r.err, Catch::Contains(message));
  CHECK(c.Everything() == before);
  CHECK(c.Fenced());
  const json receipt = json::parse(ReadFile(c.ReceiptPath()));
  CHECK(receipt["committed"] == false);
  CHECK(receipt["exit_code"] == code);
  CHECK(receipt["tombstones_applied"] == 0);
  for (const json& t : receipt["tables"]) {
    CHECK(t["rows_deleted"] == 0);
    CHECK(t["rows_anonymized"] == 0);
  }
}

}  // namespace

TEST_CASE("an anonymize that clears the reference is not a blocker", "[pg][replay][server]") {
  SchemaCase c(std::string(kAccounts) +
               "CREATE TABLE orders (id integer PRIMARY KEY, account_id integer REFERENCES "
               "accounts (id), billing_email text, total numeric);"
               "INSERT INTO orders SELECT i, 1 + i % 20, 'user' || (1 + i % 20) || '@example.com',"
               " i FROM generate_series(1, 100) i;");
  c.Erase("R-3", "email:user3@example.com\naccount:3\n");
  c.Map(std::string(kAccountsMap) +
        "[[table]]\nname = \"orders\"\n"
        "match = [ { column = \"account_id\", kind = \"account\" },"
        " { column = \"billing_email\", kind = \"email\" } ]\n"
        "action = \"anonymize\"\nset = { account_id = \"null\", billing_email = \"hash\" }\n");
  const std::string others = c.Others("orders", "x.account_id = 3");
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(c.Value("SELECT count(*) FROM accounts WHERE id = 3") == "0");
  CHECK(c.Value("SELECT count(*) FROM orders WHERE account_id IS NULL AND billing_email LIKE "
                "'tsp1%'") == "5");
  CHECK(c.Others("orders", "x.account_id IS NULL") == others);
  CHECK(c.Verify().code == 0);
}

TEST_CASE("foreign keys declared on each partition belong to the partitioned table",
          "[pg][replay][server]") {
  SchemaCase c(std::string(kAccounts) +
               "CREATE TABLE payment (id integer, account_id integer, paid_on date NOT NULL)"
               " PARTITION BY RANGE (paid_on);"
               "CREATE TABLE payment_p2022_01 PARTITION OF payment FOR VALUES FROM ('2022-01-01')"
               " TO ('2022-02-01');"
               "CREATE TABLE payment_p2022_02 PARTITION OF payment FOR VALUES FROM ('2022-02-01')"
               " TO ('2022-03-01');"
               "ALTER TABLE payment_p2022_01 ADD CONSTRAINT payment_p2022_01_account_id_fkey"
               " FOREIGN KEY (account_id) REFERENCES accounts (id);"
               "ALTER TABLE payment_p2022_02 ADD CONSTRAINT payment_p2022_02_account_id_fkey"
               " FOREIGN KEY (account_id) REFERENCES accounts (id);"
               "INSERT INTO payment SELECT i, 1 + i % 20, DATE '2022-01-01' + (i % 50)"
               " FROM generate_series(1, 200) i;");
  c.Erase("R-3", "email:user3@example.com\naccount:3\n");
  c.Map(std::string(kAccountsMap) +
        "[[table]]\nname = \"payment\"\nmatch = [ { column = \"account_id\", kind = \"account\" } ]\n"
        "action = \"delete\"\n");
  const std::string others = c.Others("payment_p2022_01", "x.account_id = 3") +
                             c.Others("payment_p2022_02", "x.account_id = 3");
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(c.Value("SELECT count(*) FROM payment WHERE account_id = 3") == "0");
  CHECK(c.Others("payment_p2022_01", "x.account_id = 3") +
            c.Others("payment_p2022_02", "x.account_id = 3") ==
        others);
}

TEST_CASE("a cascade may not delete rows the map keeps", "[pg][replay][server]") {
  const std::string head = std::string(kAccounts);
  SECTION("a retained table") {
    SchemaCase c(head +
                 "CREATE TABLE audit_log (id serial PRIMARY KEY, actor_id integer REFERENCES "
                 "accounts ON DELETE CASCADE, action text);"
                 "INSERT INTO audit_log (actor_id, action) VALUES (3, 'login'), (4, 'login');");
    c.Erase("R-3", "email:user3@example.com\naccount:3\n");
    c.Map(std::string(kAccountsMap) +
          "[[table]]\nname = \"audit_log\"\nmatch = [ { column = \"actor_id\", kind = "
          "\"account\" } ]\naction = \"retain\"\nreason = \"security log\"\n");
    const std::string before = c.Everything();
    CheckFailedClosed(c, c.Replay(), 1,
                      "the server would delete 1 rows of 'public.audit_log' through foreign key "
                      "'audit_log_actor_id_fkey'",
                      before);
    const RunResult dry = c.Replay({"--dry-run"});
    CHECK(dry.code == 1);
    CHECK_THAT(dry.err, Catch::Contains("audit_log_actor_id_fkey"));
    // A failed rehearsal does not say it rehearsed the verification.
    CHECK_THAT(dry.out, Catch::Contains("dry run: stopped by the error below and rolled back"));
    CHECK_THAT(dry.out, !Catch::Contains("verification were rehearsed"));
  }
  SECTION("an anonymized table") {
    SchemaCase c(head +
                 "CREATE TABLE invoices (id serial PRIMARY KEY, customer_id integer REFERENCES "
                 "accounts ON DELETE CASCADE, name text);"
                 "INSERT INTO invoices (customer_id, name) VALUES (3, 'x'), (4, 'y');");
    c.Erase("R-3", "email:user3@example.com\naccount:3\n");
    c.Map(std::string(kAccountsMap) +
          "[[table]]\nname = \"invoices\"\nmatch = [ { column = \"customer_id\", kind = "
          "\"account\", keep = \"tax law\" } ]\naction = \"anonymize\"\nset = { name = \"null\" }\n");
    const std::string before = c.Everything();
    CheckFailedClosed(c, c.Replay(), 1, "rows the data map keeps (anonymize)", before);
  }
  SECTION("a row on legal hold, and a row kept by the guard") {
    SchemaCase c(head +
                 "CREATE TABLE tickets (id serial PRIMARY KEY, account_id integer REFERENCES "
                 "accounts ON DELETE CASCADE, contact text, created_at timestamptz"
                 " NOT NULL DEFAULT '2020-01-01');"
                 "INSERT INTO tickets (account_id, contact) VALUES (3, 'user3@example.com'),"
                 " (3, 'user9@example.com');"
                 "INSERT INTO tickets (account_id, contact, created_at)"
                 " VALUES (5, 'user5@example.com', '2030-01-01');");
    c.Erase("R-3", "email:user3@example.com\naccount:3\n");
    c.Erase("R-9", "email:user9@example.com\n", "2024-06-01T00:00:00Z", "litigation");
    c.Map(std::string(kAccountsMap) +
          "[[table]]\nname = \"tickets\"\nmatch = [ { column = \"account_id\", kind = "
          "\"account\" }, { column = \"contact\", kind = \"email\" } ]\naction = \"delete\"\n");
    const std::string before = c.Everything();
    CheckFailedClosed(c, c.Replay(), 1,
                      "they are rows replay keeps (not matched, on hold, or kept by the guard)",
                      before);
    // The guard: account 5 erased before its ticket was opened keeps the ticket.
    SchemaCase g(head +
                 "CREATE TABLE tickets (id serial PRIMARY KEY, account_id integer REFERENCES "
                 "accounts ON DELETE CASCADE, created_at timestamptz NOT NULL);"
                 "INSERT INTO tickets (account_id, created_at) VALUES (5, '2030-01-01');");
    g.Erase("R-5", "email:user5@example.com\naccount:5\n");
    g.Map(std::string(kAccountsMap) +
          "[[table]]\nname = \"tickets\"\nmatch = [ { column = \"account_id\", kind = "
          "\"account\" } ]\naction = \"delete\"\ncreated_at = \"created_at\"\n");
    const std::string guard_before = g.Everything();
    CheckFailedClosed(g, g.Replay(), 1, "rows replay keeps", guard_before);
  }
}

TEST_CASE("a cascade into a table the map does not cover is allowed and counted",
          "[pg][replay][server]") {
  SchemaCase c(std::string(kAccounts) +
               "CREATE TABLE sessions (id serial PRIMARY KEY, account_id integer REFERENCES "
               "accounts ON DELETE CASCADE);"
               "CREATE TABLE devices (id serial PRIMARY KEY, session_id integer REFERENCES "
               "sessions ON DELETE CASCADE, owner integer REFERENCES accounts ON DELETE SET NULL);"
               "INSERT INTO sessions (account_id) SELECT 1 + i % 20 FROM generate_series(1, 60) i;"
               "INSERT INTO devices (session_id, owner) SELECT i, 1 + i % 20 FROM generate_series(1, 60) i;");
  c.Erase("R-3", "email:user3@example.com\n");
  c.Map(kAccountsMap);
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(c.Value("SELECT count(*) FROM sessions WHERE account_id = 3") == "0");
  CHECK_THAT(r.out, Catch::Contains("deleted 3 and changed 0 rows of public.sessions"));
  const json receipt = json::parse(ReadFile(c.ReceiptPath()));
  REQUIRE(receipt["server_changes"].size() == 2);
  for (const json& change : receipt["server_changes"]) {
    INFO(change.dump());
    if (change["table"] == "public.sessions") CHECK(change["rows_deleted"] == 3);
    if (change["table"] == "public.devices") {
      CHECK(change["rows_deleted"] == 3);   // through the sessions' cascade
      CHECK(change["rows_updated"] == 3);  // owner cleared: SET NULL
    }
  }
}

TEST_CASE("a trigger's side effects are accounted for before commit", "[pg][replay][server]") {
  const std::string archive =
      std::string(kAccounts) +
      "CREATE TABLE accounts_deleted (id integer, email text);"
      "CREATE FUNCTION archive() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      "  INSERT INTO accounts_deleted VALUES (OLD.id, OLD.email); RETURN OLD; END $$;"
      "CREATE TRIGGER accounts_archive AFTER DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION "
      "archive();";
  SECTION("an AFTER DELETE trigger that copies into an unmapped table fails the run") {
    SchemaCase c(archive);
    c.Erase("R-3", "email:user3@example.com\n");
    c.Map(kAccountsMap);
    const std::string before = c.Everything();
    const RunResult r = c.Replay();
    CheckFailedClosed(c, r, 1, "'public.accounts_deleted', a table the data map does not cover",
                      before);
    CHECK_THAT(r.err, Catch::Contains("trigger 'accounts_archive' on public.accounts"));
    CHECK_THAT(r.out, Catch::Contains("trigger 'accounts_archive' on public.accounts"));
    const RunResult dry = c.Replay({"--dry-run"});
    CHECK(dry.code == 1);
  }
  SECTION("... unless the map expects it there, and then it is cleaned and verified") {
    SchemaCase c(archive);
    c.Erase("R-3", "email:user3@example.com\n");
    c.Map(std::string(kAccountsMap) +
          "[[table]]\nname = \"accounts_deleted\"\nmatch = [ { column = \"email\", kind = "
          "\"email\" } ]\naction = \"delete\"\n"
          "expect_changes = \"the trigger accounts_archive copies deleted accounts here\"\n");
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(c.Value("SELECT count(*) FROM accounts_deleted") == "0");
    CHECK(c.Value("SELECT count(*) FROM accounts WHERE id = 3") == "0");
    const json receipt = json::parse(ReadFile(c.ReceiptPath()));
    CHECK(receipt["triggers_and_rules"][0]["name"] == "accounts_archive");
  }
  SECTION("a BEFORE UPDATE trigger that keeps the old value fails verification") {
    SchemaCase c(std::string(kAccounts) +
                 "CREATE TABLE invoices (id serial PRIMARY KEY, billing_email text);"
                 "INSERT INTO invoices (billing_email) VALUES ('user3@example.com'), ('x@y.org');"
                 "CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                 "  NEW.billing_email := OLD.billing_email; RETURN NEW; END $$;"
                 "CREATE TRIGGER invoices_keep BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE "
                 "FUNCTION keep();");
    c.Erase("R-3", "email:user3@example.com\n");
    c.Map(std::string(kAccountsMap) +
          "[[table]]\nname = \"invoices\"\nmatch = [ { column = \"billing_email\", kind = "
          "\"email\" } ]\naction = \"anonymize\"\nset = { billing_email = \"hash\" }\n");
    const std::string before = c.Everything();
    CheckFailedClosed(c, c.Replay(), 3, "still match a tombstone", before);
  }
}

TEST_CASE("blockers are found by --dry-run, before any fence", "[pg][replay][server]") {
  struct Case {
    const char* name;
    std::string schema;
  };
  const Case cases[] = {
      {"a self-referencing NO ACTION key",
       std::string(kAccounts) +
           "ALTER TABLE accounts ADD COLUMN referred_by integer REFERENCES accounts;"
           "UPDATE accounts SET referred_by = 3 WHERE id = 4;"},
      {"a deferred key",
       std::string(kAccounts) +
           "CREATE TABLE notes (id serial PRIMARY KEY, account_id integer REFERENCES accounts"
           " DEFERRABLE INITIALLY DEFERRED);"
           "INSERT INTO notes (account_id) VALUES (3);"},
      {"a cascade that ends in a RESTRICT key two levels down",
       std::string(kAccounts) +
           "CREATE TABLE orders (id integer PRIMARY KEY, account_id integer REFERENCES accounts"
           " ON DELETE CASCADE);"
           "CREATE TABLE shipments (id serial PRIMARY KEY, order_id integer REFERENCES orders"
           " ON DELETE RESTRICT);"
           "INSERT INTO orders VALUES (1, 3), (2, 4); INSERT INTO shipments (order_id) VALUES (1);"},
  };
  for (const Case& k : cases) {
    DYNAMIC_SECTION(k.name) {
      SchemaCase c(k.schema);
      c.Erase("R-3", "email:user3@example.com\n");
      c.Map(kAccountsMap);
      const std::string before = c.Everything();
      const RunResult dry = c.Replay({"--dry-run"});
      INFO(dry.out << dry.err);
      CHECK(dry.code == 1);
      CHECK_FALSE(c.Fenced());
      CHECK(c.Everything() == before);
      const json receipt = json::parse(ReadFile(c.ReceiptPath()));
      CHECK(receipt["dry_run"] == true);
      CHECK(receipt["committed"] == false);
      CheckFailedClosed(c, c.Replay(), 1, "unable to", before);
    }
  }
}

TEST_CASE("a lock held by another superuser session ends the replay within the timeout",
          "[pg][replay][server]") {
  SchemaCase c(kAccounts);
  c.Erase("R-3", "email:user3@example.com\n");
  c.Map(kAccountsMap);
  PgCluster& pg = PgCluster::Shared();
  const std::string psql = PgBinDir() + "/psql -X -q -A -t";
  auto locker = std::async(std::launch::async, [&] {
    return std::system((psql + " -c 'BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE; "
                               "SELECT pg_sleep(30); COMMIT;' '" +
                        pg.Dsn(c.db()) + " application_name=the_locker' > /dev/null 2>&1")
                           .c_str());
  });
  for (int i = 0; i < 200; ++i) {  // until the lock is held
    if (c.Value("SELECT count(*) FROM pg_locks l JOIN pg_class r ON r.oid = l.relation"
                " WHERE r.relname = 'accounts' AND l.mode = 'AccessExclusiveLock' AND l.granted") ==
        "1")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto started = std::chrono::steady_clock::now();
  const RunResult r = c.Replay({"--db-lock-timeout", "2"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK(seconds < 20);
  CHECK_THAT(r.err, Catch::Contains("a lock was not granted within --db-lock-timeout"));
  CHECK_THAT(r.err, Catch::Contains("application 'the_locker'"));
  CHECK_THAT(r.err, Catch::Contains("AccessExclusiveLock on accounts"));
  CHECK(c.Fenced());
  c.Psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
         "'the_locker';");
  locker.wait();
  CHECK(c.Replay().code == 0);  // once the lock is gone, a re-run completes and lifts the fence
  CHECK_FALSE(c.Fenced());
}

TEST_CASE("replay takes the store's lock before the fence: a busy store stops it untouched",
          "[pg][replay][server]") {
  SchemaCase c(kAccounts);
  c.Erase("R-3", "email:user3@example.com\n");
  c.Map(kAccountsMap);
  const std::string before = c.Everything();
  // Another writer holds the store's lock (here: this process, through the library).
  auto key = tombstones::Key::Load(c.store().key);
  REQUIRE(key.ok());
  tombstones::Store::Options options;
  options.dir = c.store().store;
  options.mode = tombstones::Store::Mode::kWrite;
  options.key = &key.value();
  auto writer = tombstones::Store::Open(options);
  REQUIRE(writer.ok());
  const RunResult r = c.Replay({"--lock-timeout", "1"});
  INFO(r.out << r.err);
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("unable to lock store"));
  CHECK_FALSE(c.Fenced());
  CHECK(c.Everything() == before);
  writer.value().reset();
  CHECK(c.Replay().code == 0);
}

// Replay deletes by the ctid the scan read only where nothing in its transaction can move a row
// (row_address.h). With a trigger in the database every table keeps its primary key: here the
// trigger on the child updates one of the parent's two matching rows before the parent's turn,
// and a delete by the old ctid would miss it.
TEST_CASE("with a trigger in the database, rows are deleted by key: a moved row still goes",
          "[pg][replay][server]") {
  SchemaCase c(std::string(kAccounts) +
               "INSERT INTO accounts (id, email) VALUES (23, 'USER3@example.com');"
               "CREATE TABLE logins (id serial PRIMARY KEY, account_id integer REFERENCES "
               "accounts (id), email text);"
               "INSERT INTO logins (account_id, email) VALUES (3, 'user3@example.com'),"
               " (4, 'user4@example.com');"
               "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
               "  UPDATE accounts SET created_at = created_at WHERE id = OLD.account_id;"
               "  RETURN OLD; END $$;"
               "CREATE TRIGGER logins_touch AFTER DELETE ON logins FOR EACH ROW EXECUTE "
               "FUNCTION touch();");
  c.Erase("R-3", "email:user3@example.com\n");
  c.Map(std::string(kAccountsMap) +
        "expect_changes = \"the trigger logins_touch updates accounts\"\n"
        "[[table]]\nname = \"logins\"\nmatch = [ { column = \"email\", kind = \"email\" } ]\n"
        "action = \"delete\"\n");
  const std::string others = c.Others("accounts", "x.id IN (3, 23)");
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, !Catch::Contains("deleted by ctid"));
  CHECK(c.Value("SELECT count(*) FROM accounts WHERE id IN (3, 23)") == "0");
  CHECK(c.Value("SELECT count(*) FROM logins") == "1");
  CHECK(c.Others("accounts", "x.id IN (3, 23)") == others);
  CHECK(c.Verify().code == 0);
}

// Without triggers or rules, tables with a primary key are deleted from by ctid, except a table
// whose rows a SET NULL key may change during the replay (here posts, whose replies lose their
// parent): the plan names the others, and the result is the same.
TEST_CASE("without triggers, rows are deleted by ctid where no SET NULL key reaches",
          "[pg][replay][server]") {
  const std::string schema =
      std::string(kAccounts) +
      "INSERT INTO accounts (id, email) VALUES (23, ' User3@Example.com');"
      "CREATE TABLE logins (id bigint PRIMARY KEY, account_id integer REFERENCES accounts (id), "
      "email text);"
      "INSERT INTO logins SELECT i, 1 + i % 20, 'user' || (1 + i % 20) || '@example.com'"
      " FROM generate_series(1, 200) i;"
      "CREATE TABLE posts (id integer PRIMARY KEY, author text, parent integer REFERENCES posts "
      "(id) ON DELETE SET NULL);"
      "INSERT INTO posts VALUES (1, 'user3@example.com', NULL), (2, 'user3@example.com', 1),"
      " (3, 'user5@example.com', NULL), (4, 'user5@example.com', 3);";
  const std::string map = std::string(kAccountsMap) +
                          "[[table]]\nname = \"logins\"\nmatch = [ { column = \"email\", "
                          "kind = \"email\" } ]\naction = \"delete\"\n"
                          "[[table]]\nname = \"posts\"\nmatch = [ { column = \"author\", "
                          "kind = \"email\" } ]\naction = \"delete\"\n";
  SECTION("a database without triggers") {
    SchemaCase c(schema);
    c.Erase("R-3", "email:user3@example.com\n");
    c.Map(map);
    const std::string accounts = c.Others("accounts", "x.id IN (3, 23)");
    const std::string logins = c.Others("logins", "x.account_id = 3");
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("note: public.accounts, public.logins: rows deleted by "
                                      "ctid, not by primary key"));
    CHECK(c.Value("SELECT count(*) FROM accounts WHERE id IN (3, 23)") == "0");
    CHECK(c.Value("SELECT count(*) FROM logins WHERE account_id = 3") == "0");
    CHECK(c.Value("SELECT string_agg(id::text, ',' ORDER BY id) FROM posts") == "3,4");
    CHECK(c.Others("accounts", "x.id IN (3, 23)") == accounts);
    CHECK(c.Others("logins", "x.account_id = 3") == logins);
    const json receipt = json::parse(ReadFile(c.ReceiptPath()));
    for (const json& t : receipt["tables"]) {
      if (t["table"] == "public.accounts") CHECK(t["rows_deleted"] == 2);
      if (t["table"] == "public.logins") CHECK(t["rows_deleted"] == 10);
      if (t["table"] == "public.posts") CHECK(t["rows_deleted"] == 2);
    }
    CHECK(c.Verify().code == 0);
  }
  SECTION("a trigger on a table the map does not name turns it off everywhere") {
    SchemaCase c(schema +
                 "CREATE TABLE audit (at timestamptz);"
                 "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                 "  RETURN NEW; END $$;"
                 "CREATE TRIGGER audit_stamp BEFORE INSERT ON audit FOR EACH ROW EXECUTE "
                 "FUNCTION stamp();");
    c.Erase("R-3", "email:user3@example.com\n");
    c.Map(map);
    const RunResult r = c.Replay();
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, !Catch::Contains("deleted by ctid"));
    CHECK(c.Value("SELECT count(*) FROM accounts WHERE id IN (3, 23)") == "0");
    CHECK(c.Value("SELECT count(*) FROM logins WHERE account_id = 3") == "0");
  }
}

// Replay leaves a blocking key to the server only while the server enforces it: with the key's
// triggers disabled, or replication_role set so that they do not fire, the references are
// counted before the delete again, and the run stops with nothing changed.
TEST_CASE("a blocking key the server would not enforce is counted before the delete",
          "[pg][replay][server]") {
  const std::string schema =
      std::string(kAccounts) +
      "CREATE TABLE tickets (id serial PRIMARY KEY, account_id integer REFERENCES accounts (id));"
      "INSERT INTO tickets (account_id) VALUES (3), (4);";
  const std::string turn_off = GENERATE(std::string("ALTER TABLE accounts DISABLE TRIGGER ALL;"),
                                        std::string("ALTER DATABASE current SET "
                                                    "session_replication_role = replica;"));
  SchemaCase c(schema);
  c.Psql(turn_off == "ALTER TABLE accounts DISABLE TRIGGER ALL;"
             ? turn_off
             : "ALTER DATABASE " + c.db() + " SET session_replication_role = replica;");
  c.Erase("R-3", "email:user3@example.com\n");
  c.Map(kAccountsMap);
  const std::string before = c.Everything();
  const RunResult r = c.Replay();
  INFO(turn_off);
  CheckFailedClosed(c, r, 1,
                    "1 rows of 'public.tickets' reference rows to delete through foreign key "
                    "'tickets_account_id_fkey'",
                    before);
  CHECK(c.Value("SELECT count(*) FROM accounts WHERE id = 3") == "1");
}

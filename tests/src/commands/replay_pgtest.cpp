// tombstone replay against a real PostgreSQL: the integration fixture (tests/data/integration)
// with its six tombstones; every other row must come out unchanged.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <future>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/integration_db.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/pg_connection.h"
#include "tests/support/temp_dir.h"

namespace {

using namespace tombstone::testing;
using nlohmann::json;

const char* kErased = "(3, 7, 10, 19, 23)";
const char* kErasedEmails =
    "('user3@example.com', 'user7@example.com', 'user10@example.com', 'user19@example.com', "
    "'user23@example.com')";

// Rows of snap.TABLE minus those the replay deletes must equal TABLE exactly (both ways).
std::string Difference(const IntegrationDb& db, const std::string& table,
                       const std::string& deleted) {
  const std::string kept =
      "(SELECT * FROM snap." + table + " WHERE NOT coalesce(" + deleted + ", false))";
  return db.Value("SELECT (SELECT count(*) FROM (" + kept + " EXCEPT ALL SELECT * FROM " + table +
                  ") a) || '/' || (SELECT count(*) FROM (SELECT * FROM " + table + " EXCEPT ALL " +
                  kept + ") b)");
}

void Snapshot(const IntegrationDb& db) {
  db.Psql(
      "CREATE SCHEMA snap;"
      "CREATE TABLE snap.users AS TABLE users; CREATE TABLE snap.orders AS TABLE orders;"
      "CREATE TABLE snap.events AS TABLE events; CREATE TABLE snap.invoices AS TABLE invoices;"
      "CREATE TABLE snap.audit_log AS TABLE audit_log;"
      "CREATE TABLE snap.page_views AS TABLE page_views;");
}

// A checksum of every mapped table, to show that nothing changed.
std::string Checksum(const IntegrationDb& db) {
  std::string sum;
  for (const char* t : {"users", "orders", "events", "invoices", "audit_log", "page_views"})
    sum +=
        db.Value(std::string("SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), ''))"
                             " FROM ") +
                 t + " x") +
        " ";
  return sum;
}

// Whether the non-superuser 'app' can connect to the database.
bool AppCanConnect(const PgCluster& pg, const std::string& db) {
  const std::string cmd =
      PgBinDir() + "/psql -X -q -A -t -c 'SELECT 1' '" + pg.DsnAs("app", db) + "' > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

json ReadJson(const std::string& path) { return json::parse(ReadFile(path)); }

const json& TableOf(const json& receipt, const std::string& table) {
  for (const json& t : receipt["tables"])
    if (t["table"] == table) return t;
  throw std::runtime_error("no table " + table + " in the receipt");
}

std::vector<std::string> ReplayArgs(const IntegrationDb& db, const std::string& receipt) {
  return {"replay",         "--dsn",     db.dsn,  "--map",
          IntegrationMap(), "--receipt", receipt, "--snapshot-label",
          "test restore"};
}

}  // namespace

TEST_CASE_METHOD(IntegrationFixture,
                 "replay erases every tombstoned subject and leaves every other row unchanged",
                 "[pg][replay]") {
  Snapshot(db);

  const RunResult r = store.Run(ReplayArgs(db, dir / "receipt.json"));
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);

  SECTION("deleted tables lose exactly the subjects' rows, children before parents") {
    CHECK(Difference(db, "users", std::string("id IN ") + kErased) == "0/0");
    CHECK(Difference(db, "orders", std::string("user_id IN ") + kErased) == "0/0");
    CHECK(Difference(db, "events",
                     std::string("(user_id IN ") + kErased +
                         " OR lower(trim(payload->>'email')) IN " + kErasedEmails +
                         ") AND created_at <= '2024-06-01'") == "0/0");
    CHECK(Difference(db, "page_views",
                     std::string("lower(trim(user_email)) IN ") + kErasedEmails) == "0/0");
    CHECK(db.Value("SELECT count(*) FROM snap.users WHERE id IN (3, 7, 10, 19, 23)") == "5");
    CHECK(db.Value("SELECT count(*) FROM events WHERE payload->>'n' = '-1'") == "0");  // jsonb copy
  }
  SECTION("the held subject and the re-registered subject stay") {
    CHECK(db.Value("SELECT count(*) FROM users WHERE id IN (15, 5019)") == "2");
    CHECK(db.Value("SELECT count(*) FROM orders WHERE user_id = 15") ==
          db.Value("SELECT count(*) FROM snap.orders WHERE user_id = 15"));
    CHECK(db.Value("SELECT count(*) FROM events WHERE payload->>'n' = '-3'") == "1");
  }
  SECTION("anonymized rows hold each strategy's value; other invoices are unchanged") {
    const std::string matched = std::string("customer_id IN ") + kErased +
                                " OR lower(trim(billing_email)) IN " + kErasedEmails;
    CHECK(Difference(db, "invoices", matched) ==
          "0/" + db.Value("SELECT count(*) FROM snap.invoices WHERE " + matched));
    CHECK(db.Value("SELECT count(*) FROM snap.invoices WHERE " + matched) == "11");
    CHECK(db.Value("SELECT count(*) FROM invoices i JOIN snap.invoices s USING (id) WHERE " +
                   std::string("(s.customer_id IN ") + kErased +
                   " OR lower(trim(s.billing_email)) IN " + kErasedEmails +
                   ") AND NOT (i.billing_name IS NULL AND i.billing_email = '[redacted]'"
                   " AND i.country = 'XX' AND i.amount = s.amount AND i.customer_id = s.customer_id"
                   " AND (i.vat_number ~ '^tsp1[0-9a-f]{32}$' OR (s.vat_number IS NULL AND "
                   "i.vat_number IS NULL)))") == "0");
    // The pseudonym is stable: the same VAT number gets the same one.
    CHECK(db.Value("SELECT count(DISTINCT vat_number) FROM invoices WHERE country = 'XX' AND "
                   "vat_number IS NOT NULL") ==
          db.Value("SELECT count(DISTINCT s.vat_number) FROM invoices i JOIN snap.invoices s USING "
                   "(id) WHERE i.country = 'XX' AND s.vat_number IS NOT NULL"));
  }
  SECTION("retained rows are counted and untouched") {
    CHECK(Difference(db, "audit_log", "false") == "0/0");
  }
  SECTION("the receipt counts everything and holds no identifier") {
    const std::string text = ReadFile(dir / "receipt.json");
    CHECK(text.find("example.com") == std::string::npos);
    CHECK(r.out.find("example.com") == std::string::npos);
    CHECK(r.err.find("example.com") == std::string::npos);
    const json receipt = json::parse(text);
    CHECK(receipt["command"] == "replay");
    CHECK(receipt["exit_code"] == 0);
    CHECK(receipt["verification"] == "clean");
    CHECK(receipt["dry_run"] == false);
    CHECK(receipt["tombstones_applied"] == 5);
    CHECK(receipt["snapshot"]["label"] == "test restore");
    CHECK(receipt["snapshot"]["system_identifier"].is_string());
    CHECK(receipt["fence"]["raised"] == true);
    const json& users = TableOf(receipt, "public.users");
    CHECK(users["rows_deleted"] == 5);
    CHECK(users["rows_held"] == 1);
    CHECK(users["rows_kept_by_guard"] == 1);
    CHECK(users["rows_scanned"] == 2001);
    CHECK(TableOf(receipt, "public.audit_log")["rows_retained"] == 10);
    CHECK(TableOf(receipt, "public.audit_log")["rows_held"] == 2);
    CHECK(TableOf(receipt, "public.invoices")["rows_anonymized"] == 11);
    CHECK(TableOf(receipt, "public.events")["rows_kept_by_guard"] == 1);
    CHECK(
        TableOf(receipt, "public.page_views")["rows_deleted"] ==
        std::stoi(db.Value(
            std::string("SELECT count(*) FROM snap.page_views WHERE lower(trim(user_email)) IN ") +
            kErasedEmails)));
    const RunResult list = store.Run({"receipts", "list"});
    CHECK(list.code == 0);
    CHECK(list.out.find("replay") != std::string::npos);
    CHECK(store.Run({"receipts", "verify"}).code == 0);
    // The compliance officer's list shows the replay that re-applied each pending tombstone.
    REQUIRE(store
                .Run({"backups", "add", "--id", "b1", "--taken-at", "2024-01-01T00:00:00Z",
                      "--expires-at", "2099-01-01T00:00:00Z"})
                .code == 0);
    const RunResult pending = store.Run({"pending"});
    CHECK(pending.code == 0);
    CHECK(pending.out.find("R-3 ") != std::string::npos);
    CHECK(pending.out.find("#1 ") != std::string::npos);
  }
  SECTION("a second replay changes nothing and exits 0") {
    const std::string before = Checksum(db);
    const RunResult again = store.Run(ReplayArgs(db, dir / "again.json"));
    INFO(again.out << again.err);
    CHECK(again.code == 0);
    CHECK(Checksum(db) == before);
    const json receipt = ReadJson(dir / "again.json");
    CHECK(receipt["tombstones_applied"] == 0);
    for (const json& t : receipt["tables"]) {
      CHECK(t["rows_deleted"] == 0);
      CHECK(t["rows_anonymized"] == 0);
    }
    // 10, not 11: the invoice of another account matched only by subject 7's email, which is
    // now redacted, so nothing in it identifies the subject any more.
    CHECK(TableOf(receipt, "public.invoices")["rows_already_anonymized"] == 10);
    SECTION("and verify finds the database clean") {
      const RunResult v = store.Run({"verify", "--dsn", db.dsn, "--map", IntegrationMap()});
      INFO(v.out << v.err);
      CHECK(v.code == 0);
    }
  }
}

TEST_CASE_METHOD(IntegrationFixture,
                 "replay --dry-run prints the plan and the counts, and changes nothing",
                 "[pg][replay]") {
  pg.EnsureRole("app");
  const std::string before = Checksum(db);
  const RunResult r = store.Run({"replay", "--dsn", db.dsn, "--map", IntegrationMap(), "--dry-run",
                                 "--receipt", dir / "dry.json"});
  INFO(r.out << r.err);
  CHECK(r.code == 0);
  CHECK(Checksum(db) == before);
  CHECK(AppCanConnect(pg, db.name));  // no fence
  // Children first: orders and events before users; invoices (anonymize) before any delete.
  const auto at = [&](const std::string& s) { return r.out.find(s); };
  CHECK(at("public.invoices: anonymize") < at("public.orders: delete"));
  CHECK(at("public.orders: delete") < at("public.users: delete"));
  CHECK(at("public.events: delete") < at("public.users: delete"));
  CHECK(at("foreign key 'orders_user_id_fkey'") != std::string::npos);
  CHECK(at("would_change") != std::string::npos);
  CHECK(at("nothing was changed") != std::string::npos);
  const json receipt = ReadJson(dir / "dry.json");
  CHECK(receipt["dry_run"] == true);
  CHECK(TableOf(receipt, "public.users")["rows_to_change"] == 5);
  CHECK(TableOf(receipt, "public.users")["rows_deleted"] == 0);
  const RunResult list = store.Run({"receipts", "list"});
  CHECK(list.out.find("replay") == std::string::npos);  // a dry run is not recorded in the store
}

TEST_CASE_METHOD(
    IntegrationFixture,
    "a foreign key from an unmapped table that blocks a delete stops replay before any change",
    "[pg][replay]") {
  pg.EnsureRole("app");
  db.Psql(
      "CREATE TABLE tickets (id serial PRIMARY KEY, user_id bigint REFERENCES users (id));"
      "INSERT INTO tickets (user_id) VALUES (7), (8), (7);");
  const std::string before = Checksum(db);
  const RunResult r = store.Run(ReplayArgs(db, dir / "r.json"));
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK(
      r.err.find("unable to delete from 'public.users': 2 rows of 'public.tickets' reference rows "
                 "to delete through foreign key 'tickets_user_id_fkey' (public.tickets -> "
                 "public.users, ON DELETE NO ACTION), and the data map does not cover that "
                 "table") != std::string::npos);
  CHECK(r.out.find("checked before the delete") != std::string::npos);  // in the plan
  CHECK(Checksum(db) == before);
  SECTION("the database stays fenced for other roles until a run succeeds") {
    CHECK_FALSE(AppCanConnect(pg, db.name));
    CHECK(ReadJson(dir / "r.json")["exit_code"] == 1);
    db.Psql("DELETE FROM tickets WHERE user_id = 7;");
    const RunResult again = store.Run(ReplayArgs(db, dir / "r2.json"));
    INFO(again.out << again.err);
    CHECK(again.code == 0);
    CHECK(AppCanConnect(pg, db.name));
    CHECK(db.Value("SELECT datconnlimit FROM pg_database WHERE datname = current_database()") ==
          "-1");
  }
}

TEST_CASE_METHOD(
    IntegrationFixture,
    "replay fences out other roles while it runs, and a connection killed mid-replay changes "
    "nothing",
    "[pg][replay]") {
  pg.EnsureRole("app");
  db.Psql("ALTER DATABASE " + db.name + " CONNECTION LIMIT 50; GRANT SELECT ON users TO app;");
  const std::string before = Checksum(db);
  // Declared first, so that a failed REQUIRE releases the lock before waiting for replay.
  std::future<int> replay;
  // A superuser session whose SHARE lock lets replay scan users but makes its DELETE wait: the
  // lock is held once Query returns.
  PgConnection locker(db.dsn);
  locker.Query("BEGIN; LOCK TABLE users IN SHARE MODE;");
  // An application session, connected once constructed, in a query that would run for a minute.
  PgConnection app(pg.DsnAs("app", db.name));
  app.Send("SELECT pg_sleep(60) FROM users LIMIT 1");

  replay = std::async(std::launch::async, [&] {
    const std::string cmd = Binary() + " --store " + store.store + " --key-file " + store.key +
                            " replay --dsn '" + db.dsn + "' --map " + IntegrationMap() + " > " +
                            (dir / "killed.out") + " 2>&1";
    return WEXITSTATUS(std::system(cmd.c_str()));
  });
  // Replay is waiting on the lock: it has scanned every table and deleted the children. Nothing
  // announces that a session starts waiting on a lock: the lock table is asked until it does.
  locker.WaitUntil(
      "SELECT EXISTS (SELECT FROM pg_locks WHERE relation = 'users'::regclass AND NOT granted "
      "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
      "replay waits on the lock");
  // The application session was ended by the fence (it would otherwise still be sleeping)
  CHECK_THAT(app.Finish(), Catch::Contains("terminating connection due to administrator command"));
  CHECK_FALSE(AppCanConnect(pg, db.name));  // and cannot come back while replay runs
  db.Psql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tombstone "
      "replay' AND datname = current_database();");
  const int code = replay.get();
  INFO(ReadFile(dir / "killed.out"));
  CHECK(code == 1);
  CHECK(ReadFile(dir / "killed.out").find("the connection to the server was lost") !=
        std::string::npos);
  locker.Query("ROLLBACK;");
  CHECK(Checksum(db) == before);            // rolled back: nothing changed
  CHECK_FALSE(AppCanConnect(pg, db.name));  // still fenced

  const RunResult again = store.Run(ReplayArgs(db, dir / "r.json"));
  INFO(again.out << again.err);
  CHECK(again.code == 0);
  CHECK(db.Value("SELECT count(*) FROM users WHERE id IN (3, 7, 10, 19, 23)") == "0");
  CHECK(AppCanConnect(pg, db.name));
  CHECK(db.Value("SELECT datconnlimit FROM pg_database WHERE datname = current_database()") ==
        "50");
}

// --jobs N: the scan over N sessions that share one snapshot must find exactly what one session
// finds (same counts, same rows to change, same receipt), see nothing committed after the
// snapshot, and fail the whole run, nothing committed and every session closed, when any one
// session fails. The tables are small: TOMBSTONE_SCAN_UNIT_BLOCKS splits them anyway.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <thread>

#include "src/map/data_map.h"
#include "src/replay/job.h"
#include "tests/restore-hooks/restore_support.h"
#include "tests/src/replay/hand_job.h"
#include "tests/src/replay/schema_case.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace {

using nlohmann::json;
using namespace tombstone;
using tombstone::testing::RunResult;
using tombstone::testing::SchemaCase;

// Sets an environment variable for the scope (the program runs in-process), then unsets it.
class EnvVar {
 public:
  EnvVar(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~EnvVar() { ::unsetenv(name_); }

 private:
  const char* name_;
};

// Tuples spread over pages with dead ones among them: HOT updates (only `note`, not indexed,
// shrinks) and others (the indexed `email` changes, `note` grows). An FK child, a table with an
// inheritance child declared the old way, a partitioned table, an anonymized table, a
// materialized view (scanned by verify, refreshed and scanned again by replay).
const char* kSchema =
    "CREATE TABLE users (id integer PRIMARY KEY, email text, note text);"
    "CREATE INDEX users_email ON users (email);"
    "INSERT INTO users SELECT g, 'user' || g || '@example.com', repeat('n', 150)"
    "  FROM generate_series(1, 4000) g;"
    "UPDATE users SET note = 'short' WHERE id % 7 = 0;"
    "UPDATE users SET email = upper(email), note = repeat('m', 400) WHERE id % 5 = 0;"
    "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id),"
    "  email text);"
    "INSERT INTO orders SELECT g, 1 + g % 4000,"
    "  CASE WHEN g % 3 = 0 THEN 'user' || (1 + g % 4000) || '@example.com' END"
    "  FROM generate_series(1, 8000) g;"
    "CREATE TABLE profiles (user_id integer PRIMARY KEY, email text NOT NULL, name text);"
    "INSERT INTO profiles SELECT g, 'user' || g || '@example.com', 'name ' || g"
    "  FROM generate_series(1, 4000, 2) g;"
    "CREATE TABLE logs (id serial, user_id integer, what text);"
    "CREATE TABLE logs_old (archived boolean DEFAULT true) INHERITS (logs);"
    "INSERT INTO logs (user_id, what) SELECT 1 + g % 4000, 'x' FROM generate_series(1, 3000) g;"
    "INSERT INTO logs_old (user_id, what) SELECT 1 + g % 4000, 'y' FROM generate_series(1, 3000) g;"
    "CREATE TABLE events (id integer NOT NULL, user_id integer, payload jsonb)"
    "  PARTITION BY RANGE (id);"
    "CREATE TABLE events_a PARTITION OF events FOR VALUES FROM (MINVALUE) TO (3000);"
    "CREATE TABLE events_b PARTITION OF events FOR VALUES FROM (3000) TO (MAXVALUE);"
    "INSERT INTO events SELECT g, 1 + g % 4000,"
    "  jsonb_build_object('email', 'user' || (1 + g % 4000) || '@example.com')"
    "  FROM generate_series(1, 6000) g;"
    "CREATE MATERIALIZED VIEW user_emails AS SELECT id, email FROM users;"
    "ANALYZE;";

// The map; `users_email` is the users table's email source (an expression in the failure tests).
std::string Map(const std::string& users_email = "column = \"email\"") {
  return "[kinds]\nemail = \"email\"\nuser_id = \"exact\"\n"
         "[[table]]\nname = \"users\"\nmatch = [ { column = \"id\", kind = \"user_id\" }, { " +
         users_email +
         ", kind = \"email\" } ]\naction = \"delete\"\n"
         "[[table]]\nname = \"orders\"\nmatch = [ { column = \"user_id\", kind = \"user_id\" },"
         " { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n"
         "[[table]]\nname = \"profiles\"\nmatch = [ { column = \"user_id\", kind = \"user_id\","
         " keep = \"the account number stays\" }, { column = \"email\", kind = \"email\" } ]\n"
         "action = \"anonymize\"\nset = { email = \"hash\", name = \"null\" }\n"
         "[[table]]\nname = \"logs\"\nmatch = [ { column = \"user_id\", kind = \"user_id\" } ]\n"
         "action = \"delete\"\n"
         "[[table]]\nname = \"events\"\nmatch = [ { column = \"user_id\", kind = \"user_id\" },"
         " { expr = \"payload->>'email'\", kind = \"email\" } ]\naction = \"delete\"\n"
         "[[table]]\nname = \"user_emails\"\nmatch = [ { column = \"email\", kind = \"email\" } ]\n"
         "action = \"refresh\"\n";
}

// Erased subjects: HOT-updated (7, 14), moved by other updates (5, 35, 3995), untouched (1234,
// 2001), one whose email is given in another case (3001), one on legal hold (9).
void EraseSubjects(SchemaCase& c) {
  for (int id : {5, 7, 14, 35, 1234, 2001, 3995})
    c.Erase("R-" + std::to_string(id), "user_id:" + std::to_string(id) + "\nemail:user" +
                                           std::to_string(id) + "@example.com\n");
  c.Erase("R-3001", "user_id:3001\nemail:USER3001@Example.com\n");
  c.Erase("R-9", "user_id:9\n", "2024-06-01T00:00:00Z", "case 17");
}

// What a receipt says about the rows: every table's counts (not its seconds), the outcome.
json RowsOf(const std::string& path) {
  const json receipt = json::parse(tombstone::testing::ReadFile(path));
  json tables = receipt["tables"];
  for (json& t : tables) t.erase("seconds");
  return {{"tables", tables},
          {"exit_code", receipt["exit_code"]},
          {"verification", receipt["verification"]},
          {"residue_requests", receipt.value("residue_requests", json())},
          {"server_changes", receipt.value("server_changes", json())}};
}

// The sessions of `c`'s database the tool has open, once they are `expected` (waits up to 5 s
// for closed sessions to end on the server).
std::string ToolSessions(const SchemaCase& c, const std::string& expected = "0") {
  const std::string sql =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
      "application_name LIKE 'tombstone%'";
  std::string n;
  for (int i = 0; i < 50; ++i) {
    n = c.Value(sql);
    if (n == expected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return n;
}

}  // namespace

TEST_CASE("--jobs 2 and 3 find the same rows as --jobs 1: counts, receipt, changes",
          "[pg][replay][jobs]") {
  EnvVar unit("TOMBSTONE_SCAN_UNIT_BLOCKS", "4");
  SchemaCase c(kSchema);
  EraseSubjects(c);
  c.Map(Map());
  // Split for real: several ranges of users and orders.
  REQUIRE(std::stoi(c.Value("SELECT pg_relation_size('users') / 8192")) >= 40);
  REQUIRE(std::stoi(c.Value("SELECT pg_relation_size('orders') / 8192")) >= 16);
  REQUIRE(std::stoi(c.Value("SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = "
                            "'users'")) > 0);

  const auto verify = [&](const std::string& jobs) {
    const std::string receipt = c.dir() / ("verify-" + jobs + ".json");
    const RunResult r = c.store().Run({"verify", "--dsn", c.dsn(), "--map", c.MapPath(),
                                       "--jobs", jobs, "--receipt", receipt});
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    return RowsOf(receipt);
  };
  const json one = verify("1");
  INFO(one.dump(1));
  CHECK(one["residue_requests"].size() == 8);
  REQUIRE(one["tables"].size() == 7);
  CHECK(one["tables"][6]["table"] == "public.user_emails");
  CHECK(one["tables"][6]["rows_to_change"] == 8);
  CHECK(one["tables"][0]["rows_to_change"] == 8);  // users: the 8 subjects not on hold
  CHECK(verify("2") == one);
  CHECK(verify("3") == one);
  CHECK(verify("5") == one);

  const auto rehearse = [&](const std::string& jobs) {
    const std::string receipt = c.dir() / ("dry-" + jobs + ".json");
    const RunResult r = c.store().Run({"replay", "--dry-run", "--dsn", c.dsn(), "--map",
                                       c.MapPath(), "--jobs", jobs, "--receipt", receipt});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    return RowsOf(receipt);
  };
  const json dry = rehearse("1");
  CHECK(rehearse("2") == dry);
  CHECK(rehearse("3") == dry);

  // The replay itself: fenced (only superusers connect, as the tests' role is), its scan over
  // three sessions; the same database and store replayed with --jobs 1 ends byte for byte the same.
  SchemaCase twin(kSchema);
  twin.Map(Map());
  const std::string everything_before = c.Everything();
  REQUIRE(twin.Everything() == everything_before);
  const RunResult three = c.Replay({"--jobs", "3"});
  INFO(three.out << three.err);
  REQUIRE(three.code == 0);
  CHECK(three.err.find("fence up") != std::string::npos);
  const std::string twin_receipt = twin.dir() / "one.json";
  const RunResult single = c.store().Run({"replay", "--dsn", twin.dsn(), "--map", twin.MapPath(),
                                          "--jobs", "1", "--receipt", twin_receipt});
  INFO(single.out << single.err);
  REQUIRE(single.code == 0);
  CHECK(c.Everything() != everything_before);
  CHECK(c.Everything() == twin.Everything());
  CHECK(RowsOf(c.ReceiptPath()) == RowsOf(twin_receipt));
  CHECK(c.Value("SELECT count(*) FROM users WHERE id IN (5, 7, 14, 35, 1234, 2001, 3995, 3001)") ==
        "0");
  CHECK(c.Value("SELECT count(*) FROM users WHERE id = 9") == "1");  // on hold
  CHECK_FALSE(c.Fenced());
  CHECK(c.store().Run({"verify", "--dsn", c.dsn(), "--map", c.MapPath(), "--jobs", "2"}).code ==
        0);
  CHECK(ToolSessions(c) == "0");
}

TEST_CASE("a block range of a table is read by a TID range scan, not a whole scan",
          "[pg][replay][jobs]") {
  SchemaCase c(kSchema);
  const std::string condition = tombstone::replay::BlockCondition({8, 16});
  const std::string plan = c.Psql("EXPLAIN SELECT id, email FROM ONLY users WHERE " + condition);
  INFO(plan);
  CHECK(plan.find("Tid Range Scan on users") != std::string::npos);
  CHECK(plan.find("Seq Scan") == std::string::npos);
  CHECK(c.Value("SELECT count(*) FROM ONLY users WHERE " + condition) != "0");
}

TEST_CASE("--jobs outside 1 to 64 is a usage error", "[pg][replay][jobs]") {
  SchemaCase c(kSchema);
  c.Map(Map());
  for (const std::string jobs : {"0", "65", "-1"}) {
    const RunResult r = c.Replay({"--jobs", jobs});
    INFO(jobs << ": " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("unable to parse --jobs: expected 1 to 64 sessions") != std::string::npos);
    CHECK_FALSE(c.Fenced());
  }
}

TEST_CASE("a scan session that fails fails the replay: nothing committed, every session closed",
          "[pg][replay][jobs]") {
  EnvVar unit("TOMBSTONE_SCAN_UNIT_BLOCKS", "4");
  SchemaCase c(kSchema);
  EraseSubjects(c);
  // Only the sessions --jobs adds (named "... (scan session K of N)") fail on the users table's
  // rows, split into many ranges: the job's own session plans and scans it fine.
  const std::string in_added_session =
      "pg_catalog.current_setting('application_name') LIKE '%scan session%'";
  std::string expected;
  SECTION("a server error") {
    c.Map(Map("expr = \"CASE WHEN " + in_added_session + " THEN (1 / (id - id))::text ELSE email END\""));
    expected = "division_by_zero";
  }
  SECTION("a dropped connection") {
    c.Map(Map("expr = \"CASE WHEN " + in_added_session +
              " THEN CASE WHEN pg_terminate_backend(pg_backend_pid()) THEN email END ELSE email END\""));
    expected = "";  // "the connection to the server was lost", or the server's admin_shutdown
  }
  const std::string before = c.Everything();
  const RunResult r = c.Replay({"--jobs", "3"});
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK(r.err.find("unable to scan table 'public.users'") != std::string::npos);
  if (!expected.empty()) CHECK(r.err.find(expected) != std::string::npos);
  else
    CHECK((r.err.find("the connection to the server was lost") != std::string::npos ||
           r.err.find("admin_shutdown") != std::string::npos));
  CHECK(r.err.find("nothing was committed and the database stays fenced") != std::string::npos);
  CHECK(c.Everything() == before);
  CHECK(c.Fenced());
  CHECK(ToolSessions(c) == "0");
  const json receipt = json::parse(tombstone::testing::ReadFile(c.ReceiptPath()));
  CHECK(receipt["committed"] == false);
  CHECK(receipt["exit_code"] == 1);

  // Once the cause is gone (here: one session only), a re-run completes and lifts the fence.
  const RunResult again = c.Replay({"--jobs", "1"});
  INFO(again.out << again.err);
  CHECK(again.code == 0);
  CHECK_FALSE(c.Fenced());
}

namespace {

// A verify-like job on `c` built by hand (the commands' Prepare, without the options), its
// session in a read-only repeatable-read transaction.
struct HandJob {
  explicit HandJob(SchemaCase& c, const std::string& map_text) {
    testing::BuildJob(c, map_text, "tombstone verify", replay::PlanFor::kCounting, &job);
    job.scan_settings.dsn = c.dsn();
    job.scan_settings.application_name = "tombstone verify";
    job.scan_settings.unit_blocks = 4;
  }

  // Per table: rows scanned and to change, from ScanAll with `jobs` sessions in a new transaction.
  Status Scan(int jobs, std::vector<std::pair<std::uint64_t, std::uint64_t>>* counts) {
    job.scan_settings.jobs = jobs;
    std::ostringstream err;
    replay::Progress progress(err, false);
    Status s = job.session->Begin(true, true);
    if (s.ok()) s = replay::ScanAll(job, true, progress);
    job.session->Rollback();
    counts->clear();
    if (s.ok())
      for (const replay::TableScan& scan : job.scans)
        counts->push_back({scan.counts.scanned, scan.counts.to_change});
    return s;
  }

  replay::Job job;
};

}  // namespace

TEST_CASE("the sessions of --jobs share one snapshot: rows committed after it are not seen",
          "[pg][replay][jobs]") {
  SchemaCase c(kSchema);
  EraseSubjects(c);
  HandJob hand(c, Map());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> one, three, later;
  REQUIRE(hand.Scan(1, &one).ok());

  // Committed by another session once the snapshot is exported, before the others import it:
  // rows of erased subjects in every table, at the end of the heaps and in freed space.
  hand.job.scan_settings.after_export = [&] {
    c.Psql(
        "INSERT INTO users VALUES (5005, 'user5@example.com', 'new');"
        "INSERT INTO orders SELECT 9000 + g, 5005, 'user7@example.com' FROM generate_series(1, 50) g;"
        "INSERT INTO profiles VALUES (5005, 'user7@example.com', 'x');"
        "INSERT INTO logs_old (user_id, what) SELECT 5, 'z' FROM generate_series(1, 50);"
        "INSERT INTO logs (user_id, what) SELECT 7, 'z' FROM generate_series(1, 50);"
        "INSERT INTO events SELECT 7000 + g, 5, '{}' FROM generate_series(1, 50) g;"
        "INSERT INTO events SELECT -g, 7, '{}' FROM generate_series(1, 50) g;");
  };
  Status s = hand.Scan(3, &three);
  INFO(s.message());
  REQUIRE(s.ok());
  CHECK(three == one);

  // The rows are there for a scan in a later snapshot, in every table (the check can fail).
  hand.job.scan_settings.after_export = nullptr;
  REQUIRE(hand.Scan(3, &later).ok());
  REQUIRE(later.size() == one.size());
  REQUIRE(one.size() == 7);  // users, orders, profiles, logs, logs_old, events, user_emails
  for (std::size_t i = 0; i + 1 < one.size(); ++i) {  // the view is as it was refreshed
    INFO(hand.job.plan.tables[i].Display());
    CHECK(later[i].first > one[i].first);
  }
  CHECK(ToolSessions(c, "1") == "1");  // the hand-made job's own session, still open
}

TEST_CASE("a scan session that cannot connect fails the scan, naming no password",
          "[pg][replay][jobs]") {
  SchemaCase c(kSchema);
  EraseSubjects(c);
  HandJob hand(c, Map());
  hand.job.scan_settings.dsn = "host=/nonexistent port=1 password=sekrit-pw dbname=" + c.db();
  std::vector<std::pair<std::uint64_t, std::uint64_t>> counts;
  const Status s = hand.Scan(2, &counts);
  INFO(s.message() << " / " << s.hint());
  CHECK(s.code() == tombstones::ExitCode::kFailed);
  CHECK(s.message().find("unable to connect") != std::string::npos);
  CHECK(s.hint().find("--jobs") != std::string::npos);
  CHECK(s.message().find("sekrit-pw") == std::string::npos);
  CHECK(ToolSessions(c, "1") == "1");
  // The job's session is still usable: --jobs 1 needs no other session.
  CHECK(hand.Scan(1, &counts).ok());
}

// On a standby (the server in recovery) a shared snapshot is not exact: verify scans with one
// session, says so, and finds what --jobs 1 finds.
TEST_CASE("verify --jobs on a standby scans with one session and says so", "[pg][replay][jobs]") {
  namespace r = tombstone::testing::restore;
  tombstone::testing::TempDir dir;
  r::OpenToServerUser(dir);
  const int port = 40000 + ::getpid() % 10000;
  r::SourceCluster primary(dir.path(), port);
  primary.Psql("CREATE DATABASE app");
  primary.Psql(kSchema, "app");
  r::SourceCluster::Must(
      r::AsServerUser(tombstone::testing::PgBinDir() + "/pg_basebackup -h " + r::Q(primary.sock()) +
                      " -p " + std::to_string(port) + " -c fast -X stream -R -D " +
                      r::Q(dir / "standby")),
      "take a base backup for a standby");
  r::Opened standby(dir / "standby", dir / "standby-sock", port + 1);
  REQUIRE(standby.up());
  REQUIRE(standby.Psql("SELECT pg_is_in_recovery()", "app").out == "t\n");

  tombstone::testing::TempDir store_dir;
  tombstone::testing::StoreFixture store(store_dir.path());
  REQUIRE(store.Run({"add", "--request", "R-5", "--ids-from", "-"}, "user_id:5\n").code == 0);
  REQUIRE(store.Run({"add", "--request", "R-7", "--ids-from", "-"}, "email:USER7@example.com\n")
              .code == 0);
  tombstone::testing::WriteFile(store_dir / "map.toml", Map());
  const auto verify = [&](const std::string& jobs, std::string* err) {
    const std::string receipt = store_dir / ("standby-" + jobs + ".json");
    const RunResult v = store.Run({"verify", "--dsn", standby.Dsn("app"), "--map",
                                   store_dir / "map.toml", "--jobs", jobs, "--receipt", receipt});
    INFO(v.out << v.err);
    CHECK(v.code == 3);
    *err = v.err;
    return RowsOf(receipt);
  };
  std::string one_err, three_err;
  const json one = verify("1", &one_err);
  CHECK(verify("3", &three_err) == one);
  CHECK(one_err.find("not used") == std::string::npos);
  CHECK(three_err.find("tombstone verify: --jobs 3 not used: the server is in recovery, where a "
                       "shared snapshot is not exact; scanning with one session") !=
        std::string::npos);
}

// The index path (src/replay/index_path.h) against the scan: with the erased identifiers in the
// clear, tables whose every source is an exact kind on a plainly indexed column are read through
// their indexes, and the run must change exactly what the scan's run changes (the same rows, the
// same counts, the same database afterwards); every other table is scanned and the plan says
// why. The engine is driven directly (the store's sealed mode that yields the list is wired by
// the commands), on two identical databases: one replayed by scan, one through the indexes.
#include <algorithm>
#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "src/map/data_map.h"
#include "src/pg/catalog.h"
#include "src/replay/changes.h"
#include "src/replay/index_path.h"
#include "src/replay/job.h"
#include "src/replay/order.h"
#include "tests/src/replay/hand_job.h"
#include "tests/src/replay/schema_case.h"
#include "tombstones/tombstones.h"

namespace {

using nlohmann::json;
using tombstone::replay::ClearIdentifier;
using tombstone::replay::PlanMode;
using tombstone::replay::TableCounts;
using tombstone::testing::ReadFile;
using tombstone::testing::SchemaCase;

struct EngineRun {
  std::map<std::string, TableCounts> counts;  // by table
  std::map<std::string, bool> index;          // by table: read through its indexes
  std::map<std::string, std::string> why;
  std::vector<std::string> notes;
  json receipt;
};

// The identifiers in the clear of `lines` (KIND:VALUE, already normalized), hashed with the key
// of `c`'s store, as a sealed store would give them.
std::vector<ClearIdentifier> Clear(const SchemaCase& c, const std::vector<std::string>& lines) {
  auto key = tombstones::Key::Load(c.store().key);
  REQUIRE(key.ok());
  std::vector<ClearIdentifier> list;
  for (const std::string& line : lines) {
    const std::size_t colon = line.find(':');
    const std::string kind = line.substr(0, colon), value = line.substr(colon + 1);
    list.push_back({kind, value, key->HashIdentifier(kind, value)});
  }
  return list;
}

// replay (commit) or, with `verify`, verify (read only) of `c` as the commands run them.
// With `jobs` > 1 the tables are read over that many sessions (--jobs), lookups and scans alike.
EngineRun Run(const SchemaCase& c, PlanMode mode,
              std::optional<std::vector<ClearIdentifier>> clear, bool verify = false,
              int jobs = 1) {
  tombstone::replay::Job job;
  tombstone::testing::BuildJob(
      c, ReadFile(c.MapPath()), "index path test",
      verify ? tombstone::replay::PlanFor::kCounting : tombstone::replay::PlanFor::kChanges, &job);
  job.scan_settings.jobs = jobs;
  job.scan_settings.dsn = c.dsn();
  job.scan_settings.application_name = "index path test";
  job.scan_settings.unit_blocks = 1;  // the scanned tables split too
  job.plan_mode = mode;
  job.clear_identifiers = std::move(clear);
  REQUIRE(tombstone::replay::ChooseReadPaths(job).ok());
  job.record.plan = &job.plan;
  job.record.verify_method = verify ? "scan" : "read";
  tombstone::replay::Progress progress(std::cerr, false);
  tombstones::Status s = tombstones::Status::Ok();
  if (verify) {
    s = job.session->Begin(true, true);
    if (s.ok()) s = tombstone::replay::ScanAll(job, true, progress);
    job.session->Rollback();
  } else {
    auto order = tombstone::replay::OrderTables(*job.session, job.plan);
    REQUIRE(order.ok());
    auto actions = tombstone::pg::TriggersAndRules(
        *job.session, tombstone::replay::RelationsTouched(job, order.value()));
    REQUIRE(actions.ok());
    job.record.server_actions = std::move(actions.value());
    s = job.session->Begin(true);
    if (s.ok()) s = tombstone::replay::ApplyAndVerify(job, order.value(), progress);
    if (s.ok()) s = job.session->Commit();
    else job.session->Rollback();
    job.record.committed = s.ok();
  }
  INFO(s.message() << " " << s.hint());
  REQUIRE(s.ok());
  EngineRun run;
  for (const tombstone::replay::TableScan& scan : job.scans) {
    const std::string name = scan.plan->Display();
    run.counts[name] = scan.counts;
    run.index[name] = scan.plan->read.index;
    run.why[name] = scan.plan->read.why;
  }
  run.notes = job.plan.notes;
  run.receipt = json::parse(tombstone::replay::ReceiptJson(job.record, *job.tombstones));
  return run;
}

// Every count the receipt shows but the rows read (the index path reads fewer) and the time.
void CheckSameCounts(const EngineRun& scan, const EngineRun& index) {
  REQUIRE(scan.counts.size() == index.counts.size());
  for (const auto& [table, a] : scan.counts) {
    INFO(table);
    REQUIRE(index.counts.count(table) == 1);
    const TableCounts& b = index.counts.at(table);
    CHECK(a.matched == b.matched);
    CHECK(a.to_change == b.to_change);
    CHECK(a.deleted == b.deleted);
    CHECK(a.anonymized == b.anonymized);
    CHECK(a.already_anonymized == b.already_anonymized);
    CHECK(a.retained == b.retained);
    CHECK(a.kept_by_guard == b.kept_by_guard);
    CHECK(a.held == b.held);
  }
}

const char* kSchema = R"sql(
CREATE EXTENSION citext;
CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE users (id bigint PRIMARY KEY, handle text NOT NULL, email text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT '2020-01-01');
CREATE INDEX users_handle ON users (handle);
INSERT INTO users (id, handle, email)
  SELECT i, 'h' || i, 'user' || i || '@example.com' FROM generate_series(1, 200) i;
UPDATE users SET created_at = '2025-01-01' WHERE id = 150;
CREATE TABLE orders (id serial PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE,
                     total int);
CREATE INDEX ON orders (user_id);
INSERT INTO orders (user_id, total) SELECT 1 + i % 200, i FROM generate_series(1, 600) i;
CREATE TABLE order_notes (id serial PRIMARY KEY,
                          order_id int REFERENCES orders ON DELETE CASCADE,
                          owner bigint REFERENCES users ON DELETE SET NULL);
INSERT INTO order_notes (order_id, owner) SELECT i, 1 + (i * 7) % 200 FROM generate_series(1, 600) i;
CREATE TABLE users_deleted (user_id bigint, handle text);
CREATE INDEX ON users_deleted (user_id);
CREATE FUNCTION archive() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO users_deleted VALUES (OLD.id, OLD.handle); RETURN OLD; END $$;
CREATE TRIGGER users_archive AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION archive();
CREATE TABLE accounts (uid uuid PRIMARY KEY, label text);
CREATE INDEX ON accounts (label);
INSERT INTO accounts SELECT md5(i::text)::uuid, 'a' || i FROM generate_series(1, 50) i;
CREATE TABLE profiles (id serial PRIMARY KEY, user_ref int, bio text);
CREATE INDEX ON profiles (user_ref);
INSERT INTO profiles (user_ref, bio) SELECT i, 'bio ' || i FROM generate_series(1, 200) i;
CREATE TABLE contacts (id serial PRIMARY KEY, email text);
CREATE INDEX ON contacts (lower(email));
INSERT INTO contacts (email) SELECT ' User' || i || '@Example.com' FROM generate_series(1, 50) i;
CREATE TABLE legacy (code text);
INSERT INTO legacy SELECT 'h' || i FROM generate_series(1, 50) i;
CREATE TABLE partial (code text);
CREATE INDEX ON partial (code) WHERE code <> 'h3';
INSERT INTO partial SELECT 'h' || i FROM generate_series(1, 50) i;
CREATE TABLE exprix (code text);
CREATE INDEX ON exprix ((code || ''));
INSERT INTO exprix SELECT 'h' || i FROM generate_series(1, 50) i;
CREATE TABLE ci_handles (code citext);
CREATE INDEX ON ci_handles (code);
INSERT INTO ci_handles SELECT 'h' || i FROM generate_series(1, 50) i;
INSERT INTO ci_handles SELECT 'H' || i FROM generate_series(1, 50) i;
CREATE TABLE nd_handles (code text COLLATE nocase);
CREATE INDEX ON nd_handles (code);
INSERT INTO nd_handles SELECT 'h' || i FROM generate_series(1, 50) i;
INSERT INTO nd_handles SELECT 'H' || i FROM generate_series(1, 50) i;
CREATE TABLE padded (code char(8));
CREATE INDEX ON padded (code);
INSERT INTO padded SELECT 'h' || i FROM generate_series(1, 50) i;
CREATE TABLE vc (code varchar(20));
CREATE INDEX ON vc (code);
INSERT INTO vc SELECT 'h' || i FROM generate_series(1, 50) i;
CREATE DOMAIN handle_t AS text CHECK (VALUE <> '');
CREATE TABLE dom (code handle_t);
CREATE INDEX ON dom (code);
INSERT INTO dom SELECT 'h' || i FROM generate_series(1, 50) i;
CREATE TABLE base (code text);
CREATE INDEX ON base (code);
CREATE TABLE base_child (extra int) INHERITS (base);
CREATE INDEX ON base_child (code);
INSERT INTO base SELECT 'h' || i FROM generate_series(1, 20) i;
INSERT INTO base_child SELECT 'h' || i, i FROM generate_series(1, 20) i;
CREATE TABLE visits (id bigint, user_id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE visits_2023 PARTITION OF visits FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE visits_2024 PARTITION OF visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ON visits (user_id);
INSERT INTO visits SELECT i, 1 + i % 200, date '2023-01-01' + i % 700 FROM generate_series(1, 800) i;
CREATE TABLE clicks (id bigint, user_id bigint, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE clicks_2023 PARTITION OF clicks FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE clicks_2024 PARTITION OF clicks FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ON clicks_2023 (user_id);
INSERT INTO clicks SELECT i, 1 + i % 200, date '2023-01-01' + i % 700 FROM generate_series(1, 800) i;
ANALYZE;
)sql";

std::string Entry(const std::string& table, const std::string& column, const std::string& kind) {
  return "[[table]]\nname = \"" + table + "\"\nmatch = [ { column = \"" + column +
         "\", kind = \"" + kind + "\" } ]\naction = \"delete\"\n";
}

const std::string kMap =
    "[kinds]\nuser_id = \"exact\"\nhandle = \"exact\"\naccount = \"exact\"\nemail = \"email\"\n"
    "nickname = \"exact\"\n"
    "[[table]]\nname = \"users\"\nmatch = [ { column = \"id\", kind = \"user_id\" }, "
    "{ column = \"handle\", kind = \"handle\" } ]\naction = \"delete\"\n"
    "created_at = \"created_at\"\n" +
    Entry("orders", "user_id", "user_id") + Entry("users_deleted", "user_id", "user_id") +
    "expect_changes = \"the trigger users_archive copies deleted users here\"\n" +
    // nickname: a kind no tombstone has yet; nothing to look up, and no reason to scan.
    "[[table]]\nname = \"accounts\"\nmatch = [ { column = \"uid\", kind = \"account\" }, "
    "{ column = \"label\", kind = \"nickname\" } ]\naction = \"delete\"\n" +
    "[[table]]\nname = \"profiles\"\nmatch = [ { column = \"user_ref\", kind = \"user_id\" } ]\n"
    "action = \"anonymize\"\nset = { user_ref = \"null\", bio = \"redact\" }\n" +
    Entry("contacts", "email", "email") + Entry("legacy", "code", "handle") +
    Entry("partial", "code", "handle") + Entry("exprix", "code", "handle") +
    Entry("ci_handles", "code", "handle") + Entry("nd_handles", "code", "handle") +
    Entry("padded", "code", "handle") + Entry("vc", "code", "handle") +
    Entry("dom", "code", "handle") + Entry("base", "code", "handle") +
    Entry("visits", "user_id", "user_id") + Entry("clicks", "user_id", "user_id");

const std::string kAccount5 = "e4da3b7f-bbce-2345-d777-2b0674a318d5";  // md5('5')::uuid

void Erase(SchemaCase& c) {
  c.Erase("R-3", "user_id:3\nhandle:h3\nemail:user3@example.com\n");
  c.Erase("R-7", "user_id:7\nhandle:h7\n");
  c.Erase("R-150", "user_id:150\n");  // re-registered after the erasure: the guard keeps it
  c.Erase("R-9", "user_id:9\n", "2024-06-01T00:00:00Z", "litigation");
  c.Erase("R-20", "handle:H20\n");  // only 'H20' is this subject; 'h20' is someone else
  c.Erase("R-acc", "account:" + kAccount5 + "\n");
  c.Erase("R-0", "user_id:007\nhandle:h11 \n");  // equal to no value of a bigint; a padded handle
  c.Map(kMap);
}

const std::vector<std::string> kClear = {
    "user_id:3", "handle:h3", "email:user3@example.com", "user_id:7", "handle:h7",
    "user_id:150", "user_id:9", "handle:H20", "account:" + kAccount5, "user_id:007",
    "handle:h11 "};

// What both runs must leave: checked with real SELECTs.
void CheckErased(const SchemaCase& c) {
  CHECK(c.Value("SELECT string_agg(id::text, ',' ORDER BY id) FROM users WHERE id IN "
                "(3, 7, 9, 150, 11)") == "9,11,150");  // held, not erased, guarded
  CHECK(c.Value("SELECT count(*) FROM orders WHERE user_id IN (3, 7)") == "0");
  CHECK(c.Value("SELECT count(*) FROM orders WHERE user_id = 9") == "3");
  CHECK(c.Value("SELECT count(*) FROM order_notes WHERE owner IN (3, 7)") == "0");
  CHECK(c.Value("SELECT count(*) FROM users_deleted") == "0");
  CHECK(c.Value("SELECT count(*) FROM accounts WHERE uid = '" + kAccount5 + "'") == "0");
  CHECK(c.Value("SELECT count(*) FROM accounts") == "49");
  CHECK(c.Value("SELECT count(*) FROM profiles WHERE user_ref IN (3, 7)") == "0");
  // 150 too: profiles has no guard, so the erasure applies to it there.
  CHECK(c.Value("SELECT count(*) FROM profiles WHERE user_ref IS NULL AND bio = '[redacted]'") ==
        "3");
  CHECK(c.Value("SELECT count(*) FROM contacts WHERE lower(trim(email)) = 'user3@example.com'") ==
        "0");
  for (const char* t : {"legacy", "partial", "exprix", "padded", "vc", "dom", "base"})
    CHECK(c.Value(std::string("SELECT count(*) FROM ") + t + " WHERE code IN ('h3', 'h7')") ==
          "0");
  CHECK(c.Value("SELECT count(*) FROM ONLY base WHERE code IN ('h3', 'h7')") == "0");
  CHECK(c.Value("SELECT count(*) FROM base_child WHERE code IN ('h3', 'h7')") == "0");
  CHECK(c.Value("SELECT count(*) FROM visits WHERE user_id IN (3, 7)") == "0");
  CHECK(c.Value("SELECT count(*) FROM clicks WHERE user_id IN (3, 7)") == "0");
  CHECK(c.Value("SELECT count(*) FROM visits WHERE user_id = 9") == "4");  // held
  CHECK(c.Value("SELECT count(*) FROM visits") == "788");  // 800 less 3, 7 and 150: 4 rows each
  // The case variants: only the exact identifier was erased.
  CHECK(c.Value("SELECT string_agg(code::text, ',' ORDER BY code::text COLLATE \"C\") FROM "
                "ci_handles WHERE code = 'h20'") == "h20");
  CHECK(c.Value("SELECT string_agg(code, ',' ORDER BY code COLLATE \"C\") FROM nd_handles "
                "WHERE code = 'h20'") == "h20");
  CHECK(c.Value("SELECT count(*) FROM ci_handles") == "97");  // h3, h7 and H20 are gone
  CHECK(c.Value("SELECT count(*) FROM nd_handles") == "97");
}

}  // namespace

TEST_CASE("the index path changes exactly the rows the scan changes", "[pg][replay][index-path]") {
  // The looked-up runs on one session, or with --jobs 2 and 3 (lookups on the other sessions).
  const int jobs = GENERATE(1, 2, 3);
  INFO("--jobs " << jobs);
  SchemaCase scanned(kSchema), looked_up(kSchema);
  Erase(scanned);
  Erase(looked_up);
  std::vector<std::string> clear = kClear;
  bool user_id_looked_up = true;
  SECTION("with every identifier in the clear") {}
  SECTION("with one hash of kind user_id missing from the list: that kind is scanned") {
    clear.erase(std::find(clear.begin(), clear.end(), "user_id:9"));
    user_id_looked_up = false;
  }
  const auto list = Clear(looked_up, clear);

  // Before the replay, verify finds the same subjects either way.
  const EngineRun verify_scan = Run(looked_up, PlanMode::kScan, std::nullopt, true);
  const EngineRun verify_index = Run(looked_up, PlanMode::kIndex, list, true, jobs);
  CheckSameCounts(verify_scan, verify_index);
  CHECK(verify_index.counts.at("public.users").to_change == 2);

  const EngineRun a = Run(scanned, PlanMode::kScan, std::nullopt);
  const EngineRun b = Run(looked_up, PlanMode::kIndex, list, false, jobs);
  CheckSameCounts(a, b);
  CHECK(scanned.Everything() == looked_up.Everything());
  CheckErased(looked_up);
  CheckErased(scanned);

  // How each table was read, and why.
  for (const auto& [table, index] : a.index) CHECK_FALSE(index);
  const std::map<std::string, bool> expected = {
      {"public.users", user_id_looked_up},     {"public.orders", user_id_looked_up},
      {"public.users_deleted", user_id_looked_up}, {"public.accounts", true},
      {"public.profiles", user_id_looked_up},  {"public.contacts", false},
      {"public.legacy", false},                {"public.partial", false},
      {"public.exprix", false},                {"public.ci_handles", true},
      {"public.nd_handles", true},             {"public.padded", true},
      {"public.base", false},                  {"public.base_child", false},
      {"public.visits", user_id_looked_up},    {"public.clicks", false},
      {"public.vc", true},                     {"public.dom", true}};
  for (const auto& [table, index] : expected) {
    INFO(table << ": " << b.why.at(table));
    CHECK(b.index.at(table) == index);
  }
  CHECK_THAT(b.why.at("public.contacts"), Catch::Contains("normalizer email"));
  CHECK_THAT(b.why.at("public.legacy"), Catch::Contains("no index leads with it"));
  CHECK_THAT(b.why.at("public.partial"), Catch::Contains("partial"));
  CHECK_THAT(b.why.at("public.exprix"), Catch::Contains("no index leads with it"));
  CHECK_THAT(b.why.at("public.base"), Catch::Contains("inheritance"));
  CHECK_THAT(b.why.at("public.base_child"), Catch::Contains("inheritance"));
  if (user_id_looked_up)
    CHECK_THAT(b.why.at("public.clicks"),
               Catch::Contains("partition 'clicks_2024': no index leads with it"));
  if (!user_id_looked_up) {
    CHECK_THAT(b.why.at("public.users"),
               Catch::Contains("cover 4 of the 5 hashes of kind 'user_id'"));
    CHECK(std::find(b.notes.begin(), b.notes.end(),
                    "kind 'user_id' is scanned: the identifiers in the clear cover 4 of the 5 "
                    "hashes of kind 'user_id'") != b.notes.end());
  } else {
    // Read through the index: only the candidate rows, not the table.
    CHECK(b.counts.at("public.users").scanned < 10);
    CHECK(a.counts.at("public.users").scanned == 200);
  }
  for (const json& t : b.receipt["tables"]) {
    INFO(t.dump());
    CHECK(t["read"]["path"] == (b.index.at(t["table"]) ? "index" : "scan"));
    CHECK(t["read"]["why"] == b.why.at(t["table"]));
  }

  // Afterwards nothing is left, read either way; a second replay changes nothing.
  const EngineRun after_index = Run(looked_up, PlanMode::kIndex, list, true);
  const EngineRun after_scan = Run(looked_up, PlanMode::kScan, std::nullopt, true);
  for (const auto& [table, counts] : after_index.counts) {
    INFO(table);
    CHECK(counts.to_change == 0);
    CHECK(after_scan.counts.at(table).to_change == 0);
  }
  const std::string before_again = looked_up.Everything();
  const EngineRun again = Run(looked_up, PlanMode::kIndex, list);
  for (const auto& [table, counts] : again.counts) CHECK(counts.to_change == 0);
  CHECK(looked_up.Everything() == before_again);
}

TEST_CASE("--plan auto scans small tables and a hash-only store scans everything",
          "[pg][replay][index-path]") {
  SchemaCase c(kSchema);
  Erase(c);
  SECTION("auto: tables of a few pages are cheaper to scan") {
    const EngineRun run = Run(c, PlanMode::kAuto, Clear(c, kClear), true);
    CHECK_FALSE(run.index.at("public.users"));
    CHECK_THAT(run.why.at("public.users"), Catch::Contains("scan is cheaper"));
  }
  SECTION("a large table with few subjects: lookups") {
    c.Psql("INSERT INTO users (id, handle, email) SELECT i, 'h' || i, 'u' || i || '@x.org' "
           "FROM generate_series(1000, 60000) i; ANALYZE users;");
    const EngineRun run = Run(c, PlanMode::kAuto, Clear(c, kClear), true);
    INFO(run.why.at("public.users"));
    CHECK(run.index.at("public.users"));
    CHECK(run.counts.at("public.users").to_change == 2);
  }
  SECTION("no list: every table scanned, --plan index or not") {
    const EngineRun run = Run(c, PlanMode::kIndex, std::nullopt, true);
    for (const auto& [table, index] : run.index) {
      CHECK_FALSE(index);
      CHECK(run.why.at(table) == "scanned: the store keeps no identifiers in the clear");
    }
  }
  SECTION("--plan scan: every table scanned") {
    const EngineRun run = Run(c, PlanMode::kScan, Clear(c, kClear), true);
    for (const auto& [table, index] : run.index) {
      CHECK_FALSE(index);
      CHECK(run.why.at(table) == "scanned: --plan scan");
    }
  }
}

TEST_CASE("the lookups never put an identifier in the server's log", "[pg][replay][index-path]") {
  // On one session, or with the lookups on other sessions (--jobs 2): then the job's session,
  // which deletes by primary key, must keep its parameters out of the log as well.
  const int jobs = GENERATE(1, 2);
  INFO("--jobs " << jobs);
  SchemaCase c(kSchema);
  Erase(c);
  // Every statement logged with its parameters (log_parameter_max_length is -1 by default).
  c.Psql("ALTER DATABASE " + c.db() + " SET log_min_duration_statement = 0;");
  const std::string log = tombstone::testing::PgCluster::Shared().data_dir() + "/../server.log";
  const std::size_t before = ReadFile(log).size();
  const EngineRun run = Run(c, PlanMode::kIndex, Clear(c, kClear), false, jobs);
  REQUIRE(run.index.at("public.accounts"));
  const std::string logged = ReadFile(log).substr(before);
  CHECK(c.Value("SELECT count(*) FROM accounts WHERE uid = '" + kAccount5 + "'") == "0");
  CHECK_THAT(logged, Catch::Contains("= ANY($1::pg_catalog.uuid[])"));  // the lookup was logged
  CHECK_THAT(logged, !Catch::Contains(kAccount5));                        // its value was not
  CHECK_THAT(logged, !Catch::Contains("H20"));
  // From the first lookup to the commit, no statement's parameters are logged (the deletes by
  // primary key would show user ids otherwise).
  const std::size_t quiet = logged.find("log_parameter_max_length_on_error");
  REQUIRE(quiet != std::string::npos);
  CHECK_THAT(logged.substr(0, quiet), Catch::Contains("parameters: $"));  // as before it
  // After it the job's session (the first to keep them out: its process id is on that line)
  // logs no parameter. With --jobs 2 the other session does, as it connects (its application
  // name, its lock timeout), until its own lookup keeps them out: nothing of a row.
  const std::size_t line_start = logged.rfind('\n', quiet) + 1;
  const std::size_t pid_at = logged.find(" [", line_start);
  REQUIRE(pid_at < quiet);
  const std::string pid = logged.substr(pid_at, logged.find(']', pid_at) - pid_at + 1);
  std::istringstream after(logged.substr(quiet));
  std::size_t others = 0;
  for (std::string line; std::getline(after, line);) {
    if (line.find("parameters: $") == std::string::npos) continue;
    CHECK_THAT(line, !Catch::Contains(pid));
    ++others;
  }
  if (jobs == 1) CHECK(others == 0);
}

TEST_CASE("replay --plan says how each table is read; an unknown --plan is a usage error",
          "[pg][replay][index-path]") {
  SchemaCase c(kSchema);
  Erase(c);
  SECTION("a hash-only store with --plan index: every table scanned, and the plan says so") {
    const auto r = c.Replay({"--dry-run", "--plan", "index"});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("read: public.users: scan (scanned: the store keeps no "
                                      "identifiers in the clear)"));
    const json receipt = json::parse(ReadFile(c.ReceiptPath()));
    CHECK(receipt["tables"][0]["read"]["path"] == "scan");
  }
  SECTION("without --plan, a hash-only store's plan is as it always was") {
    const auto r = c.Replay({"--dry-run"});
    CHECK(r.code == 0);
    CHECK_THAT(r.out, !Catch::Contains("read: "));
  }
  SECTION("--plan fast") {
    const auto r = c.Replay({"--plan", "fast"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("unable to parse option '--plan': expected auto, scan or "
                                      "index, got 'fast'"));
    CHECK_FALSE(c.Fenced());
  }
}

// The whole chain from the command line: a sealed store (init --sealed, add with the sealing
// key), replay with --sealing-key-file reads the indexed tables by lookups and deletes the same
// rows a scan would; without the sealing key it scans; a wrong sealing key is a store error.
TEST_CASE("a sealed store and its sealing key turn replay to index lookups",
          "[pg][replay][index-path][sealed]") {
  SchemaCase c(
      "CREATE TABLE members (id bigint PRIMARY KEY, nick text NOT NULL);"
      "INSERT INTO members SELECT i, 'n' || i FROM generate_series(1, 20000) i;"
      "CREATE TABLE visits (id bigint PRIMARY KEY, member_id bigint REFERENCES members);"
      "CREATE INDEX ON visits (member_id);"
      "INSERT INTO visits SELECT i, 1 + i % 20000 FROM generate_series(1, 40000) i;"
      "ANALYZE members, visits;");
  const tombstone::testing::TempDir dir;
  const std::string store = dir / "store", key = dir / "key", sealing = dir / "sealing.key";
  const auto tool = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--store", store, "--key-file", key});
    return tombstone::testing::Run(args, input);
  };
  REQUIRE(tool({"--sealing-key-file", sealing, "init", "--generate-key", "--sealed",
                "--generate-sealing-key"}).code == 0);
  REQUIRE(tool({"--sealing-key-file", sealing, "add", "--request", "R-7", "--ids-from", "-"},
               "member:7\nmember:19999\n").code == 0);
  c.Map("[kinds]\nmember = \"exact\"\n"
        "[[table]]\nname = \"members\"\nmatch = [ { column = \"id\", kind = \"member\" } ]\n"
        "action = \"delete\"\n"
        "[[table]]\nname = \"visits\"\nmatch = [ { column = \"member_id\", kind = \"member\" } ]\n"
        "action = \"delete\"\n");
  const std::vector<std::string> replay = {"replay", "--dsn", c.dsn(), "--map", c.MapPath(),
                                           "--receipt", c.ReceiptPath()};
  SECTION("without the sealing key: scanned") {
    std::vector<std::string> args = replay;
    args.insert(args.end(), {"--dry-run", "--plan", "index"});
    const tombstone::testing::RunResult r = tool(args);
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("read: public.members: scan"));
  }
  SECTION("a sealing key that is not the store's: a store error, nothing changed") {
    const std::string other = dir / "other.key";
    auto generated = tombstones::SealingKey::Generate(other);
    REQUIRE(generated.ok());
    std::vector<std::string> args = {"--sealing-key-file", other};
    args.insert(args.end(), replay.begin(), replay.end());
    const tombstone::testing::RunResult r = tool(args);
    INFO(r.out << r.err);
    CHECK(r.code == 4);
    CHECK(c.Value("SELECT count(*) FROM members") == "20000");
    CHECK_FALSE(c.Fenced());
  }
  SECTION("with it: index lookups, and the subject's rows are gone") {
    std::vector<std::string> args = {"--sealing-key-file", sealing};
    args.insert(args.end(), replay.begin(), replay.end());
    args.insert(args.end(), {"--plan", "index"});
    const std::string others = c.Others("visits", "x.member_id IN (7, 19999)");
    const tombstone::testing::RunResult r = tool(args);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("read: public.members: index lookups"));
    CHECK_THAT(r.out, Catch::Contains("read: public.visits: index lookups"));
    CHECK(c.Value("SELECT count(*) FROM members WHERE id IN (7, 19999)") == "0");
    CHECK(c.Value("SELECT count(*) FROM visits WHERE member_id IN (7, 19999)") == "0");
    CHECK(c.Value("SELECT count(*) FROM visits") == "39996");
    CHECK(c.Others("visits", "x.member_id IN (7, 19999)") == others);
    const json receipt = json::parse(ReadFile(c.ReceiptPath()));
    CHECK(receipt["tables"][0]["read"]["path"] == "index");
    CHECK(receipt["tables"][0]["rows_deleted"].get<int>() +
              receipt["tables"][1]["rows_deleted"].get<int>() == 6);
    // verify, by the same lookups, finds nothing left
    std::vector<std::string> verify = {"--sealing-key-file", sealing, "verify", "--dsn", c.dsn(),
                                       "--map", c.MapPath(), "--plan", "index"};
    CHECK(tool(verify).code == 0);
  }
}

TEST_CASE("a lookup prefetches through a bitmap and gives the session its settings back",
          "[pg][replay][index-path]") {
  SchemaCase c(kSchema);
  Erase(c);
  // orders, looked up by one column: enough rows that its index is the way in (a lookup by two
  // columns is a BitmapOr anyway).
  c.Psql("INSERT INTO users (id, handle, email) SELECT i, 'h' || i, 'u' || i || '@x.org' "
         "FROM generate_series(1000, 30000) i; INSERT INTO orders (user_id, total) "
         "SELECT i / 2, i FROM generate_series(2000, 60000) i; ANALYZE users, orders;");
  // The session's own settings: the server's defaults (effective_io_concurrency 1), more than
  // the lookups' 64, 0 (a server without posix_fadvise accepts nothing else), and a database
  // with bitmap scans off.
  const std::string session_settings =
      GENERATE(as<std::string>{}, "", "SET effective_io_concurrency = 200",
               "SET effective_io_concurrency = 0", "SET enable_bitmapscan = off");
  INFO("session: " << (session_settings.empty() ? "the defaults" : session_settings));
  tombstone::replay::Job job;
  tombstone::testing::BuildJob(c, ReadFile(c.MapPath()), "index path test",
                               tombstone::replay::PlanFor::kCounting, &job);
  job.plan_mode = PlanMode::kIndex;
  job.clear_identifiers = Clear(c, kClear);
  REQUIRE(tombstone::replay::ChooseReadPaths(job).ok());
  REQUIRE(job.session->Begin(true, true).ok());
  const auto settings = [&] {
    auto r = job.session->Query("read", "SELECT current_setting('enable_indexscan') || ' ' || "
                                        "current_setting('enable_bitmapscan') || ' ' || "
                                        "current_setting('effective_io_concurrency')");
    REQUIRE(r.ok());
    return std::string(r.value()[0][0].c_str());
  };
  if (!session_settings.empty()) REQUIRE(job.session->Query("set", session_settings).ok());
  // The lookup's plan, in the server log.
  REQUIRE(job.session->Query("explain", "LOAD 'auto_explain'").ok());
  REQUIRE(job.session->Query("explain", "SET auto_explain.log_min_duration = 0").ok());
  const std::string log = tombstone::testing::PgCluster::Shared().data_dir() + "/../server.log";
  const std::size_t logged_before = ReadFile(log).size();
  const std::string before = settings();
  const tombstone::replay::TablePlan* orders = nullptr;
  for (const auto& plan : job.plan.tables)
    if (plan.Display() == "public.orders") orders = &plan;
  REQUIRE(orders != nullptr);
  REQUIRE(orders->read.index);
  tombstone::replay::Progress progress(std::cerr, false);
  auto read = tombstone::replay::ReadTable(job, *orders, progress);
  INFO(read.status().message());
  REQUIRE(read.ok());
  CHECK(settings() == before);  // the deletes' key checks are planned as the session would
  const std::string logged = ReadFile(log).substr(logged_before);
  CHECK_THAT(logged, Catch::Contains("Bitmap Heap Scan on orders"));
  CHECK_THAT(logged, !Catch::Contains("Index Scan using orders_user_id_idx"));
  // The rows a scan of the table finds.
  auto scanned = tombstone::replay::ScanTable(*job.session, *orders, *job.tombstones, *job.key,
                                              progress);
  REQUIRE(scanned.ok());
  CHECK(read->counts.matched == scanned->counts.matched);
  CHECK(read->counts.to_change == scanned->counts.to_change);
  CHECK(read->counts.to_change == 9);  // the orders of users 3, 7 and 150 (9 is held)
  job.session->Rollback();
}

TEST_CASE("a lookup split into chunks over --jobs sessions changes what the scan changes",
          "[pg][replay][index-path][jobs]") {
  SchemaCase scanned(kSchema), looked_up(kSchema);
  // orders is looked up by user_id alone (a bigint): its 400 and more identifiers make chunks.
  std::string many, dup;
  std::vector<std::string> clear = kClear;
  for (int k = 0; k < 400; ++k) {
    const std::string id = std::to_string(1000 + 37 * k);
    many += "user_id:" + id + "\n";
    clear.push_back("user_id:" + id);
  }
  for (SchemaCase* c : {&scanned, &looked_up}) {
    c->Psql("INSERT INTO users (id, handle, email) SELECT i, 'h' || i, 'u' || i || '@x.org' "
            "FROM generate_series(1000, 30000) i; INSERT INTO orders (user_id, total) "
            "SELECT i / 2, i FROM generate_series(2000, 60000) i; ANALYZE users, orders;");
    Erase(*c);
    c->Erase("R-many", many);
    c->Erase("R-dup", "user_id:1037\n");  // an identifier two tombstones share
  }
  clear.push_back("user_id:1037");  // listed twice, as a sealed store lists it per tombstone
  const auto list = Clear(looked_up, clear);

  {  // The split this test is about: orders in 3 chunks, users (two lookups) whole.
    tombstone::replay::Job job;
    tombstone::testing::BuildJob(looked_up, ReadFile(looked_up.MapPath()), "index path test",
                                 tombstone::replay::PlanFor::kChanges, &job);
    job.plan_mode = PlanMode::kIndex;
    job.clear_identifiers = list;
    REQUIRE(tombstone::replay::ChooseReadPaths(job).ok());
    for (const auto& plan : job.plan.tables) {
      if (plan.Display() == "public.users") CHECK(tombstone::replay::LookupChunks(plan, 3) == 1);
      if (plan.Display() != "public.orders") continue;
      CHECK(tombstone::replay::LookupChunks(plan, 3) == 3);
      // In the index's order, each once: a chunk is a range of the index.
      const std::vector<std::string>& values = plan.read.lookups.at(0).values;
      CHECK(values.size() == 404);  // the 400 (1037 listed twice), 3, 7, 9, 150; not 007
      CHECK(std::is_sorted(values.begin(), values.end(), [](const auto& a, const auto& b) {
        return std::stoll(a) < std::stoll(b);
      }));
      CHECK(std::adjacent_find(values.begin(), values.end()) == values.end());
    }
  }
  const EngineRun verify_scan = Run(looked_up, PlanMode::kScan, std::nullopt, true);
  const EngineRun verify_index = Run(looked_up, PlanMode::kIndex, list, true, 3);
  CheckSameCounts(verify_scan, verify_index);
  CHECK(verify_index.counts.at("public.orders").to_change > 700);

  const EngineRun a = Run(scanned, PlanMode::kScan, std::nullopt);
  const EngineRun b = Run(looked_up, PlanMode::kIndex, list, false, 3);
  CHECK(b.index.at("public.orders"));
  CheckSameCounts(a, b);
  CHECK(scanned.Everything() == looked_up.Everything());
  CHECK(looked_up.Value("SELECT count(*) FROM orders WHERE user_id IN (SELECT 1000 + 37 * k "
                        "FROM generate_series(0, 399) k)") == "0");
}

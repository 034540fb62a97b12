// Issue 16: replay and the exports decide a row by one rule (src/match/row_decision.h). The same
// cases go through both paths: one copy of a database is replayed, a pg_dump of the other is
// scrubbed and restored; every table must come out the same, row for row.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "tests/src/exports/export_fixture.h"
#include "tests/support/pg_cluster.h"

using tombstone::testing::ExportFixture;
using tombstone::testing::PgBinDir;
using tombstone::testing::PgCluster;
using tombstone::testing::ReadFile;
using tombstone::testing::RunResult;
using tombstone::testing::WriteFile;

namespace {

// One table per rule; the comment on each row says what both paths must do with it.
const char* kCases = R"SQL(
CREATE TABLE p_hold (id bigint PRIMARY KEY, email text, created_at timestamptz);
INSERT INTO p_hold VALUES
  (7, 'both@example.com', '2024-01-01+00'),   -- a released and a held tombstone: kept (hold wins)
  (8, 'free@example.com', '2024-01-01+00'),   -- released only: deleted
  (9, 'other@example.com', '2024-01-01+00');  -- no tombstone
CREATE TABLE p_guard (id bigint PRIMARY KEY, email text, created_at timestamptz);
INSERT INTO p_guard VALUES
  (1, 'twice@example.com', '2025-06-01+00'),  -- between two erasures: the latest decides, deleted
  (2, 'late@example.com', '2027-01-01+00'),   -- after the erasure: kept by the guard
  (3, 'nullguard@example.com', NULL),         -- NULL guard: deleted
  (4, 'LATE@example.com', '2026-01-01+00');   -- exactly at the erasure: deleted
CREATE TABLE p_date (id bigint PRIMARY KEY, email text, created_at date);
INSERT INTO p_date VALUES
  (1, 'late@example.com', '2026-06-01'),      -- a date after the erasure: kept
  (2, 'twice@example.com', '2025-06-01');     -- deleted
CREATE TABLE p_anon (id bigint PRIMARY KEY, email text, name text);
INSERT INTO p_anon VALUES
  (1, ' DAVE@Example.com', 'Dave'),           -- one subject, one pseudonym, whatever the case
  (2, 'dave@example.com', 'D'),
  (3, 'x@example.com', 'X');
CREATE TABLE p_redact (id bigint PRIMARY KEY, email text, v varchar(20), c char(10), n numeric(10,2),
  b boolean, ts timestamp(3) with time zone, tsl timestamp without time zone, t time(2),
  arr text[], ints int[], raw bytea, d date, m money, i interval, j jsonb, u uuid, ip inet);
INSERT INTO p_redact VALUES                   -- redact: the same marker per type on both paths
  (1, 'dave@example.com', 'hello', 'abc', 12.5, true, '2024-05-01 10:00:00.123+00',
   '2024-05-01 10:00:00', '10:00:00.5', '{a,b}', '{1,2}', '\x0102', '2024-01-01', 5, '1 day',
   '{"a": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10.0.0.1'),
  (2, 'x@example.com', 'keep', 'k', 1, false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL);
)SQL";

const char* kMap = R"MAP([kinds]
email = "email"
user_id = "exact"

[[table]]
name = "public.p_hold"
match = [ { column = "id", kind = "user_id" }, { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"

[[table]]
name = "public.p_guard"
match = [ { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"

[[table]]
name = "public.p_date"
match = [ { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"
created_at_zone = "UTC"  # a dump does not say the database's TimeZone: scrub refuses without

[[table]]
name = "public.p_anon"
match = [ { column = "email", kind = "email" } ]
action = "anonymize"
set = { email = "hash", name = "redact" }

[[table]]
name = "public.p_redact"
match = [ { column = "email", kind = "email", keep = "the redact markers are the point here" } ]
action = "anonymize"
set = { v = "redact", c = "redact", n = "redact", b = "redact", ts = "redact", tsl = "redact", t = "redact", arr = "redact", ints = "redact", raw = "redact", d = "redact", m = "redact", i = "redact", j = "redact", u = "redact", ip = "redact" }
)MAP";

int Shell(const std::string& command) { return std::system(command.c_str()); }
std::string Q(const std::string& s) { return "'" + s + "'"; }

}  // namespace

TEST_CASE("replay and scrub of a dump decide every case alike", "[pg][policy]") {
  PgCluster& pg = PgCluster::Shared();
  const std::string replayed = pg.CreateDatabase("policy_replay");
  pg.Psql(kCases, replayed);
  ExportFixture f;
  f.Add("REQ-FREE", {"email:both@example.com", "email:free@example.com"});
  f.Add("REQ-HOLD", {"user_id:7"}, {"--hold", "litigation"});
  f.Add("REQ-T1", {"email:twice@example.com"}, {"--erased-at", "2024-01-01T00:00:00Z"});
  f.Add("REQ-T2", {"email:twice@example.com"}, {"--erased-at", "2026-01-01T00:00:00Z"});
  f.Add("REQ-L", {"email:late@example.com"}, {"--erased-at", "2026-01-01T00:00:00Z"});
  f.Add("REQ-N", {"email:nullguard@example.com"});
  f.Add("REQ-D", {"email:dave@example.com"});
  WriteFile(f.Path("map.toml"), kMap);
  const std::string map = f.Path("map.toml");

  // The exports' path: dump, scrub, restore into a fresh database.
  const std::string dump = f.Path("cases.sql"), clean = f.Path("clean.sql");
  REQUIRE(Shell(PgBinDir() + "/pg_dump -Fp -f " + Q(dump) + " " + Q(pg.Dsn(replayed))) == 0);
  const RunResult scrub = f.fx.Run({"scrub", "--map", map, dump, clean});
  INFO(scrub.out << scrub.err);
  REQUIRE(scrub.code == 0);
  const std::string scrubbed = pg.CreateDatabase("policy_scrub");
  REQUIRE(Shell(PgBinDir() + "/psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -f " + Q(clean) + " " +
                Q(pg.Dsn(scrubbed)) + " > /dev/null 2>&1") == 0);

  // Replay's path, on the original.
  const RunResult replay = f.fx.Run({"replay", "--dsn", pg.Dsn(replayed), "--map", map});
  INFO(replay.out << replay.err);
  REQUIRE(replay.code == 0);

  for (const char* table : {"p_hold", "p_guard", "p_date", "p_anon", "p_redact"}) {
    INFO(table);
    const std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY id";
    CHECK(pg.Psql(sql, scrubbed) == pg.Psql(sql, replayed));
  }
  // What both give, spelled out.
  CHECK(pg.Psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM p_hold", scrubbed) == "7,9\n");
  CHECK(pg.Psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM p_guard", scrubbed) == "2\n");
  CHECK(pg.Psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM p_date", scrubbed) == "1\n");
  auto key = tombstones::Key::Load(f.fx.key);
  REQUIRE(key.ok());
  const std::string dave = key.value().Pseudonym("email", "dave@example.com");
  CHECK(pg.Psql("SELECT email FROM p_anon WHERE id IN (1, 2) ORDER BY id", scrubbed) ==
        dave + "\n" + dave + "\n");
  CHECK(pg.Psql("SELECT v, c, n, b, ts, arr, raw FROM p_redact WHERE id = 1", scrubbed) ==
        "[redacted]|[redacted]|0.00|f|1970-01-01 00:00:00+00|{}|\\x\n");
}

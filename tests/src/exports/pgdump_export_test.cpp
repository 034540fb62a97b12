// Plain pg_dump files: COPY rows of tombstoned subjects dropped, anonymized or kept by the map's
// action; every other byte of the dump kept.
#include "src/exports/pgdump_export.h"

#include <catch2/catch.hpp>

#include "tests/src/exports/export_fixture.h"
#include "tests/support/pgdump_test_map.h"

using namespace tombstone::exports;
namespace io = tombstone::io;
using tombstone::testing::ExportFixture;
using tombstone::testing::ReadFile;
using tombstone::testing::WriteFile;

namespace {

const char* const kMap = tombstone::testing::kPgDumpTestMap;

// The head of a pg_dump 15 plain dump, shortened, with the parts scrub must keep.
const std::string kHead =
    "--\n-- PostgreSQL database dump\n--\n\n"
    "\\restrict AbCdEf0123\n\n"
    "SET statement_timeout = 0;\n"
    "SET client_encoding = 'UTF8';\n\n"
    "CREATE TABLE public.users (\n"
    "    id bigint NOT NULL,\n"
    "    email text NOT NULL,\n"
    "    created_at timestamp with time zone DEFAULT now() NOT NULL\n"
    ");\n\n"
    "CREATE TABLE public.events (\n"
    "    user_id bigint,\n"
    "    payload jsonb\n"
    ")\nPARTITION BY RANGE (user_id);\n\n"
    "CREATE TABLE public.events_low (\n"
    "    user_id bigint,\n"
    "    payload jsonb\n"
    ");\n"
    "ALTER TABLE ONLY public.events ATTACH PARTITION public.events_low FOR VALUES FROM (0) TO "
    "(1000);\n\n"
    "CREATE TABLE public.invoices (\n"
    "    id integer NOT NULL,\n"
    "    customer_id bigint,\n"
    "    billing_name text,\n"
    "    billing_email character varying(80),\n"
    "    vat_number text,\n"
    "    note text,\n"
    "    amount numeric(10,2)\n"
    ");\n\n";

const std::string kUsers =
    "--\n-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: app\n--\n\n"
    "COPY public.users (id, email, created_at) FROM stdin;\n"
    "1\t Alice@Example.COM\t2024-01-01 10:00:00+00\n"  // tombstone REQ-A (by email)
    "2\tbob@example.com\t2024-01-01 10:00:00+00\n"
    "42\tcarol@example.com\t2024-01-01 10:00:00+00\n"     // REQ-C (by id)
    "43\tdan\\\\x@example.com\t2024-01-01 10:00:00+00\n"  // escaped backslash, innocent
    "44\tNEW@example.com\t2030-06-01 00:00:00+00\n"       // REQ-N erased 2026: kept by guard
    "45\tHeld@example.com\t2024-01-01 10:00:00+00\n"      // REQ-H on hold
    "\\.\n\n";

const std::string kEvents =
    "COPY public.events_low (user_id, payload) FROM stdin;\n"
    "2\t{\"email\": \"ALICE@example.com\", \"n\": 1}\n"  // REQ-A inside jsonb
    "2\t{\"email\": \"bob@example.com\"}\n"
    "42\t\\N\n"  // REQ-C
    "\\.\n\n";

const std::string kInvoices =
    "COPY public.invoices (id, customer_id, billing_name, billing_email, vat_number, note, amount) "
    "FROM stdin;\n"
    "10\t42\tCarol C\tcarol@example.com\tDE123\tpaid\\tin full\t9.50\n"  // REQ-C: anonymize
    "11\t2\tBob B\tbob@example.com\tDE456\t\\N\t1.00\n"
    "12\t42\t\\N\t[redacted]\t@PSEUDONYM@\tgone\t3.00\n"  // already done (WithPseudonym)
    "\\.\n\n";

const std::string kTail =
    "COPY public.audit_log (actor_id, detail) FROM stdin;\n"
    "42\tlogin\n"
    "7\tother\n"
    "\\.\n\n"
    "COPY public.unmapped (email) FROM stdin;\n"
    "alice@example.com\n"
    "\\.\n\n"
    "--\n-- PostgreSQL database dump complete\n--\n\n"
    "\\unrestrict AbCdEf0123\n";

const std::string kDump = kHead + kUsers + kEvents + kInvoices + kTail;

// `text` with its @PSEUDONYM@ made a pseudonym of the fixture's key: a row anonymized before.
std::string WithPseudonym(ExportFixture& f, std::string text) {
  if (!f.key) {
    auto key = tombstones::Key::Load(f.fx.key);
    REQUIRE(key.ok());
    f.key = std::make_unique<tombstones::Key>(std::move(key.value()));
  }
  const std::string mark = "@PSEUDONYM@";
  for (std::size_t at; (at = text.find(mark)) != std::string::npos;)
    text.replace(at, mark.size(), f.key->Pseudonym({}, "DE999"));
  return text;
}

struct Run {
  Status status;
  FileReport report;
  std::string copy;
};

Run Process(ExportFixture& f, const std::string& dump, bool scrub, const char* map = kMap) {
  WriteFile(f.Path("map.toml"), map);
  auto m = tombstone::LoadDataMap(f.Path("map.toml"));
  REQUIRE(m.ok());
  WriteFile(f.Path("in.sql"), dump);
  auto index = f.Index({"email", "user_id"});
  auto in = io::InputFile::Open(f.Path("in.sql"));
  REQUIRE(in.ok());
  io::LineReader lines(*in.value());
  Run r;
  r.report.path = f.Path("in.sql");
  std::unique_ptr<io::OutputFile> out;
  if (scrub) out = std::move(io::OutputFile::Create(f.Path("out.sql")).value());
  r.status = ProcessDump(lines, m.value(), *index, *f.key, out.get(), &r.report);
  if (r.status.ok() && out) {
    REQUIRE(out->Commit().ok());
    r.copy = ReadFile(f.Path("out.sql"));
  }
  return r;
}

void AddSubjects(ExportFixture& f) {
  f.Add("REQ-A", {"email:alice@example.com", "user_id:1"});
  f.Add("REQ-C", {"user_id:42", "email:carol@example.com"});
  f.Add("REQ-N", {"email:new@example.com"}, {"--erased-at", "2026-01-01T00:00:00Z"});
  f.Add("REQ-H", {"email:held@example.com"}, {"--hold", "litigation"});
}

const TableReport* Table(const FileReport& r, const std::string& name) {
  for (const TableReport& t : r.tables)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace

TEST_CASE("a plain pg_dump is scrubbed by the map's actions, everything else kept") {
  ExportFixture f;
  AddSubjects(f);
  const Run r = Process(f, WithPseudonym(f, kDump), /*scrub=*/true);
  INFO(r.status.message());
  REQUIRE(r.status.ok());

  SECTION("delete drops the rows, guard and hold keep theirs") {
    const std::string users_after =
        "--\n-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: app\n--\n\n"
        "COPY public.users (id, email, created_at) FROM stdin;\n"
        "2\tbob@example.com\t2024-01-01 10:00:00+00\n"
        "43\tdan\\\\x@example.com\t2024-01-01 10:00:00+00\n"
        "44\tNEW@example.com\t2030-06-01 00:00:00+00\n"
        "45\tHeld@example.com\t2024-01-01 10:00:00+00\n"
        "\\.\n\n";
    const std::string events_after =
        "COPY public.events_low (user_id, payload) FROM stdin;\n"
        "2\t{\"email\": \"bob@example.com\"}\n"
        "\\.\n\n";
    // vat_number: a keyed pseudonym of "DE123"; literal note; redact in varchar(80); null.
    const std::string invoices_after =
        "COPY public.invoices (id, customer_id, billing_name, billing_email, vat_number, note, "
        "amount) FROM stdin;\n"
        "10\t42\t\\N\t[redacted]\t" +
        f.key->Pseudonym({}, "DE123") +
        "\tgone\t9.50\n"
        "11\t2\tBob B\tbob@example.com\tDE456\t\\N\t1.00\n"
        "12\t42\t\\N\t[redacted]\t" +
        f.key->Pseudonym({}, "DE999") +
        "\tgone\t3.00\n"
        "\\.\n\n";
    CHECK(r.copy == kHead + users_after + events_after + invoices_after + kTail);
  }
  SECTION("the report counts per table, and names rows by line and request") {
    CHECK(r.report.format == "pg_dump");
    CHECK(r.report.counts.rows == 6 + 3 + 3 + 2);
    CHECK(r.report.counts.removed == 4);
    CHECK(r.report.counts.changed == 1);
    CHECK(r.report.counts.anonymized_before == 1);
    CHECK(r.report.counts.retained == 1);
    CHECK(r.report.counts.held == 1);
    CHECK(r.report.counts.guarded == 1);
    const TableReport* events = Table(r.report, "public.events");
    REQUIRE(events != nullptr);  // the partition counts as its parent
    CHECK(events->counts.rows == 3);
    CHECK(events->counts.removed == 2);
    REQUIRE_FALSE(r.report.matches.empty());
    CHECK(r.report.matches[0].line == 43);  // kHead has 37 lines, then 5 of comment and COPY
    CHECK(r.report.matches[0].where == "public.users");
    CHECK(r.report.matches[0].request_id == "REQ-A");
  }
  SECTION("an expression a dump cannot evaluate is skipped and said so") {
    REQUIRE(r.report.warnings.size() == 1);
    CHECK(r.report.warnings[0] == "table public.audit_log: the match expression on " +
                                      f.Path("map.toml") +
                                      ":24 cannot be evaluated in a dump; skipped");
    CHECK(r.report.not_evaluable == 2);
  }
}

TEST_CASE("scrubbing twice changes nothing more, and a scan of the copy finds nothing to do") {
  ExportFixture f;
  AddSubjects(f);
  const Run first = Process(f, WithPseudonym(f, kDump), true);
  REQUIRE(first.status.ok());
  const Run second = Process(f, first.copy, true);
  REQUIRE(second.status.ok());
  CHECK(second.copy == first.copy);
  CHECK(second.report.residue() == 0);
  CHECK(second.report.counts.anonymized_before == 2);
  const Run scan = Process(f, WithPseudonym(f, kDump), false);
  CHECK(scan.report.residue() == 5);
}

TEST_CASE("dumps the map does not fit are refused with the table and the map line") {
  ExportFixture f;
  AddSubjects(f);
  SECTION("a mapped column missing from the COPY column list") {
    const Run r = Process(f, "COPY public.users (id, mail, created_at) FROM stdin;\n\\.\n", false);
    CHECK(r.status.code() == tombstones::ExitCode::kUsage);
    CHECK(r.status.message() == "unable to read '" + f.Path("in.sql") + "': table public.users (" +
                                    f.Path("map.toml") +
                                    ":7): its COPY block has no column 'email'");
  }
  SECTION("a dump made with --inserts") {
    const Run r =
        Process(f,
                "--\n-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: app\n--\n\n"
                "INSERT INTO public.users VALUES (1, 'a@b', now());\n",
                false);
    CHECK(r.status.code() == tombstones::ExitCode::kUsage);
    CHECK_THAT(r.status.message(),
               Catch::Contains("its rows are INSERT statements (pg_dump --inserts)"));
  }
  SECTION("an INSERT inside a function body is not taken for table data") {
    const Run r = Process(f,
                          "--\n-- Name: f(); Type: FUNCTION; Schema: public; Owner: app\n--\n\n"
                          "CREATE FUNCTION public.f() RETURNS void AS $$\n"
                          "INSERT INTO public.users VALUES (1, 'a@b', now());\n$$ LANGUAGE sql;\n"
                          "--\n-- PostgreSQL database dump complete\n--\n\n",
                          false);
    CHECK(r.status.ok());
  }
  SECTION("a COPY block cut short (a truncated dump)") {
    const Run r = Process(f, kHead + "COPY public.unmapped (a) FROM stdin;\n1\n2\n", false);
    CHECK(r.status.message() ==
          "unable to read '" + f.Path("in.sql") +
              "': the COPY block opened on line 38 never ends (a truncated dump?)");
  }
  SECTION("redact on a type without a marker") {
    const Run r =
        Process(f,
                "CREATE TABLE public.invoices (\n    customer_id bigint,\n    billing_name text,\n"
                "    billing_email point,\n    vat_number text,\n    note text\n);\n"
                "COPY public.invoices (customer_id, billing_name, billing_email, vat_number, note) "
                "FROM stdin;\n\\.\n",
                true);
    CHECK_THAT(
        r.status.message(),
        Catch::Contains("no redact marker is known for column 'billing_email' of type 'point'"));
  }
}

TEST_CASE("a plain dump cut anywhere is refused as truncated (issue 16)") {
  ExportFixture f;
  AddSubjects(f);
  const std::string in = "unable to read '" + f.Path("in.sql") + "': ";
  SECTION("cut between two tables: no completion trailer") {
    const Run r = Process(f, kHead + kUsers, false);
    CHECK(r.status.code() == tombstones::ExitCode::kUsage);
    CHECK(r.status.message() == in +
                                    "it does not end with pg_dump's '-- PostgreSQL database dump "
                                    "complete' line (a truncated dump?)");
  }
  SECTION("cut inside a COPY header line: the table's rows are lost") {
    const Run r = Process(f, kHead + kUsers + "COPY public.invoices (id, custo", false);
    CHECK(r.status.message() == in + "its last line (51) is cut short (a truncated dump?)");
  }
  SECTION("every cut before the trailer's end is refused; the whole dump is read") {
    const std::size_t end = kDump.find("dump complete\n") + 14;
    for (std::size_t cut = 1; cut < end; cut += 53) {
      INFO("cut at " << cut);
      CHECK(Process(f, kDump.substr(0, cut), false).status.code() ==
            tombstones::ExitCode::kUsage);
    }
    CHECK(Process(f, kDump.substr(0, end), false).status.ok());
    CHECK(Process(f, kDump, false).status.ok());
  }
  SECTION("a statement after the trailer: not pg_dump's end") {
    const Run r = Process(f, kDump + "DROP TABLE public.users;\n", false);
    CHECK_THAT(r.status.message(), Catch::Contains("does not end with pg_dump's"));
  }
  SECTION("a COPY header that cannot be parsed is not passed over") {
    const Run r = Process(f, kHead + "COPY public.users (id, email FROM stdin;\n1\tx\n\\.\n" + kTail,
                          false);
    CHECK(r.status.message() == in + "line 38: a COPY header that cannot be parsed");
  }
  SECTION("a row of a mapped table with a missing field") {
    const Run r = Process(f, kHead + "COPY public.users (id, email, created_at) FROM stdin;\n"
                                     "1\talice@example.com\n\\.\n" + kTail,
                          false);
    CHECK(r.status.message() == in + "line 39: a row of public.users with 2 fields, not 3");
  }
}

TEST_CASE("dump rows are decided as replay decides them (issue 16)") {
  ExportFixture f;
  f.Add("REQ-FREE", {"email:both@example.com"});
  f.Add("REQ-HOLD", {"user_id:7"}, {"--hold", "litigation"});
  f.Add("REQ-D", {"email:dave@example.com"});
  const std::string users =
      "COPY public.users (id, email, created_at) FROM stdin;\n"
      "7\tboth@example.com\t2024-01-01 10:00:00+00\n"  // released and held: held
      "8\tdave@example.com\tnot a time\n"              // unreadable guard: kept, reported
      "\\.\n\n";
  const char* map = R"MAP([kinds]
email = "email"
user_id = "exact"

[[table]]
name = "public.users"
match = [ { column = "id", kind = "user_id" }, { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"

[[table]]
name = "public.invoices"
match = [ { column = "billing_email", kind = "email" } ]
action = "anonymize"
set = { billing_email = "hash" }
)MAP";
  const std::string head = "CREATE TABLE public.users (\n    id bigint NOT NULL,\n"
                           "    email text NOT NULL,\n    created_at text\n);\n\n";
  SECTION("a hold wins over a released tombstone; an unreadable guard keeps the row") {
    // (created_at has no CREATE TABLE here: a data-only dump, its text read as it comes)
    const Run r = Process(f, users + kTail, true, map);
    REQUIRE(r.status.ok());
    CHECK(r.report.counts.held == 1);
    CHECK(r.report.counts.guarded == 1);
    CHECK(r.report.counts.guard_unreadable == 1);
    CHECK(r.report.counts.removed == 0);
    CHECK_THAT(r.copy, Catch::Contains("7\tboth@example.com"));
    CHECK_THAT(r.copy, Catch::Contains("8\tdave@example.com"));
    REQUIRE(r.report.warnings.size() == 1);
    CHECK(r.report.warnings[0] ==
          "table public.users: 1 matching rows kept because their created_at guard could not be "
          "read");
  }
  SECTION("a guard column of a type replay refuses is refused") {
    const Run r = Process(f, head + users + kTail, false, map);
    CHECK_THAT(r.status.message(),
               Catch::Contains("guard column 'created_at' is 'text', not a date or timestamp"));
  }
  SECTION("a pseudonym is of the normalized identifier with its kind, as replay makes it") {
    const Run r = Process(f,
                          "CREATE TABLE public.invoices (\n    billing_email text\n);\n\n"
                          "COPY public.invoices (billing_email) FROM stdin;\n"
                          " DAVE@Example.com\n\\.\n\n" + kTail,
                          true, map);
    REQUIRE(r.status.ok());
    CHECK(r.report.counts.changed == 1);
    CHECK_THAT(r.copy, Catch::Contains("\n" + f.key->Pseudonym("email", "dave@example.com") +
                                       "\n\\.\n"));
  }
}

TEST_CASE("a guard in wall-clock time is read in UTC only when the map says so") {
  // Replay reads a timestamp without time zone (or a date) in created_at_zone, else in the
  // database's TimeZone; a dump does not carry that zone. Before, the exports read it as UTC: in
  // a Tokyo database a row written at 10:00 local (01:00 UTC) by a subject erased at 07:00 UTC
  // must go, and replay deletes it; read as 10:00 UTC, the guard kept it: a false clean.
  ExportFixture f;
  f.Add("REQ-N", {"email:new@example.com"}, {"--erased-at", "2026-01-01T07:00:00Z"});
  auto map = [](const std::string& zone) {
    return std::string("[kinds]\nemail = \"email\"\n\n[[table]]\nname = \"public.users\"\n"
                       "match = [ { column = \"email\", kind = \"email\" } ]\n"
                       "action = \"delete\"\ncreated_at = \"created_at\"\n") +
           (zone.empty() ? "" : "created_at_zone = \"" + zone + "\"\n");
  };
  auto dump = [](const std::string& type, const std::string& guard) {
    return (type.empty() ? std::string()
                         : "CREATE TABLE public.users (\n    id bigint NOT NULL,\n    email text,\n"
                           "    created_at " + type + "\n);\n\n") +
           "COPY public.users (id, email, created_at) FROM stdin;\n1\tnew@example.com\t" + guard +
           "\n\\.\n\n" + kTail;
  };
  const std::string in = "unable to read '" + f.Path("in.sql") + "': ";
  SECTION("timestamp without time zone, no created_at_zone: refused with a hint") {
    const std::string m = map("");
    const Run r = Process(f, dump("timestamp without time zone", "2026-01-01 10:00:00"), false,
                          m.c_str());
    CHECK(r.status.code() == tombstones::ExitCode::kUsage);
    CHECK(r.status.message() ==
          in + "table public.users (" + f.Path("map.toml") +
              ":4): guard column 'created_at' is 'timestamp without time zone', a wall-clock "
              "time in a zone the dump does not say (replay reads it in the database's TimeZone)");
    CHECK_THAT(r.status.hint(), Catch::Contains("created_at_zone = \"UTC\""));
  }
  SECTION("a date, no created_at_zone: refused") {
    const std::string m = map("");
    const Run r = Process(f, dump("date", "2026-01-02"), false, m.c_str());
    CHECK_THAT(r.status.message(), Catch::Contains("guard column 'created_at' is 'date', a "
                                                   "wall-clock time"));
  }
  SECTION("created_at_zone = \"UTC\": read as UTC, as replay reads it") {
    const std::string m = map("UTC");
    const Run late = Process(f, dump("timestamp(3) without time zone", "2026-01-01 10:00:00"),
                             false, m.c_str());
    REQUIRE(late.status.ok());
    CHECK(late.report.counts.guarded == 1);
    const Run early = Process(f, dump("timestamp without time zone", "2026-01-01 05:00:00"),
                              false, m.c_str());
    REQUIRE(early.status.ok());
    CHECK(early.report.counts.removed == 1);
  }
  SECTION("timestamp with time zone needs no zone") {
    const std::string m = map("");
    const Run r = Process(f, dump("timestamp with time zone", "2026-01-01 05:00:00-05"), false,
                          m.c_str());
    REQUIRE(r.status.ok());
    CHECK(r.report.counts.guarded == 1);  // 10:00 UTC, after the erasure
  }
  SECTION("a data-only dump: a value without an offset is refused, one with an offset read") {
    const std::string m = map("");
    const Run bare = Process(f, dump("", "2026-01-01 05:00:00"), false, m.c_str());
    CHECK(bare.status.message() ==
          in + "line 2: a guard value of public.users without a time zone offset, in a dump "
               "without its CREATE TABLE: wall-clock time in a zone the dump does not say");
    const Run offset = Process(f, dump("", "2026-01-01 05:00:00+00"), false, m.c_str());
    REQUIRE(offset.status.ok());
    CHECK(offset.report.counts.removed == 1);
  }
}

// tombstone discover: tombstoned subjects found wherever they are (unmapped columns, json leaves,
// array elements, materialized views, tables a trigger fills), never a value printed, and a
// suggested map that, once used, leaves nothing behind.
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "tests/src/replay/schema_case.h"

namespace {

using nlohmann::json;
using tombstone::testing::RunResult;
using tombstone::testing::SchemaCase;

// A schema in which the map below covers only users.email; the erased subject is also in other
// places, each of another shape, one of them filled by a trigger.
const char* kSchema = R"sql(
CREATE TABLE users (id integer PRIMARY KEY, email text, nickname text);
CREATE TABLE users_history (id integer, email text, changed_at timestamptz DEFAULT now());
CREATE FUNCTION keep_history() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO users_history (id, email) VALUES (OLD.id, OLD.email); RETURN NEW; END $$;
CREATE TRIGGER users_keep_history AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION keep_history();
CREATE SCHEMA app;
CREATE TABLE app.events (id serial PRIMARY KEY, payload jsonb);
CREATE TABLE mailing (id serial PRIMARY KEY, recipients varchar(200)[]);
CREATE TABLE notes (id serial PRIMARY KEY, body text);
CREATE TABLE ledger (id integer PRIMARY KEY, customer_number bigint, amount numeric);
CREATE MATERIALIZED VIEW user_report AS SELECT id, upper(email) AS contact FROM users;
INSERT INTO users VALUES (1, 'alice@example.com', 'al'), (2, 'bob@example.org', 'bobby'),
  (3, 'carol@example.net', 'cc');
INSERT INTO app.events (payload) VALUES
  ('{"kind": "signup", "contact": {"email": "Alice@Example.COM", "tags": ["x"]}}'),
  ('{"kind": "signup", "contact": {"email": "carol@example.net"}}'),
  ('{"kind": "batch", "to": ["bob@example.org", "alice@example.com"]}'),
  ('{"kind": "other", "n": 4471}');
INSERT INTO mailing (recipients) VALUES ('{carol@example.net, ALICE@example.com}'),
  ('{bob@example.org}');
INSERT INTO notes (body) VALUES ('please write to alice@example.com about the refund'),
  ('nothing here');
INSERT INTO ledger VALUES (1, 4471, 10), (4471, 9000, 20);
UPDATE users SET nickname = 'al2' WHERE id = 1;  -- the trigger keeps a copy of the row
REFRESH MATERIALIZED VIEW user_report;
)sql";

const char* kUsersMap =
    "[kinds]\nemail = \"email\"\ncustomer = \"exact\"\n[[table]]\nname = \"users\"\n"
    "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n";

struct Discovered {
  RunResult run;
  json report;
};

Discovered Discover(SchemaCase& c, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"discover", "--dsn", c.dsn(), "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  Discovered d;
  d.run = c.store().Run(args);
  INFO(d.run.out << d.run.err);
  d.report = json::parse(d.run.out);
  return d;
}

// The place named `name` (schema.table.column[.path]), or null.
const json* Place(const json& report, const std::string& name) {
  for (const json& p : report["places"])
    if (p["place"] == name) return &p;
  return nullptr;
}

void CheckNoIdentifier(const RunResult& r) {
  for (const char* secret : {"alice", "Alice", "ALICE", "4471"}) {
    INFO(secret);
    CHECK(r.out.find(secret) == std::string::npos);
    CHECK(r.err.find(secret) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("discover finds an erased subject in every shape of place, and says which the map covers",
          "[pg][discover]") {
  SchemaCase c(kSchema);
  c.Erase("R-1", "email:alice@example.com\ncustomer:4471\n");
  c.Map(kUsersMap);
  const std::string before = c.Everything();
  const Discovered d = Discover(c, {"--map", c.MapPath()});
  CHECK(d.run.code == 3);
  CheckNoIdentifier(d.run);

  const json* users = Place(d.report, "public.users.email");
  REQUIRE(users != nullptr);
  CHECK((*users)["covered"] == true);
  CHECK((*users)["rows_found"] == 1);
  CHECK((*users)["rows_scanned"] == 3);
  CHECK((*users)["requests"] == json::array({"R-1"}));

  const json* nested = Place(d.report, "app.events.payload.contact.email");
  REQUIRE(nested != nullptr);  // a jsonb leaf at a nested path, in another case
  CHECK((*nested)["covered"] == false);
  CHECK((*nested)["rows_found"] == 1);
  const json* in_array = Place(d.report, "app.events.payload.to[]");
  REQUIRE(in_array != nullptr);  // a string inside a json array
  CHECK((*in_array)["rows_found"] == 1);

  const json* element = Place(d.report, "public.mailing.recipients");
  REQUIRE(element != nullptr);  // a varchar[] element
  CHECK((*element)["rows_found"] == 1);
  CHECK((*element)["covered"] == false);

  const json* view = Place(d.report, "public.user_report.contact");
  REQUIRE(view != nullptr);  // a materialized view, upper-cased
  CHECK((*view)["rows_found"] == 1);

  const json* number = Place(d.report, "public.ledger.customer_number");
  REQUIRE(number != nullptr);  // a bigint under an exact kind
  CHECK((*number)["kinds"] == json::array({"customer"}));
  CHECK((*number)["rows_found"] == 1);
  const json* json_number = Place(d.report, "app.events.payload.n");
  REQUIRE(json_number != nullptr);  // a number inside json
  CHECK((*json_number)["rows_found"] == 1);

  // Not in a table's own integer key (row 4471 of the ledger is not customer 4471), not where
  // the subject is not, not in free text without --tokens.
  CHECK(Place(d.report, "public.ledger.id") == nullptr);
  CHECK(Place(d.report, "public.users.nickname") == nullptr);
  CHECK(Place(d.report, "public.notes.body") == nullptr);
  const json* history = Place(d.report, "public.users_history.email");
  REQUIRE(history != nullptr);  // the trigger's copy
  CHECK((*history)["rows_found"] == 1);

  CHECK(c.Everything() == before);  // read only
  CHECK_FALSE(c.Fenced());
}

TEST_CASE("discover --tokens finds an address inside a sentence", "[pg][discover]") {
  SchemaCase c(kSchema);
  c.Erase("R-1", "email:alice@example.com\n");
  const Discovered d = Discover(c, {"--tokens"});
  CHECK(d.run.code == 3);
  const json* note = nullptr;
  for (const json& p : d.report["places"])
    if (p["table"] == "public.notes" && p["tokens"] == true) note = &p;
  REQUIRE(note != nullptr);
  CHECK((*note)["rows_found"] == 1);
  CHECK((*note)["column"] == "body");
  CheckNoIdentifier(d.run);
}

TEST_CASE("discover finds, after a clean replay, the copy a trigger keeps outside the map",
          "[pg][discover]") {
  SchemaCase c(kSchema);
  c.Erase("R-1", "email:alice@example.com\n");
  // The whole map for every place but the history the trigger fills.
  c.Map(std::string(kUsersMap) +
        "[[table]]\nname = \"app.events\"\nmatch = [ { expr = \"payload #>> '{contact,email}'\", "
        "kind = \"email\" }, { expr = \"payload -> 'to'\", kind = \"email\" } ]\n"
        "action = \"delete\"\n"
        "[[table]]\nname = \"mailing\"\nmatch = [ { column = \"recipients\", kind = \"email\" } ]\n"
        "action = \"delete\"\n"
        "[[table]]\nname = \"user_report\"\naction = \"refresh\"\n");
  const RunResult replayed = c.Replay();
  INFO(replayed.out << replayed.err);
  REQUIRE(replayed.code == 0);
  REQUIRE(c.Verify().code == 0);  // verify looks only where the map points
  const Discovered d = Discover(c, {"--map", c.MapPath()});
  CHECK(d.run.code == 3);
  const json* history = Place(d.report, "public.users_history.email");
  REQUIRE(history != nullptr);
  CHECK((*history)["rows_found"] == 1);
  CHECK((*history)["covered"] == false);
  // Everything the map covers is clean now.
  for (const json& p : d.report["places"]) {
    INFO(p["place"]);
    CHECK(p["place"] == "public.users_history.email");
  }
  CHECK(d.run.err.find("1 places hold tombstoned subjects the data map does not cover") !=
        std::string::npos);
  CheckNoIdentifier(d.run);
}

// Regression: the json reader stopped at a number beyond a double's range, and the leaves after
// it were dropped without a word: discover said clean (exit 0).
TEST_CASE("discover reads the leaves of a json value after a number beyond a double's range",
          "[pg][discover]") {
  // As jsonb (numeric: 1 and 400 zeros) and json (as written) hold it. jsonb orders keys by
  // length: "n" comes before "email".
  SchemaCase c(
      "CREATE TABLE events (id serial PRIMARY KEY, payload jsonb, raw json);\n"
      "INSERT INTO events (payload, raw) VALUES\n"
      "  ('{\"n\": 1e400, \"email\": \"alice@example.com\"}',\n"
      "   '{\"amount\": -2.5E+999, \"to\": [\"x@example.org\", \"ALICE@example.com\"]}');\n");
  c.Erase("R-1", "email:alice@example.com\n");
  const Discovered d = Discover(c);
  CHECK(d.run.code == 3);
  const json* payload = Place(d.report, "public.events.payload.email");
  REQUIRE(payload != nullptr);
  CHECK((*payload)["rows_found"] == 1);
  const json* raw = Place(d.report, "public.events.raw.to[]");
  REQUIRE(raw != nullptr);
  CHECK((*raw)["rows_found"] == 1);
  CheckNoIdentifier(d.run);
}

TEST_CASE("discover on a clean database finds nothing and exits 0", "[pg][discover]") {
  SchemaCase c(kSchema);
  c.Erase("R-1", "email:nobody@example.com\n");
  c.Erase("R-2", "email:carol@example.net\n", "2024-06-01T00:00:00Z", "litigation 2024-17");
  const Discovered d = Discover(c);
  CHECK(d.run.code == 0);  // carol is on hold: reported, but not a failure
  const json* held = Place(d.report, "public.users.email");
  REQUIRE(held != nullptr);
  CHECK((*held)["rows_found"] == 0);
  CHECK((*held)["rows_held"] == 1);
  CHECK(d.report["rows"].get<int>() > 0);

  SchemaCase empty("CREATE TABLE t (a text); INSERT INTO t VALUES ('x');");
  empty.Erase("R-1", "email:alice@example.com\n");
  const Discovered e = Discover(empty);
  CHECK(e.run.code == 0);
  CHECK(e.report["places"].empty());
  CHECK(e.report["rows"] == 1);
}

TEST_CASE("discover --suggest-map prints a map that makes replay and discover clean",
          "[pg][discover]") {
  SchemaCase c(kSchema);
  c.Erase("R-1", "email:alice@example.com\ncustomer:4471\n");
  const RunResult suggested =
      c.store().Run({"discover", "--dsn", c.dsn(), "--suggest-map"});
  INFO(suggested.out << suggested.err);
  CHECK(suggested.code == 3);
  CheckNoIdentifier(suggested);
  CHECK_NOTHROW(toml::parse(suggested.out));
  c.Map(suggested.out);
  const RunResult replayed = c.Replay();
  INFO(replayed.out << replayed.err);
  REQUIRE(replayed.code == 0);
  const RunResult verified = c.Verify();
  INFO(verified.out << verified.err);
  CHECK(verified.code == 0);
  const Discovered after = Discover(c, {"--map", c.MapPath()});
  CHECK(after.run.code == 0);
  CHECK(after.report["places"].empty());
  CHECK(c.Value("SELECT count(*) FROM users_history") == "0");
  CHECK(c.Value("SELECT count(*) FROM users WHERE email = 'alice@example.com'") == "0");
  CHECK(c.Value("SELECT count(*) FROM mailing WHERE 'ALICE@example.com' = ANY(recipients)") == "0");
  CHECK(c.Value("SELECT count(*) FROM ledger WHERE customer_number = 4471") == "0");
}

TEST_CASE("discover prints places as csv and checks its options", "[pg][discover]") {
  SchemaCase c(kSchema);
  c.Erase("R-1", "email:alice@example.com\n");
  const RunResult csv = c.store().Run({"discover", "--dsn", c.dsn(), "--format", "csv"});
  CHECK(csv.code == 3);
  CHECK(csv.out.rfind("place,kinds,scanned,found,held,covered,requests\n", 0) == 0);
  CHECK(csv.out.find("public.mailing.recipients,email,2,1,0,-,R-1") != std::string::npos);
  const RunResult bad = c.store().Run({"discover", "--dsn", c.dsn(), "--fail-on", "some"});
  CHECK(bad.code == 2);
  CHECK(bad.err.find("--fail-on") != std::string::npos);
  const RunResult only = c.store().Run(
      {"discover", "--dsn", c.dsn(), "--schema", "app", "--format", "json"});
  const json report = json::parse(only.out);
  for (const json& p : report["places"]) CHECK(p["table"] == "app.events");
  CHECK_FALSE(report["places"].empty());
}

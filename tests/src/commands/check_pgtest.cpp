// tombstone check: the read-only pre-flight reports every item on a schema built for it, and
// never changes anything.
#include <nlohmann/json.hpp>

#include "tests/src/replay/schema_case.h"

namespace {

using nlohmann::json;
using tombstone::testing::RunResult;
using tombstone::testing::SchemaCase;

const char* kSchema = R"sql(
CREATE TABLE users (id integer PRIMARY KEY, email text, age integer);
CREATE TABLE sessions (id serial PRIMARY KEY, user_id integer REFERENCES users ON DELETE CASCADE);
CREATE TABLE prefs (id serial PRIMARY KEY, user_id integer REFERENCES users ON DELETE SET NULL);
CREATE TABLE tickets (id serial PRIMARY KEY, user_id integer REFERENCES users);
CREATE TABLE newsletter (id serial PRIMARY KEY, contact_email text, mobile_phone text);
CREATE TABLE users_deleted (id integer, email text);
CREATE FUNCTION archive() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO users_deleted VALUES (OLD.id, OLD.email); RETURN OLD; END $$;
CREATE TRIGGER users_archive AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION archive();
CREATE MATERIALIZED VIEW user_report AS SELECT id, email FROM users;
INSERT INTO users VALUES (1, 'alice@example.com', 30), (2, 'bob@example.org', 40);
INSERT INTO sessions (user_id) VALUES (1), (2);
)sql";

const char* kUsersMap =
    "[kinds]\nemail = \"email\"\n[[table]]\nname = \"users\"\n"
    "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n";

json Findings(SchemaCase& c, RunResult* r) {
  *r = c.store().Run({"check", "--dsn", c.dsn(), "--map", c.MapPath(), "--format", "json"});
  INFO(r->out << r->err);
  return json::parse(r->out);
}

// The finding of `level` and `topic` whose text contains `text`, or null.
const json* Find(const json& found, const std::string& level, const std::string& topic,
                 const std::string& text) {
  for (const json& f : found)
    if (f["level"] == level && f["topic"] == topic &&
        (f["what"].get<std::string>().find(text) != std::string::npos ||
         f["where"].get<std::string>().find(text) != std::string::npos))
      return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("check reports what the server would do and what the map may forget, changing nothing",
          "[pg][check]") {
  SchemaCase c(kSchema);
  c.Erase("R-1", "email:alice@example.com\n");
  c.Erase("R-2", "phone:+44 20 7946 0958\n");
  c.Map(kUsersMap);
  const std::string before = c.Everything();
  RunResult r;
  const json found = Findings(c, &r);
  CHECK(r.code == 0);
  CHECK(Find(found, "warning", "kinds", "1 tombstones have kind 'phone'") != nullptr);
  CHECK(Find(found, "info", "foreign key", "public.sessions") != nullptr);     // cascade
  CHECK(Find(found, "info", "foreign key", "clears its references") != nullptr);  // set null
  CHECK(Find(found, "warning", "foreign key", "public.tickets") != nullptr);  // blocks
  CHECK(Find(found, "info", "trigger", "users_archive") != nullptr);
  CHECK(Find(found, "info", "materialized view", "public.user_report") != nullptr);
  CHECK(Find(found, "hint", "column", "public.newsletter.contact_email") != nullptr);
  CHECK(Find(found, "hint", "column", "public.newsletter.mobile_phone") != nullptr);
  CHECK(Find(found, "hint", "column", "public.users.email") == nullptr);  // mapped
  CHECK(Find(found, "hint", "column", "age") == nullptr);
  CHECK(r.out.find("alice") == std::string::npos);
  CHECK(c.Everything() == before);
  CHECK_FALSE(c.Fenced());
}

TEST_CASE("check reports every refusal of the map, not only the first, with exit 2",
          "[pg][check]") {
  SchemaCase c(kSchema);
  c.Erase("R-1", "email:alice@example.com\n");
  c.Map(std::string(kUsersMap) +
        "[[table]]\nname = \"nope\"\nmatch = [ { column = \"x\", kind = \"email\" } ]\n"
        "action = \"delete\"\n"
        "[[table]]\nname = \"newsletter\"\nmatch = [ { column = \"id\", kind = \"email\" } ]\n"
        "action = \"delete\"\n"
        "[[table]]\nname = \"user_report\"\nmatch = [ { expr = \"email->>'x'\", kind = "
        "\"email\" } ]\naction = \"refresh\"\n");
  const std::string before = c.Everything();
  RunResult r;
  const json found = Findings(c, &r);
  CHECK(r.code == 2);
  CHECK(Find(found, "refused", "map", "table 'public.nope' does not exist") != nullptr);
  CHECK(Find(found, "refused", "map", "can never match column 'id'") != nullptr);
  CHECK(Find(found, "refused", "map", "does not run") != nullptr);
  CHECK(c.Everything() == before);
}

TEST_CASE("check refuses a wrong key or a bad map before it connects", "[pg][check]") {
  SchemaCase c(kSchema);
  c.Map("[kinds]\nemail = \"soundex\"\n");
  RunResult bad = c.store().Run({"check", "--dsn", c.dsn(), "--map", c.MapPath()});
  CHECK(bad.code == 2);
  c.Map(kUsersMap);
  tombstone::testing::TempDir other;
  tombstone::testing::StoreFixture second(other.path());
  const RunResult wrong = tombstone::testing::Run(
      {"--store", c.store().store, "--key-file", second.key, "check", "--dsn", c.dsn(), "--map",
       c.MapPath()});
  CHECK(wrong.code == 4);
}

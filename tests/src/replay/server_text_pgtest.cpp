// No server text that can quote a row reaches a message, a receipt or the store (issue: a cast
// that failed on an email put the address into the hash-chained receipts log, forever).
#include <nlohmann/json.hpp>

#include "tests/src/replay/schema_case.h"

namespace {

using tombstone::testing::ReadFile;
using tombstone::testing::RunResult;
using tombstone::testing::SchemaCase;

// Every byte the run left: its output, its receipt file, and the store's receipts log.
std::string EverythingSaid(SchemaCase& c, const RunResult& r) {
  const RunResult log = c.store().Run({"receipts", "list", "--format", "json"});
  std::string shown;
  for (const char* id : {"1", "2", "3"}) shown += c.store().Run({"receipts", "show", id}).out;
  return r.out + r.err + ReadFile(c.ReceiptPath()) + log.out + shown;
}

}  // namespace

TEST_CASE("a cast that fails on a row's value says which condition, never the value",
          "[pg][replay][server]") {
  SchemaCase c("CREATE TABLE events (id integer PRIMARY KEY, payload jsonb);"
               "INSERT INTO events VALUES (1, '{\"uid\": \"42\"}'),"
               " (2, '{\"uid\": \"secret.person@example.com\"}');");
  c.Erase("R-1", "user_id:42\n");
  c.Map("[kinds]\nuser_id = \"exact\"\n[[table]]\nname = \"events\"\n"
        "match = [ { expr = \"(payload->>'uid')::bigint\", kind = \"user_id\" } ]\n"
        "action = \"delete\"\n");
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--dry-run"}}) {
    const RunResult r = c.Replay(extra);
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("invalid_text_representation, SQLSTATE 22P02"));
    const std::string said = EverythingSaid(c, r);
    CHECK(said.find("secret.person") == std::string::npos);
    CHECK(said.find("invalid input syntax") == std::string::npos);
  }
  const RunResult v = c.Verify();
  CHECK(v.code == 1);
  CHECK(EverythingSaid(c, v).find("secret.person") == std::string::npos);
}

TEST_CASE("a trigger that raises naming the row is reported by its condition only",
          "[pg][replay][server]") {
  SchemaCase c("CREATE TABLE users (id integer PRIMARY KEY, email text);"
               "INSERT INTO users VALUES (1, 'secret.person@example.com'), (2, 'b@example.org');"
               "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
               "  RAISE EXCEPTION 'will not delete %', OLD.email; END $$;"
               "CREATE TRIGGER users_refuse BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION "
               "refuse();");
  c.Erase("R-1", "email:secret.person@example.com\n");
  c.Map("[kinds]\nemail = \"email\"\n[[table]]\nname = \"users\"\n"
        "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n");
  const RunResult r = c.Replay();
  INFO(r.out << r.err);
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("raise_exception, SQLSTATE P0001"));
  const std::string said = EverythingSaid(c, r);
  CHECK(said.find("secret.person") == std::string::npos);
  CHECK(said.find("will not delete") == std::string::npos);
}

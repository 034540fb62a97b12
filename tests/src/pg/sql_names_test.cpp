// The names an expression reads, for the check that an anonymize changes each match source.
#include "src/pg/sql_names.h"

#include <catch2/catch.hpp>

using tombstone::pg::NamesIn;

namespace {

using Names = std::set<std::string>;

}  // namespace

TEST_CASE("names are found outside literals and comments, functions and types left out",
          "[pg]") {
  struct Case {
    const char* sql;
    Names names;
  };
  const Case cases[] = {
      {"payload->>'email'", {"payload"}},
      {"lower(billing_email)", {"billing_email"}},
      {"coalesce(a, b)::text", {"a", "b"}},
      {"pg_catalog.lower(Email)", {"pg_catalog", "email"}},
      {"\"Mixed Case\" || x", {"Mixed Case", "x"}},
      {"'it''s a ' || name -- comment with word\n", {"name"}},
      {"/* block name */ data #>> '{a,b}'", {"data"}},
      {"E'esc\\'aped word' || col", {"col"}},
      {"$$dollar word$$ || $tag$more words$tag$ || col", {"col"}},
      {"t.col::character varying", {"t", "col", "varying"}},
      {"col = $1", {"col"}},
      {"42 + 3.5e2", {}},
      {"lower  (x)", {"x"}},
  };
  for (const Case& c : cases) {
    INFO(c.sql);
    CHECK(NamesIn(c.sql) == c.names);
  }
}

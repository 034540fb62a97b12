#include "src/replay/locator.h"

#include <catch2/catch.hpp>

using namespace tombstone::replay;

TEST_CASE("locator batches are array parameters, quoted for any text", "[replay]") {
  const std::string a = "plain", b = "with \"quote\" and \\ backslash", c = "comma,{brace}";
  CHECK(ArrayLiteral({&a, nullptr, &b, &c}) ==
        "{\"plain\",NULL,\"with \\\"quote\\\" and \\\\ backslash\",\"comma,{brace}\"}");
  CHECK(ArrayLiteral({}) == "{}");

  TablePlan plan;
  plan.locator = {"\"id\""};
  plan.locator_types = {"bigint"};
  CHECK(LocatorCondition(plan, "p", 1) == "p.\"id\" = ANY($1::bigint[])");
  plan.locator = {"\"id\"", "\"viewed_at\""};
  plan.locator_types = {"bigint", "date"};
  CHECK(LocatorCondition(plan, "p", 3) ==
        "(p.\"id\", p.\"viewed_at\") IN (SELECT * FROM unnest($3::bigint[], $4::date[]))");

  std::vector<RowToChange> rows(3);
  rows[0].locator = {"1", "2024-01-01"};
  rows[1].locator = {"2", "2024-01-02"};
  rows[2].locator = {"3", "2024-01-03"};
  CHECK(LocatorParams(rows, 1, 3, 2) ==
        std::vector<std::string>{"{\"2\",\"3\"}", "{\"2024-01-02\",\"2024-01-03\"}"});
}

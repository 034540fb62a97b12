// Typed values from the session (src/pg/session.h): QueryValue, Value and NullableValue turn
// libpqxx's conversions, which throw, into a Status naming the statement and the column, never
// the value (issue #15: a libpqxx conversion ended the process with SIGABRT).
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "src/pg/session.h"
#include "tests/support/pg_cluster.h"

namespace {

using tombstone::pg::Session;
using tombstone::testing::PgCluster;
using tombstones::ExitCode;

}  // namespace

TEST_CASE("the session reads typed values and refuses those it cannot convert", "[pg]") {
  PgCluster& pg = PgCluster::Shared();
  auto session = Session::Connect(pg.Dsn(), "session value test");
  REQUIRE(session.ok());
  Session& s = *session.value();

  SECTION("one value of each type read") {
    CHECK(s.QueryValue<int>("add", "SELECT 41 + $1::int", {"1"}).value() == 42);
    CHECK(s.QueryValue<std::uint64_t>("count", "SELECT 5000000000::bigint").value() ==
          5'000'000'000u);
    CHECK(s.QueryValue<bool>("test", "SELECT true").value());
    CHECK(s.QueryValue<std::string>("name", "SELECT 'x' || 'y'").value() == "xy");
  }
  SECTION("NULL, a value of another type, one out of range: the column, never the value") {
    const auto null = s.QueryValue<int>("read n", "SELECT NULL::int AS n");
    REQUIRE_FALSE(null.ok());
    CHECK(null.status().code() == ExitCode::kFailed);
    CHECK(null.status().message() == "unable to read n: column 1 (n) is NULL");

    const auto text = s.QueryValue<int>("read uid", "SELECT 'alice@example.com'::text AS uid");
    REQUIRE_FALSE(text.ok());
    CHECK(text.status().message() ==
          "unable to read uid: column 1 (uid) does not hold the type read");

    const auto big = s.QueryValue<int>("read big", "SELECT 3000000000::bigint AS big");
    REQUIRE_FALSE(big.ok());
    CHECK(big.status().message() ==
          "unable to read big: column 1 (big) does not hold the type read");
  }
  SECTION("a statement that returns no row, or two") {
    const auto none = s.QueryValue<int>("read one", "SELECT 1 WHERE false");
    REQUIRE_FALSE(none.ok());
    CHECK(none.status().message() == "unable to read one: expected one row, got 0");
    const auto two = s.QueryValue<int>("read one", "SELECT generate_series(1, 2)");
    REQUIRE_FALSE(two.ok());
    CHECK(two.status().message() == "unable to read one: expected one row, got 2");
  }
  SECTION("the caller's exit code applies to a value it cannot read") {
    const auto null =
        s.QueryValue<std::string>("read setting", "SELECT NULL::text AS v", {}, ExitCode::kUsage);
    REQUIRE_FALSE(null.ok());
    CHECK(null.status().code() == ExitCode::kUsage);
  }
  SECTION("rows: NullableValue gives NULL as nothing, Value refuses it, a missing column") {
    auto rows = s.Query("read rows", "SELECT 7 AS a, NULL::int AS b");
    REQUIRE(rows.ok());
    const pqxx::row row = rows.value()[0];
    CHECK(tombstone::pg::Value<int>(row, 0, "read a").value() == 7);
    CHECK(tombstone::pg::NullableValue<int>(row, 1, "read b").value() == std::nullopt);
    CHECK(tombstone::pg::Value<int>(row, 1, "read b").status().message() ==
          "unable to read b: column 2 (b) is NULL");
    CHECK(tombstone::pg::Value<int>(row, 2, "read c").status().message() ==
          "unable to read c: column 3 is missing from the result");
  }
  SECTION("RowReader: every field read, the first error kept") {
    auto rows = s.Query("read rows", "SELECT true AS a, 'x'::text AS b, NULL::int AS c, 9 AS d");
    REQUIRE(rows.ok());
    tombstone::pg::RowReader good(rows.value()[0], "read good");
    CHECK(good.Get<bool>(0));
    CHECK(good.Get<std::string>(1) == "x");
    CHECK(good.status().ok());
    tombstone::pg::RowReader bad(rows.value()[0], "read bad");
    CHECK(bad.Get<int>(1) == 0);
    CHECK(bad.Get<int>(2) == 0);
    CHECK(bad.Get<int>(3) == 0);  // after an error every read gives T{}
    CHECK(bad.status().message() == "unable to read bad: column 2 (b) does not hold the type read");
  }
}

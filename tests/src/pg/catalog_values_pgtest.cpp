// The catalog readers (src/pg/catalog.h) read their flags and counts as typed values
// (pg::RowReader, Value, QueryValue): what a table declares comes back as it was declared.
#include <catch2/catch.hpp>
#include <string>

#include "src/pg/catalog.h"
#include "src/pg/session.h"
#include "tests/support/pg_cluster.h"

namespace {

using tombstone::pg::Session;
using tombstone::testing::PgCluster;

}  // namespace

TEST_CASE("the catalog reads a table's flags, indexes and foreign keys as declared", "[pg]") {
  PgCluster& pg = PgCluster::Shared();
  const std::string db = pg.CreateDatabase("catvalues");
  pg.Psql(R"(
    CREATE TABLE parent (id int PRIMARY KEY);
    CREATE TABLE child (
      n int GENERATED ALWAYS AS IDENTITY,
      email text NOT NULL,
      lower_email text GENERATED ALWAYS AS (lower(email)) STORED,
      parent_id int REFERENCES parent (id) ON DELETE CASCADE DEFERRABLE,
      UNIQUE NULLS NOT DISTINCT (email));
  )",
          db);
  auto session = Session::Connect(pg.Dsn(db), "catalog values test");
  REQUIRE(session.ok());
  Session& s = *session.value();

  auto found = s.QueryValue<std::uint32_t>("find child", "SELECT 'public.child'::regclass::oid");
  REQUIRE(found.ok());
  auto child = tombstone::pg::LoadRelation(s, found.value());
  REQUIRE(child.ok());
  CHECK_FALSE(child->is_partition);
  CHECK(child->populated);
  REQUIRE(child->columns.size() == 4);
  CHECK(child->columns[0].identity_always);
  CHECK(child->columns[0].number == 1);
  CHECK(child->columns[1].not_null);
  CHECK_FALSE(child->columns[1].generated);
  CHECK(child->columns[2].generated);
  CHECK(child->columns[3].number == 4);
  REQUIRE(child->unique_indexes.size() == 1);
  CHECK_FALSE(child->unique_indexes[0].primary);
  CHECK(child->unique_indexes[0].nulls_not_distinct);

  auto keys = tombstone::pg::AllForeignKeys(s);
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 1);
  CHECK(keys->at(0).deferrable);
  CHECK(keys->at(0).Cascades());

  auto super = tombstone::pg::IsSuperuser(s);
  REQUIRE(super.ok());
  CHECK(super.value());
}

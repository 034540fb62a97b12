// The harness itself: a throwaway PostgreSQL 15 starts, answers, and gives fresh databases.
#include <catch2/catch.hpp>

#include "tests/support/pg_cluster.h"

using tombstone::testing::PgCluster;

TEST_CASE("the test harness starts a real PostgreSQL 15 on a private socket", "[pg]") {
  PgCluster& pg = PgCluster::Shared();
  CHECK(pg.Psql("SHOW server_version_num;").substr(0, 2) == "15");
  CHECK(pg.Psql("SHOW listen_addresses;") == "\n");
  const std::string db = pg.CreateDatabase("harness");
  CHECK(pg.Psql("SELECT current_database();", db) == db + "\n");
}

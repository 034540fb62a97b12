// The integration fixture (tests/data/integration): a fresh database with its schema and data,
// and the fixture's tombstones recorded in a store (tests/data/integration/README.md).
#pragma once

#include <string>
#include <vector>

#include "tests/support/cli_runner.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {

class IntegrationDb {
 public:
  // Creates a database named after `prefix` and loads schema.sql into it.
  IntegrationDb(PgCluster& pg, const std::string& prefix);
  std::string Psql(const std::string& sql) const { return pg_.Psql(sql, name); }
  // One value of a query (psql unaligned output without the newline).
  std::string Value(const std::string& sql) const;

  PgCluster& pg_;
  std::string name;
  std::string dsn;
};

// The fixture's data map.
std::string IntegrationMap();
// Subjects erased and applied, and the one on legal hold.
inline const std::vector<int> kErasedSubjects = {3, 7, 10, 19, 23};
inline constexpr int kHeldSubject = 15;
// Records the fixture's six tombstones, erased at 2024-06-01T00:00:00Z, R-15 on hold.
void RecordIntegrationTombstones(const StoreFixture& store);

// The set-up of a test against the integration fixture, for TEST_CASE_METHOD (its members are
// the test's names): the shared cluster `pg`, a temporary directory `dir`, a store `store` (key
// in `dir`) holding the six tombstones, and a fresh database `db` with the schema and data;
// the map is IntegrationMap().
// Built anew for each run through the test case (each SECTION). Throws when a step fails.
class IntegrationFixture {
 public:
  IntegrationFixture();
  explicit IntegrationFixture(const std::string& prefix);

  PgCluster& pg;
  TempDir dir;
  StoreFixture store;
  IntegrationDb db;
};

}  // namespace tombstone::testing

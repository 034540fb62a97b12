// replay --receipt FILE (issue 15, finding 5): the file is written through src/io/atomic_file,
// never through a symlink planted at the temporary name older versions used (FILE.tmp), and
// it is complete when replay returns, with no temporary file left beside it.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/integration_db.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

TEST_CASE("the receipt file is never written through a planted symlink", "[pg][replay]") {
  PgCluster& pg = PgCluster::Shared();
  TempDir dir;
  StoreFixture store(dir.path());
  RecordIntegrationTombstones(store);
  IntegrationDb db(pg, "receipt_file");
  TempDir out;
  const std::string receipt = out / "r.json";
  const std::string victim = out / "victim";
  WriteFile(victim, "precious\n");
  REQUIRE(::symlink(victim.c_str(), (receipt + ".tmp").c_str()) == 0);

  const RunResult r = store.Run({"replay", "--dsn", db.dsn, "--map", IntegrationMap(),
                                 "--receipt", receipt});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  CHECK(ReadFile(victim) == "precious\n");
  const nlohmann::json doc = nlohmann::json::parse(ReadFile(receipt));  // complete JSON
  CHECK(doc["command"] == "replay");
  CHECK(doc["exit_code"] == 0);
  int entries = 0;  // the receipt, the victim and the planted link: no temporary left
  for (const auto& e : std::filesystem::directory_iterator(out.path())) (void)e, ++entries;
  CHECK(entries == 3);
}

}  // namespace
}  // namespace tombstone::testing

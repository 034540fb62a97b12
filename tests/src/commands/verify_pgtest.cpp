// tombstone verify: the same scan as replay, changing nothing; exit 3 with counts and request
// ids (never identifiers) when tombstoned subjects are present.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/integration_db.h"
#include "tests/support/temp_dir.h"

using namespace tombstone::testing;

TEST_CASE_METHOD(
    IntegrationFixture,
    "verify reports tombstoned subjects still present, by request id, and changes nothing",
    "[pg][verify]") {
  const std::string count = "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM events)";
  const std::string before = db.Value(count);

  const RunResult r = store.Run(
      {"verify", "--dsn", db.dsn, "--map", IntegrationMap(), "--receipt", dir / "verify.json"});
  INFO(r.out << r.err);
  CHECK(r.code == 3);
  CHECK(db.Value(count) == before);
  CHECK(r.out.find("requests: R-10 R-19 R-23 R-3 R-7\n") != std::string::npos);
  CHECK(r.out.find("R-15") == std::string::npos);  // on legal hold: not residue
  CHECK(r.out.find("example.com") == std::string::npos);
  CHECK(r.err.find("rows of 5 tombstoned subjects are still in the database") != std::string::npos);
  const auto receipt = nlohmann::json::parse(ReadFile(dir / "verify.json"));
  CHECK(receipt["command"] == "verify");
  CHECK(receipt["exit_code"] == 3);
  CHECK(receipt["verification"] == "residue");
  CHECK(receipt["residue_requests"].size() == 5);
  for (const auto& t : receipt["tables"]) {
    if (t["table"] == "public.users") CHECK(t["rows_to_change"] == 5);
    if (t["table"] == "public.audit_log") CHECK(t["rows_to_change"] == 0);  // retained
  }
  CHECK(ReadFile(dir / "verify.json").find("example.com") == std::string::npos);

  SECTION("after replay it is clean") {
    REQUIRE(store.Run({"replay", "--dsn", db.dsn, "--map", IntegrationMap()}).code == 0);
    const RunResult clean = store.Run({"verify", "--dsn", db.dsn, "--map", IntegrationMap()});
    INFO(clean.out << clean.err);
    CHECK(clean.code == 0);
    CHECK(clean.out.find("verify clean") != std::string::npos);
  }
  SECTION("replay with --verify full rescans before commit and is clean") {
    const RunResult full = store.Run({"replay", "--dsn", db.dsn, "--map", IntegrationMap(),
                                      "--verify", "full", "--receipt", dir / "full.json"});
    INFO(full.out << full.err);
    CHECK(full.code == 0);
    const auto rec = nlohmann::json::parse(ReadFile(dir / "full.json"));
    CHECK(rec["verification_method"] == "full");
    CHECK(rec["timings"].contains("verify"));
    CHECK(store.Run({"verify", "--dsn", db.dsn, "--map", IntegrationMap()}).code == 0);
  }
}

// tombstone verify: the same scan as replay, changing nothing; exit 3 with counts and request
// ids (never identifiers) when tombstoned subjects are present.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/integration_db.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

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

namespace {

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

}  // namespace

// Verify holds no lock while it scans; it opens the store for writing only to append its
// receipt. A store it cannot write (here: another process's writer holds the lock) must cost
// only that log entry, said on stderr with the program's prefix, never the scan's exit code.
TEST_CASE_METHOD(IntegrationFixture,
                 "verify with a store it cannot open for writing keeps its exit code, warns with "
                 "the tombstone: prefix and still writes --receipt",
                 "[pg][verify]") {
  const auto receipts = [&] { return store.Run({"receipts", "list"}).out; };
  auto key = tombstones::Key::Load(store.key);
  REQUIRE(key.ok());
  tombstones::Store::Options options;
  options.dir = store.store;
  options.mode = tombstones::Store::Mode::kWrite;
  options.key = &key.value();

  const auto verify_locked = [&](const std::string& name, std::string* out, std::string* err) {
    const std::string log_before = receipts();
    int code = -1;
    {
      auto writer = tombstones::Store::Open(options);  // this process holds the write lock
      REQUIRE(writer.ok());
      code = Shell(Binary() + " --store " + Quote(store.store) + " --key-file " +
                   Quote(store.key) + " --lock-timeout 0.3 verify --dsn " + Quote(db.dsn) +
                   " --map " + Quote(IntegrationMap()) + " --receipt " + Quote(dir / name) +
                   " > " + Quote(dir / "out") + " 2> " + Quote(dir / "err"));
    }
    *out = ReadFile(dir / "out");
    *err = ReadFile(dir / "err");
    CHECK(receipts() == log_before);  // nothing was appended to the log
    return code;
  };

  std::string out, err;
  SECTION("subjects present: exit 3, as without the lock") {
    const int code = verify_locked("residue.json", &out, &err);
    INFO(out << err);
    CHECK(code == 3);
    CHECK(out.find("requests: R-10 R-19 R-23 R-3 R-7\n") != std::string::npos);
    CHECK_THAT(err, Catch::Contains("tombstone: warning: unable to lock store") &&
                        Catch::Contains("another tombstone process is writing"));
    CHECK(err.rfind("warning:", 0) != 0);  // every warning has the prefix
    CHECK(err.find("\nwarning:") == std::string::npos);
    const auto receipt = nlohmann::json::parse(ReadFile(dir / "residue.json"));
    CHECK(receipt["command"] == "verify");
    CHECK(receipt["exit_code"] == 3);
  }
  SECTION("clean: exit 0, and the warning says the receipt was not recorded") {
    REQUIRE(store.Run({"replay", "--dsn", db.dsn, "--map", IntegrationMap()}).code == 0);
    const int code = verify_locked("clean.json", &out, &err);
    INFO(out << err);
    CHECK(code == 0);
    CHECK(out.find("verify clean") != std::string::npos);
    CHECK_THAT(err, Catch::Contains("tombstone: warning: unable to lock store"));
    CHECK(err.find("recorded in the store") == std::string::npos);
    CHECK(nlohmann::json::parse(ReadFile(dir / "clean.json"))["exit_code"] == 0);
  }
}

// Issue 15, findings 6 and 7: errors about outside input name the line, the column and the
// kind of problem, never the text read (with shifted columns it may be an identifier), and a
// DSN's secrets reach no message, even through libpq's own error text.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

const std::string kAddress = "alice@example.com";

void CheckNoAddress(const RunResult& r) {
  INFO(r.err);
  CHECK(r.err.find("alice") == std::string::npos);
  CHECK(r.out.find("alice") == std::string::npos);
}

TEST_CASE("import errors name the line and column, never the value", "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string header = "request,kind,value,erased_at\n";
  SECTION("the address in the erased_at column") {
    const RunResult r = f.Run({"import", "-"}, header + "R-1,email,x," + kAddress + "\n");
    CHECK(r.code == 2);
    CheckNoAddress(r);
    CHECK(r.err.rfind("tombstone: unable to import line 2 of standard input, column 4 "
                      "(erased_at): expected RFC 3339, e.g. 2026-01-31T12:00:00Z\n",
                      0) == 0);
  }
  SECTION("the address in the kind column") {
    const RunResult r = f.Run({"import", "-"}, header + "R-1," + kAddress + ",email,2026-01-01\n");
    CHECK(r.code == 2);
    CheckNoAddress(r);
    CHECK(r.err.find("line 2 of standard input, column 2 (kind)/column 3 (value)): the kind is "
                     "not 1 to 64 of a-z") != std::string::npos);
  }
  SECTION("JSON lines") {
    const RunResult r = f.Run({"import", "--format", "jsonl", "-"},
                              "{\"request\":\"R-1\",\"kind\":\"" + kAddress +
                                  "\",\"value\":\"x\",\"erased_at\":\"2026-01-01\"}\n" +
                                  "{\"request\": \"" + kAddress + "\", oops}\n");
    CHECK(r.code == 2);
    CheckNoAddress(r);
  }
  SECTION("malformed JSON names the column") {
    const RunResult r = f.Run({"import", "--format", "jsonl", "-"},
                              "{\"request\": \"" + kAddress + "\", oops}\n");
    CHECK(r.code == 2);
    CheckNoAddress(r);
    CHECK(r.err.find("unable to import line 1 of standard input: not valid JSON (column ") !=
          std::string::npos);
  }
  SECTION("a quote in the wrong place names line and column") {
    const RunResult r = f.Run({"import", "-"}, header + "R-1,email,\"" + kAddress + "\"x,2026\n");
    CHECK(r.code == 2);
    CheckNoAddress(r);
    CHECK(r.err.find("line 2, column 3: text after a closing quote") != std::string::npos);
  }
  SECTION("the same request with two erased_at") {
    const RunResult r = f.Run({"import", "-"}, header + kAddress + ",email,a@b.c,2026-01-01\n" +
                                                   kAddress + ",email,c@d.e,2026-01-02\n");
    CHECK(r.code == 2);
    CheckNoAddress(r);
    CHECK(r.err.find("the request of line 2 has another erased_at there") != std::string::npos);
  }
}

TEST_CASE("a NUL byte in an identifier is refused: no database text can hold one", "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string with_nul = std::string("email:alice") + '\0' + "@example.com\n";
  const RunResult add = f.Run({"add", "--request", "R-1", "--ids-from", "-"}, with_nul);
  CHECK(add.code == 2);
  CHECK(add.err.find("line 1 of standard input): the email value holds a NUL byte") !=
        std::string::npos);
  const RunResult import = f.Run(
      {"import", "-"},
      "request,kind,value,erased_at\nR-1,email," + std::string("a\0b", 3) + ",2026-01-01\n");
  CHECK(import.code == 2);
  CHECK(import.err.find("holds a NUL byte") != std::string::npos);
  CHECK(f.Run({"list", "--format", "json"}).out == "[]\n");
}

TEST_CASE("backup listings that do not parse are named by line and column", "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult r = f.Run({"backups", "import", "--from", "walg", "--retain-full", "2", "-"},
                            "[\n  {\"backup_name\": \"" + kAddress + "\" oops}\n]\n");
  CHECK(r.code == 2);
  CheckNoAddress(r);
  CHECK(r.err.find("not valid JSON (line 2, column ") != std::string::npos);
  // A status message of the tool is not repeated either.
  const RunResult stanza = f.Run(
      {"backups", "import", "--from", "pgbackrest", "--retention-full", "2", "-"},
      "[{\"name\":\"main\",\"status\":{\"code\":99,\"message\":\"" + kAddress + "\"}}]");
  CHECK(stanza.code == 1);
  CheckNoAddress(stanza);
  CHECK(stanza.err.find("unable to read pgbackrest stanza 1 ('main') in 'standard input': "
                        "status 99") != std::string::npos);
}

TEST_CASE("a DSN's password never reaches a message, even through libpq's parse error",
          "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string map = SourceDir() + "/tests/data/integration/map.toml";
  for (const std::string dsn :
       {"host=/nonexistent password=se cr3t", "postgresql://u:se%zzcr3t@h/db",
        "host=/nonexistent password='cr3t"}) {
    INFO(dsn);
    const RunResult r = f.Run({"verify", "--dsn", dsn, "--map", map});
    CHECK(r.code == 1);
    CHECK(r.err.find("cr3t") == std::string::npos);
    CHECK(r.err.find("the connection string is not valid") != std::string::npos);
  }
}

// Finding 4: nlohmann-json threw type_error 316 when printing text that is not UTF-8 (a request
// id, a hold reason), which ended the process with SIGABRT.
TEST_CASE("JSON output survives text that is not UTF-8", "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string request = "R-\xff\xfe";
  REQUIRE(f.Run({"add", "--request", request, "--hold", "case \xc3", "--ids-from", "-"},
                "user_id:1\n").code == 0);
  const RunResult list = f.Run({"list", "--format", "json"});
  CHECK(list.code == 0);
  CHECK(nlohmann::json::parse(list.out)[0]["request"] == "R-\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(f.Run({"show", request}).code == 0);
  CHECK(f.Run({"show", request, "--format", "json"}).code == 0);
}

}  // namespace
}  // namespace tombstone::testing

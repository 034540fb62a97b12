// The store commands through the CLI: exact exit codes and messages, no identifier in any output.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "src/cli/app.h"
#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

using tombstone::testing::Run;
using tombstone::testing::StoreFixture;
using tombstone::testing::TempDir;

TEST_CASE("init creates a store and a 0600 key, and refuses to overwrite either", "[cli]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  struct stat st {};
  REQUIRE(::stat(fx.key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto again = fx.Run({"init", "--generate-key"});
  CHECK(again.code == 4);
  CHECK(tombstone::testing::ReadFile(fx.key).size() == 65);
}

TEST_CASE("add records a tombstone, idempotently, and refuses a conflicting one", "[cli]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  const auto added = fx.Run({"add", "--request", "GDPR-1", "--id", "email:Alice@Example.com",
                             "--id", "user_id:42", "--erased-at", "2026-03-01T10:00:00Z",
                             "--note", "ticket 881"});
  REQUIRE(added.code == 0);

  SECTION("the same request and identifiers again is a no-op") {
    const auto again = fx.Run({"add", "--request", "GDPR-1", "--id", "user_id:42", "--id",
                               "email: alice@example.COM", "--erased-at", "2026-03-01T10:00:00Z"});
    CHECK(again.code == 0);
    CHECK(fx.Run({"list", "--format", "csv"}).out.find("GDPR-1") != std::string::npos);
  }
  SECTION("the same request with other identifiers is an error (exit 1)") {
    const auto conflict = fx.Run({"add", "--request", "GDPR-1", "--id", "email:bob@example.com"});
    CHECK(conflict.code == 1);
    CHECK_THAT(conflict.err, Catch::Contains("already recorded with other identifiers"));
  }
  SECTION("--ids-from - reads KIND:VALUE lines from stdin") {
    const auto piped = fx.Run({"add", "--request", "GDPR-2", "--ids-from", "-"},
                              "email:carol@example.com\nphone:+44 20 7946 0958\n");
    CHECK(piped.code == 0);
    const auto shown = fx.Run({"show", "GDPR-2", "--format", "json"});
    CHECK(shown.code == 0);
    CHECK_THAT(shown.out, Catch::Contains("\"digits\""));
  }
  SECTION("show and list print hashes, dates and notes, never the identifier") {
    const auto shown = fx.Run({"show", "GDPR-1"});
    CHECK(shown.code == 0);
    CHECK_THAT(shown.out, Catch::Contains("2026-03-01T10:00:00Z"));
    CHECK_THAT(shown.out, Catch::Contains("ticket 881"));
    for (const auto& out : {shown.out, fx.Run({"list"}).out, fx.Run({"list", "--format", "json"}).out,
                            fx.Run({"list", "--format", "csv"}).out}) {
      CHECK(out.find("lice@") == std::string::npos);
      CHECK(out.find("Alice") == std::string::npos);
    }
    CHECK(fx.Run({"show", "nope"}).code == 1);
  }
  SECTION("hold and release, and list --held") {
    CHECK(fx.Run({"hold", "GDPR-1", "--reason", "litigation 17"}).code == 0);
    CHECK_THAT(fx.Run({"list", "--held"}).out, Catch::Contains("litigation 17"));
    CHECK(fx.Run({"hold", "GDPR-1"}).code == 2);  // --reason is required
    CHECK(fx.Run({"release", "GDPR-1"}).code == 0);
    CHECK(fx.Run({"list", "--held", "--format", "csv"}).out.find("GDPR-1") == std::string::npos);
    CHECK(fx.Run({"release", "GDPR-9"}).code == 1);
  }
}

TEST_CASE("add and import refuse bad input with exit 2 and never echo the value", "[cli]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  const auto no_kind = fx.Run({"add", "--request", "R", "--id", "secret-value-no-kind"});
  CHECK(no_kind.code == 2);
  CHECK(no_kind.err.find("secret-value-no-kind") == std::string::npos);
  CHECK(fx.Run({"add", "--id", "email:a@b.c"}).code == 2);  // no --request
  CHECK(fx.Run({"add", "--request", "R", "--id", "email:a@b.c", "--erased-at", "yesterday"}).code == 2);
  CHECK(fx.Run({"add", "--request", "R", "--bogus"}).code == 2);
}

TEST_CASE("import is all or nothing and names the failing line", "[cli]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  SECTION("CSV with a bad timestamp on line 4 records nothing") {
    const std::string csv =
        "kind,value,request,erased_at\n"
        "email,a@example.com,R1,2026-01-01T00:00:00Z\n"
        "user_id,1,R1,2026-01-01T00:00:00Z\n"
        "email,\"b,with comma\"@example.com,R2,not-a-time\n";
    const auto r = fx.Run({"import", "-"}, csv);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("line 4"));
    CHECK_THAT(r.err, Catch::Contains("nothing from this file was recorded"));
    CHECK(fx.Run({"list", "--format", "csv"}).out == "request,erased_at,identifiers,hold\n");
  }
  SECTION("a good CSV (any column order, quoted fields, hold) is recorded") {
    const std::string csv =
        "request,kind,value,erased_at,hold\n"
        "R1,email,\"A@Example.com\",2026-01-01T00:00:00Z,\n"
        "R1,user_id,1,2026-01-01T00:00:00Z,\n"
        "R2,email,b@example.com,2026-01-02,\"tax audit, 2026\"\n";
    TempDir files;
    tombstone::testing::WriteFile(files / "in.csv", csv);
    const auto r = fx.Run({"import", files / "in.csv"});
    REQUIRE(r.code == 0);
    const auto listed = fx.Run({"list", "--format", "csv"}).out;
    CHECK_THAT(listed, Catch::Contains("R1") && Catch::Contains("R2"));
    CHECK_THAT(fx.Run({"list", "--held"}).out, Catch::Contains("tax audit, 2026"));
    // Re-importing the same file changes nothing and succeeds.
    CHECK(fx.Run({"import", files / "in.csv"}).code == 0);
  }
  SECTION("JSON lines: a malformed line 2 records nothing") {
    const std::string jsonl =
        "{\"request\":\"J1\",\"kind\":\"email\",\"value\":\"j@example.com\",\"erased_at\":\"2026-01-01\"}\n"
        "{\"request\":\"J2\",\"kind\":\"email\"\n";
    const auto r = fx.Run({"import", "-", "--format", "jsonl"}, jsonl);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("line 2"));
    CHECK(fx.Run({"show", "J1"}).code == 1);
  }
}

TEST_CASE("store and key problems are exit 4 with a clear message", "[cli]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  SECTION("missing store") {
    const auto r = Run({"--store", dir / "nowhere", "--key-file", fx.key, "list"});
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("no store there"));
  }
  SECTION("wrong key") {
    TempDir other;
    StoreFixture second(other.path());
    const auto r = Run({"--store", fx.store, "--key-file", second.key, "add", "--request", "R",
                        "--id", "user_id:1"});
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("the key does not match"));
  }
  SECTION("key readable by others") {
    REQUIRE(::chmod(fx.key.c_str(), 0644) == 0);
    const auto r = fx.Run({"add", "--request", "R", "--id", "user_id:1"});
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("unable to use key file"));
    CHECK(r.err.find(tombstone::testing::ReadFile(fx.key).substr(0, 16)) == std::string::npos);
  }
  SECTION("no store given at all is a usage error") {
    CHECK(Run({"list"}).code == 2);
  }
}

TEST_CASE("every command answers --help and refuses unknown options", "[cli]") {
  for (const tombstone::CommandSpec* command : tombstone::Commands()) {
    std::vector<std::string> argv;
    std::string name(command->name);
    for (std::size_t pos = 0; pos != std::string::npos;) {
      const std::size_t space = name.find(' ', pos);
      argv.push_back(name.substr(pos, space == std::string::npos ? space : space - pos));
      pos = space == std::string::npos ? space : space + 1;
    }
    INFO("command " << name);
    auto help = argv;
    help.push_back("--help");
    const auto h = Run(help);
    CHECK(h.code == 0);
    CHECK_THAT(h.out, Catch::Contains(name));
    auto bad = argv;
    bad.push_back("--no-such-option");
    CHECK(Run(bad).code == 2);
  }
  CHECK(Run({"no-such-command"}).code == 2);
  CHECK(Run({"--help"}).code == 0);
}

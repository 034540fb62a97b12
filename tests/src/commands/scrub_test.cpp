// tombstone scrub: the copy without the matching rows, every other byte kept; .zst in and out;
// OUT only complete; refusals.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/src/exports/export_fixture.h"

using tombstone::testing::ExportFixture;
using tombstone::testing::ReadFile;
using tombstone::testing::ReadMaybeZstd;
using tombstone::testing::RunResult;
using tombstone::testing::SourceDir;
using tombstone::testing::WriteFile;
using tombstone::testing::WriteMaybeZstd;
using tombstone::testing::Zstd;

namespace fs = std::filesystem;

namespace {

std::string Data(const std::string& name) { return SourceDir() + "/tests/data/exports/" + name; }

int FilesIn(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) (void)e, ++n;
  return n;
}

// customers.csv without Alice (line 2) and Carol (line 5), byte for byte.
const char* kScrubbed =
    "customer_id,Name,E-Mail,Notes\n"
    "2,Bob Stone,bob@example.com,\"first line\n"
    "second line, with a comma\"\n"
    "4,Dan,dan@EXAMPLE.com,\"mentions alice@example.com\n"
    "in a note (not a mapped column)\"\n"
    "5,Erin,erin@example.com,\n";

}  // namespace

TEST_CASE("scrub writes a copy without the matching rows, plain or zstd either side") {
  ExportFixture f;
  f.Add("REQ-ALICE", {"email:alice@example.com"});
  f.Add("REQ-CAROL", {"user_id:3"});
  const std::string csv = ReadFile(Data("customers.csv"));
  for (const auto& [in, out] :
       std::vector<std::pair<std::string, std::string>>{{"in.csv", "out.csv"},
                                                        {"in.csv.zst", "out.csv"},
                                                        {"in.csv", "out.csv.zst"},
                                                        {"in.csv.zst", "out.csv.zst"}}) {
    SECTION(in + " -> " + out) {
      WriteMaybeZstd(f.Path(in), csv);
      const RunResult r = f.fx.Run({"scrub", "--map", Data("map.toml"), f.Path(in), f.Path(out)});
      INFO(r.err);
      REQUIRE(r.code == 0);
      CHECK(r.err.empty());
      CHECK(ReadMaybeZstd(f.Path(out)) == kScrubbed);
      if (out.size() > 8) CHECK(ReadFile(f.Path(out)).substr(0, 4) == "\x28\xB5\x2F\xFD");
      CHECK_THAT(r.out, Catch::Matches("(.|\n)* 2 +E-Mail +REQ-ALICE +removed\n(.|\n)*"));
      CHECK_THAT(r.out, Catch::Matches("(.|\n)* 5 +customer_id +REQ-CAROL +removed\n(.|\n)*"));
      // The copy scans clean.
      const RunResult again = f.fx.Run({"scan", "--map", Data("map.toml"), f.Path(out)});
      CHECK(again.code == 0);
    }
  }
}

TEST_CASE("scrub of a file with nothing to remove is an identical copy") {
  ExportFixture f;
  f.Add("REQ-Z", {"email:nobody@example.com"});
  const RunResult r =
      f.fx.Run({"scrub", "--column", "E-Mail=email", Data("crlf.csv"), f.Path("out.csv")});
  REQUIRE(r.code == 0);
  CHECK(ReadFile(f.Path("out.csv")) == ReadFile(Data("crlf.csv")));
}

TEST_CASE("scrub leaves no OUT behind when IN cannot be read to the end") {
  ExportFixture f;
  f.Add("REQ-ALICE", {"email:alice@example.com"});
  std::string big = "id,email\n";
  for (int i = 0; i < 200000; ++i)
    big += std::to_string(i) + ",user" + std::to_string(i) + "@example.com\n";
  const std::string z = Zstd(big);
  fs::create_directory(f.Path("out"));
  SECTION("a truncated .zst") {
    WriteFile(f.Path("cut.csv.zst"), z.substr(0, z.size() * 2 / 3));
    const RunResult r = f.fx.Run(
        {"scrub", "--column", "email=email", f.Path("cut.csv.zst"), f.Path("out/clean.csv.zst")});
    CHECK(r.code == 2);
    CHECK(r.err ==
          "tombstone: unable to read '" + f.Path("cut.csv.zst") + "': truncated zstd stream\n");
    CHECK(r.out.empty());
    CHECK(FilesIn(f.Path("out")) == 0);
  }
  SECTION("a CSV with a quoted field never closed") {
    WriteFile(f.Path("bad.csv"), big + "1,\"open\n");
    const RunResult r =
        f.fx.Run({"scrub", "--column", "email=email", f.Path("bad.csv"), f.Path("out/clean.csv")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("is never closed"));
    CHECK(FilesIn(f.Path("out")) == 0);
  }
  SECTION("with --force, an existing OUT keeps its old content") {
    WriteFile(f.Path("out/clean.csv"), "old\n");
    WriteFile(f.Path("cut.csv.zst"), z.substr(0, 1000));
    const RunResult r = f.fx.Run({"scrub", "--force", "--column", "email=email",
                                  f.Path("cut.csv.zst"), f.Path("out/clean.csv")});
    CHECK(r.code == 2);
    CHECK(ReadFile(f.Path("out/clean.csv")) == "old\n");
    CHECK(FilesIn(f.Path("out")) == 1);
  }
}

TEST_CASE("scrub refuses to overwrite without --force, and to write over IN") {
  ExportFixture f;
  f.Add("REQ-ALICE", {"email:alice@example.com"});
  WriteFile(f.Path("in.csv"), "email\nalice@example.com\nbob@example.com\n");
  WriteFile(f.Path("out.csv"), "old\n");
  SECTION("OUT exists") {
    const RunResult r =
        f.fx.Run({"scrub", "--column", "email=email", f.Path("in.csv"), f.Path("out.csv")});
    CHECK(r.code == 2);
    CHECK(r.err == "tombstone: unable to scrub '" + f.Path("in.csv") + "' to '" +
                       f.Path("out.csv") +
                       "': OUT exists\nHINT: choose another name, or pass --force to replace it\n");
    CHECK(ReadFile(f.Path("out.csv")) == "old\n");
  }
  SECTION("--force replaces it") {
    const RunResult r = f.fx.Run(
        {"scrub", "--force", "--column", "email=email", f.Path("in.csv"), f.Path("out.csv")});
    CHECK(r.code == 0);
    CHECK(ReadFile(f.Path("out.csv")) == "email\nbob@example.com\n");
  }
  SECTION("OUT is IN") {
    const RunResult r = f.fx.Run(
        {"scrub", "--force", "--column", "email=email", f.Path("in.csv"), f.Path("in.csv")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to scrub '" + f.Path("in.csv") +
                                        "': OUT is the same file as IN\n"));
  }
  SECTION("one argument") {
    const RunResult r = f.fx.Run({"scrub", "--column", "email=email", f.Path("in.csv")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to run 'scrub': missing argument\n"));
  }
}

TEST_CASE("scrub --help teaches the actions, the output and the exit codes") {
  const RunResult r = tombstone::testing::Run({"scrub", "--help"});
  CHECK(r.code == 0);
  for (const char* text :
       {"IN OUT", "byte for byte", "delete", "anonymize", "null -> \\N", "redact", "hash", "retain",
        "temporary file", ".zst", "--force", "Exit codes: 0", "docs/exports.md"})
    CHECK_THAT(r.out, Catch::Contains(text));
}

TEST_CASE("scrub and scan read standard input: '-', plain or zstd, a dump spooled and removed") {
  // Before, '-' was opened as a file named '-' ("unable to open '-'", exit 2).
  ExportFixture f;
  f.Add("REQ-ALICE", {"email:alice@example.com"});
  f.Add("REQ-CAROL", {"user_id:3"});
  const std::string csv = ReadFile(Data("customers.csv"));
  SECTION("a CSV stream, plain and zstd, by its content") {
    for (const std::string& input : {csv, Zstd(csv)}) {
      fs::remove(f.Path("out.csv"));
      const RunResult r = f.fx.Run({"scrub", "--map", Data("map.toml"), "-", f.Path("out.csv")},
                                   input);
      INFO(r.err);
      REQUIRE(r.code == 0);
      CHECK(ReadFile(f.Path("out.csv")) == kScrubbed);
      CHECK_THAT(r.out, Catch::Contains(input == csv ? " csv " : " csv+zstd "));
    }
    const RunResult scan = f.fx.Run({"scan", "--map", Data("map.toml"), "-"}, csv);
    CHECK(scan.code == 3);
    CHECK_THAT(scan.out, Catch::Matches("(.|\n)* 2 +E-Mail +REQ-ALICE +remove\n(.|\n)*"));
  }
  SECTION("a plain dump with a foreign key, read several times from its spool") {
    const std::string map = R"MAP([kinds]
email = "email"

[[table]]
name = "public.users"
match = [ { column = "email", kind = "email" } ]
action = "delete"
)MAP";
    auto dump = [](bool scrubbed) {
      return std::string("--\n-- PostgreSQL database dump\n--\n\n") +
             "CREATE TABLE public.users (\n    id bigint NOT NULL,\n    email text NOT NULL\n"
             ");\n\n" +
             "CREATE TABLE public.sessions (\n    id integer NOT NULL,\n    user_id bigint\n"
             ");\n\n" +
             "COPY public.sessions (id, user_id) FROM stdin;\n" + (scrubbed ? "" : "1\t1\n") +
             "2\t2\n\\.\n\n" + "COPY public.users (id, email) FROM stdin;\n" +
             (scrubbed ? "" : "1\tAlice@example.com\n") + "2\tbob@example.com\n\\.\n\n" +
             "ALTER TABLE ONLY public.sessions\n    ADD CONSTRAINT sessions_user_id_fkey FOREIGN "
             "KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;\n\n" +
             "--\n-- PostgreSQL database dump complete\n--\n\n";
    };
    WriteFile(f.Path("map.toml"), map);
    const std::string tmp = f.Path("tmp");
    fs::create_directory(tmp);
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old ? old : "";
    ::setenv("TMPDIR", tmp.c_str(), 1);
    const RunResult r =
        f.fx.Run({"scrub", "--map", f.Path("map.toml"), "-", f.Path("out.sql")}, Zstd(dump(false)));
    if (old)
      ::setenv("TMPDIR", saved.c_str(), 1);
    else
      ::unsetenv("TMPDIR");
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(ReadFile(f.Path("out.sql")) == dump(true));
    CHECK_THAT(r.err, Catch::Contains("1 rows removed by ON DELETE CASCADE"));
    CHECK(FilesIn(tmp) == 0);  // the spool is gone
  }
  SECTION("a stream of binary data is refused, as a file is") {
    const RunResult r = f.fx.Run({"scrub", "--map", Data("map.toml"), "-", f.Path("out.csv")},
                                 std::string("\x01\x02\0\0binary", 10));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("unable to read '-': binary data"));
    CHECK_FALSE(fs::exists(f.Path("out.csv")));
  }
}

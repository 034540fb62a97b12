// tombstone scan: exit codes, per-file report, no identifier in the output, .zst input, help.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <filesystem>

#include "tests/src/exports/export_fixture.h"

using tombstone::testing::ExportFixture;
using tombstone::testing::ReadFile;
using tombstone::testing::RunResult;
using tombstone::testing::SourceDir;
using tombstone::testing::WriteFile;
using tombstone::testing::WriteMaybeZstd;

namespace {

std::string Data(const std::string& name) { return SourceDir() + "/tests/data/exports/" + name; }

void AddCustomers(ExportFixture& f) {
  f.Add("REQ-ALICE", {"email:alice@example.com"});
  f.Add("REQ-CAROL", {"user_id:3"});
}

}  // namespace

TEST_CASE("scan lists the rows of tombstoned subjects and exits 3") {
  ExportFixture f;
  AddCustomers(f);
  const std::string csv = ReadFile(Data("customers.csv"));
  for (const std::string name : {"customers.csv", "customers.csv.zst"}) {
    SECTION(name) {
      WriteMaybeZstd(f.Path(name), csv);
      const RunResult r = f.fx.Run(
          {"scan", "--column", "E-Mail=email", "--column", "customer_id=user_id", f.Path(name)});
      INFO(r.err);
      CHECK(r.code == 3);
      CHECK(r.err ==
            "tombstone: 2 rows of tombstoned subjects found in 1 file\n"
            "HINT: 'tombstone scrub IN OUT' writes a copy without them\n");
      CHECK_THAT(r.out, Catch::Contains(name.size() > 13 ? "csv+zstd" : "csv"));
      // rows 5, matched 2; Alice on line 2 (by email), Carol on line 5 (by id).
      CHECK_THAT(r.out, Catch::Matches("(.|\n)*" + f.Path(name) +
                                       " +csv(\\+zstd)? +5 +2 +2 +0 +0 +0 +0 +0\n(.|\n)*"));
      CHECK_THAT(r.out, Catch::Matches("(.|\n)* 2 +E-Mail +REQ-ALICE +remove\n(.|\n)*"));
      CHECK_THAT(r.out, Catch::Matches("(.|\n)* 5 +customer_id +REQ-CAROL +remove\n(.|\n)*"));
      CHECK(r.out.find("lice@") == std::string::npos);
      CHECK(r.out.find("LICE@") == std::string::npos);
    }
  }
}

TEST_CASE("scan exits 0 when nothing matches, and reads columns from the map's [csv]") {
  ExportFixture f;
  f.Add("REQ-Z", {"email:zed@example.com"});
  SECTION("no match") {
    const RunResult r = f.fx.Run({"scan", "--map", Data("map.toml"), Data("customers.csv")});
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(r.err ==
          "tombstone: note: no tombstone holds an identifier of kind 'user_id': its "
          "columns cannot match\n");
  }
  SECTION("CRLF file, map columns") {
    const RunResult r = f.fx.Run({"scan", "--map", Data("map.toml"), Data("crlf.csv")});
    CHECK(r.code == 3);
    CHECK_THAT(r.out, Catch::Matches("(.|\n)* 2 +E-Mail +REQ-Z +remove\n(.|\n)*"));
  }
}

TEST_CASE("scan --format json gives scripts the same facts, without identifiers") {
  ExportFixture f;
  AddCustomers(f);
  const RunResult r =
      f.fx.Run({"scan", "--format", "json", "--column", "E-Mail=email", Data("customers.csv")});
  CHECK(r.code == 3);
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["scrubbed"] == false);
  const auto& file = doc["files"][0];
  CHECK(file["format"] == "csv");
  CHECK(file["rows"] == 5);
  CHECK(file["removed"] == 1);
  CHECK(file["matches"][0]["line"] == 2);
  CHECK(file["matches"][0]["column"] == "E-Mail");
  CHECK(file["matches"][0]["request"] == "REQ-ALICE");
  CHECK(r.out.find("example.com") == std::string::npos);
}

TEST_CASE("scan refuses what it cannot read, and still scans the other files") {
  ExportFixture f;
  AddCustomers(f);
  SECTION("nothing says where identifiers are") {
    const RunResult r = f.fx.Run({"scan", Data("customers.csv")});
    CHECK(r.code == 2);
    CHECK(r.err ==
          "tombstone: unable to scan: nothing says where identifiers are\n"
          "HINT: pass --column HEADER=KIND for CSV/TSV files, or --map FILE\n");
  }
  SECTION("a malformed --column") {
    const RunResult r = f.fx.Run({"scan", "--column", "email", Data("customers.csv")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith(
                          "tombstone: unable to parse --column 'email': expected HEADER=KIND\n"));
  }
  SECTION("a truncated .zst among good files") {
    const std::string z = tombstone::testing::Zstd(ReadFile(Data("customers.csv")));
    WriteFile(f.Path("cut.csv.zst"), z.substr(0, z.size() - 5));
    const RunResult r = f.fx.Run(
        {"scan", "--column", "E-Mail=email", f.Path("cut.csv.zst"), Data("customers.csv")});
    CHECK(r.code == 2);
    CHECK(r.err ==
          "tombstone: unable to read '" + f.Path("cut.csv.zst") +
              "': truncated zstd stream\n"
              "tombstone: unable to scan every file: 1 of 2 could not be read (see above)\n");
    CHECK_THAT(r.out, Catch::Contains(Data("customers.csv")));
  }
  SECTION("a missing file") {
    const RunResult r = f.fx.Run({"scan", "--column", "E-Mail=email", f.Path("nope.csv")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to open '" + f.Path("nope.csv") +
                                        "': No such file or directory\n"));
  }
  SECTION("a pg_dump without --map") {
    WriteFile(f.Path("d.sql"), "--\n-- PostgreSQL database dump\n--\n");
    const RunResult r = f.fx.Run({"scan", "--column", "E-Mail=email", f.Path("d.sql")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to read '" + f.Path("d.sql") +
                                        "': a pg_dump file needs --map\n"));
  }
  SECTION("no file") {
    const RunResult r = f.fx.Run({"scan", "--column", "E-Mail=email"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to run 'scan': missing argument\n"));
  }
  SECTION("no key") {
    const RunResult r = tombstone::testing::Run(
        {"--store", f.fx.store, "scan", "--column", "E-Mail=email", Data("customers.csv")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to find the key"));
  }
}

TEST_CASE("scan detects the file type from its name or first line") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com"});
  WriteFile(f.Path("export.txt"), "n\temail\n1\talice@example.com\n");
  const RunResult r = f.fx.Run({"scan", "--column", "email=email", f.Path("export.txt")});
  CHECK(r.code == 3);
  CHECK_THAT(r.out, Catch::Contains(" tsv "));
  const RunResult forced =
      f.fx.Run({"scan", "--type", "csv", "--column", "email=email", f.Path("export.txt")});
  CHECK(forced.code == 2);  // read as CSV, the header has no 'email' column
}

TEST_CASE("scan --help teaches what is read, matched and how it exits") {
  const RunResult r = tombstone::testing::Run({"scan", "--help"});
  CHECK(r.code == 0);
  for (const char* text : {"--column HEADER=KIND", "--map FILE", "[csv]", "COPY blocks", "zstd",
                           "Exit codes: 0", "3 rows would be removed", "legal hold",
                           "docs/exports.md", "tombstone scan --map map.toml"})
    CHECK_THAT(r.out, Catch::Contains(text));
}

TEST_CASE("scan of a compressed pg_dump reports per table, and notes what it cannot evaluate") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com", "user_id:1"});
  WriteFile(f.Path("map.toml"),
            "[kinds]\nemail = \"email\"\nuser_id = \"exact\"\n\n"
            "[[table]]\nname = \"public.users\"\n"
            "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n\n"
            "[[table]]\nname = \"public.events\"\n"
            "match = [ { column = \"user_id\", kind = \"user_id\" }, "
            "{ expr = \"lower(payload->>'email')\", kind = \"email\" } ]\naction = \"delete\"\n");
  WriteMaybeZstd(
      f.Path("dump.sql.zst"),
      "--\n-- PostgreSQL database dump\n--\n\n"
      "COPY public.users (id, email) FROM stdin;\n1\tALICE@example.com\n2\tb@example.com\n\\.\n\n"
      "COPY public.events (user_id, payload) FROM stdin;\n1\t{}\n2\t{}\n3\t{}\n\\.\n\n"
      "--\n-- PostgreSQL database dump complete\n--\n\n");
  const RunResult r =
      f.fx.Run({"scan", "--format", "json", "--map", f.Path("map.toml"), f.Path("dump.sql.zst")});
  CHECK(r.code == 3);
  CHECK(r.err == "tombstone: note: table public.events: the match expression on " +
                     f.Path("map.toml") +
                     ":12 cannot be evaluated in a dump; skipped\n"
                     "tombstone: 2 rows of tombstoned subjects found in 1 file\n"
                     "HINT: 'tombstone scrub IN OUT' writes a copy without them\n");
  const auto doc = nlohmann::json::parse(r.out);
  const auto& file = doc["files"][0];
  CHECK(file["format"] == "pg_dump");
  CHECK(file["compressed"] == true);
  CHECK(file["rows"] == 5);
  CHECK(file["removed"] == 2);
  CHECK(file["not_evaluable_rows"] == 3);
  REQUIRE(file["tables"].size() == 2);
  CHECK(file["tables"][0]["table"] == "public.users");
  CHECK(file["tables"][0]["removed"] == 1);
  CHECK(file["tables"][1]["table"] == "public.events");
  CHECK(file["tables"][1]["rows"] == 3);
  CHECK(file["matches"][0]["line"] == 6);
  CHECK(file["matches"][0]["table"] == "public.users");
  CHECK(file["matches"][1]["line"] == 11);
}

// Issue 16: input that is not what its name says is recognized by its content, and input that
// cannot be read is an error (exit 2), never a clean scan (exit 0).
TEST_CASE("scan recognizes files by content, and never reports clean what it cannot read") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com"});
  WriteFile(f.Path("map.toml"),
            "[kinds]\nemail = \"email\"\n\n[[table]]\nname = \"public.users\"\n"
            "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n\n"
            "[csv]\ncolumns = { email = \"email\" }\n");
  const std::string map = f.Path("map.toml");
  // The start of a custom-format archive, cut short: pg_restore refuses it.
  const std::string custom("PGDMP\x01\x0e\x00\x04\x08\x01\x01\x00\x00\x00\x00", 16);
  SECTION("a custom-format archive named .sql goes to pg_restore, which fails: exit 2") {
    WriteFile(f.Path("app.sql"), custom);
    const RunResult r = f.fx.Run({"scan", "--map", map, f.Path("app.sql")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to read '" + f.Path("app.sql") + "': "));
    CHECK_THAT(r.err, Catch::Contains("pg_restore failed (exit status 1): pg_restore: error: "));
  }
  SECTION("a custom-format archive named .csv, or zstd-compressed, is not read as CSV") {
    WriteFile(f.Path("app.csv"), custom);
    const RunResult r = f.fx.Run({"scan", "--map", map, f.Path("app.csv")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("pg_restore failed"));
    WriteMaybeZstd(f.Path("app.zst"), custom);
    const RunResult z = f.fx.Run({"scan", "--map", map, f.Path("app.zst")});
    CHECK(z.code == 2);
    CHECK_THAT(z.err, Catch::Contains("pg_restore failed"));
  }
  SECTION("--type csv on an archive is refused") {
    WriteFile(f.Path("app"), custom);
    const RunResult r = f.fx.Run({"scan", "--type", "csv", "--map", map, f.Path("app")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to read '" + f.Path("app") +
                                        "' as csv: it is a pg_dump custom-format archive\n"));
  }
  SECTION("a tar archive (pg_dump -Ft) goes to pg_restore too") {
    std::string tar(1024, '\0');
    tar.replace(0, 7, "toc.dat");
    tar.replace(257, 6, std::string("ustar\0", 6));
    WriteFile(f.Path("app.tar"), tar);
    const RunResult r = f.fx.Run({"scan", "--map", map, f.Path("app.tar")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("pg_restore failed"));
  }
  SECTION("a directory without toc.dat") {
    std::filesystem::create_directory(f.Path("dir"));
    const RunResult r = f.fx.Run({"scan", "--map", map, f.Path("dir")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to read '" + f.Path("dir") +
                                        "': it is a directory, and not a pg_dump "
                                        "directory-format archive (no toc.dat in it)\n"));
  }
  SECTION("binary data (UTF-16) is not read as CSV") {
    WriteFile(f.Path("export.txt"), std::string("e\0m\0a\0i\0l\0\n\0", 12));
    const RunResult r = f.fx.Run({"scan", "--map", map, f.Path("export.txt")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("binary data that is neither CSV/TSV nor a pg_dump file"));
  }
  SECTION("a plain dump named .csv is read as a dump, by its header") {
    WriteFile(f.Path("dump.csv"),
              "--\n-- PostgreSQL database dump\n--\n\n"
              "COPY public.users (email) FROM stdin;\nalice@example.com\n\\.\n\n"
              "--\n-- PostgreSQL database dump complete\n--\n\n");
    const RunResult r = f.fx.Run({"scan", "--map", map, f.Path("dump.csv")});
    CHECK(r.code == 3);
    CHECK_THAT(r.out, Catch::Contains(" pg_dump "));
  }
  SECTION("a plain dump without its trailer, even named .sql") {
    WriteFile(f.Path("cut.sql"), "--\n-- PostgreSQL database dump\n--\n\nCOPY public.users (email)");
    const RunResult r = f.fx.Run({"scan", "--map", map, f.Path("cut.sql")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("is cut short (a truncated dump?)"));
  }
  SECTION("a CSV row wider than its header") {
    WriteFile(f.Path("x.csv"), "name,email\nSmith, Al,alice@example.com\n");
    const RunResult r = f.fx.Run({"scan", "--map", map, f.Path("x.csv")});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to read '" + f.Path("x.csv") +
                                        "': line 2: expected 2 fields, found 3\n"));
  }
}

TEST_CASE("scan refuses a map that normalizes a kind otherwise than the store, as replay does") {
  // Issue 16 (one match engine): replay refused such a map (table_plan.cpp) where scan and scrub
  // used the store's normalizer and went on; the same map now means the same everywhere.
  ExportFixture f;
  AddCustomers(f);
  WriteFile(f.Path("map.toml"), "[kinds]\nemail = \"exact\"\n\n[csv]\ncolumns = { \"E-Mail\" = "
                                "\"email\" }\n");
  const RunResult r = f.fx.Run({"scan", "--map", f.Path("map.toml"), Data("customers.csv")});
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("unable to read map '" + f.Path("map.toml") +
                                    "': kind 'email' is normalized as 'exact' by the map but as "
                                    "'email' by the store"));
  CHECK(r.out.empty());
}

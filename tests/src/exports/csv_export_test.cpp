// CSV/TSV exports: quoted fields, embedded newlines, mixed-case emails; matching rows listed
// (scan) or left out (scrub) with every other byte kept.
#include "src/exports/csv_export.h"

#include <catch2/catch.hpp>

#include "tests/src/exports/export_fixture.h"

using namespace tombstone::exports;
namespace io = tombstone::io;
using tombstone::testing::ExportFixture;
using tombstone::testing::ReadFile;
using tombstone::testing::WriteFile;

namespace {

// Runs ProcessCsv over `content`; the scrubbed copy in *copy when given.
Status Process(ExportFixture& f, const std::string& content, const CsvSpec& spec,
               FileReport* report, std::string* copy = nullptr) {
  const std::string in = f.Path("in.csv"), out = f.Path("out.csv");
  WriteFile(in, content);
  auto index = f.Index({"email", "user_id"});
  auto file = io::InputFile::Open(in);
  REQUIRE(file.ok());
  io::LineReader lines(*file.value());
  std::unique_ptr<io::OutputFile> output;
  if (copy != nullptr) {
    auto o = io::OutputFile::Create(out);
    REQUIRE(o.ok());
    output = std::move(o.value());
  }
  report->path = in;
  Status s = ProcessCsv(lines, spec, *index, output.get(), report);
  if (s.ok() && output) {
    REQUIRE(output->Commit().ok());
    *copy = ReadFile(out);
  }
  return s;
}

CsvSpec EmailAndId() { return {',', {{"email", "email", true}, {"customer_id", "user_id", true}}}; }

}  // namespace

TEST_CASE("CSV rows of tombstoned subjects are found and removed, the rest kept byte for byte") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com"});
  f.Add("REQ-2", {"user_id:42"});
  f.Add("REQ-3", {"email:held@example.com"}, {"--hold", "litigation"});
  const std::string csv =
      "id,\"Email\",customer_id,note\r\n"                     // line 1
      "1,\"  ALICE@Example.COM \",7,\"says \"\"hi\"\"\"\r\n"  // 2: alice, quoted
      "2,bob@example.com,8,\"two\r\nlines, with comma\"\r\n"  // 3-4: innocent
      "3,carol@example.com,42,plain\r\n"                      // 5: user 42
      "4,Dave@Example.com,9,\"a \"\"quoted\"\"\nalice@example.com\nin a note\"\r\n"  // 6-8
      "\r\n"                                                                         // 9: blank
      "5,held@EXAMPLE.com,10,x\r\n"                                                  // 10: held
      "6,\"alice@example.com\",11,last";  // 11: no newline
  FileReport report;
  std::string copy;
  const Status s = Process(f, csv, EmailAndId(), &report, &copy);
  INFO(s.message());
  REQUIRE(s.ok());
  SECTION("counts and matches") {
    CHECK(report.counts.rows == 6);
    CHECK(report.counts.matched == 4);
    CHECK(report.counts.removed == 3);
    CHECK(report.counts.held == 1);
    CHECK(report.residue() == 3);
    REQUIRE(report.matches.size() == 4);
    CHECK(report.matches[0].line == 2);
    CHECK(report.matches[0].where == "email");
    CHECK(report.matches[0].request_id == "REQ-1");
    CHECK(report.matches[1].line == 5);
    CHECK(report.matches[1].where == "customer_id");
    CHECK(report.matches[1].request_id == "REQ-2");
    CHECK(report.matches[2].line == 10);
    CHECK(report.matches[2].outcome == Outcome::kHeld);
    CHECK(report.matches[3].line == 11);
  }
  SECTION("the copy keeps every other byte, quotes and CRLF included") {
    CHECK(copy ==
          "id,\"Email\",customer_id,note\r\n"
          "2,bob@example.com,8,\"two\r\nlines, with comma\"\r\n"
          "4,Dave@Example.com,9,\"a \"\"quoted\"\"\nalice@example.com\nin a note\"\r\n"
          "\r\n"
          "5,held@EXAMPLE.com,10,x\r\n");
  }
}

TEST_CASE("TSV exports and headers matched ignoring case") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com"});
  FileReport report;
  std::string copy;
  const CsvSpec spec{'\t', {{"EMAIL", "email", true}}};
  REQUIRE(Process(f, "n\temail\n1\tAlice@example.com\n2\tbob@example.com\n", spec, &report, &copy)
              .ok());
  CHECK(report.counts.removed == 1);
  CHECK(copy == "n\temail\n2\tbob@example.com\n");
}

TEST_CASE("a line without delimiters is a row, an empty line is not") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com"});
  FileReport report;
  std::string copy;
  const CsvSpec spec{',', {{"email", "email", true}}};
  REQUIRE(Process(f, "email\nlonely\n\n\"\"\nalice@example.com\n", spec, &report, &copy).ok());
  CHECK(report.counts.rows == 3);  // "lonely", the quoted empty field, and Alice's row
  CHECK(report.counts.removed == 1);
  CHECK(copy == "email\nlonely\n\n\"\"\n");
}

TEST_CASE("CSV files that cannot be read as the spec says are refused") {
  ExportFixture f;
  f.Add("REQ-1", {"email:alice@example.com"});
  FileReport report;
  SECTION("a --column absent from the header") {
    const Status s = Process(f, "id,mail\n1,x\n", EmailAndId(), &report);
    CHECK(s.code() == tombstones::ExitCode::kUsage);
    CHECK(s.message() ==
          "unable to read '" + f.Path("in.csv") + "': no column 'email' in its header");
  }
  SECTION("optional (map) columns: those present are used, but at least one") {
    CsvSpec spec{',', {{"email", "email", false}, {"customer_id", "user_id", false}}};
    REQUIRE(Process(f, "email\nalice@example.com\n", spec, &report).ok());
    CHECK(report.counts.removed == 1);
    FileReport other;
    const Status s = Process(f, "id\n1\n", spec, &other);
    CHECK(s.message() == "unable to read '" + f.Path("in.csv") +
                             "': none of the map's [csv] columns is in its header");
  }
  SECTION("a quoted field never closed") {
    const Status s = Process(f, "email,note\nx,\"open\nstill open\n",
                             {',', {{"email", "email", true}}}, &report);
    CHECK(s.code() == tombstones::ExitCode::kUsage);
    CHECK_THAT(s.message(), Catch::Contains("a quoted field opened on line 2 is never closed"));
  }
  SECTION("text after a closing quote") {
    const Status s = Process(f, "email,customer_id\n\"a\"b,1\n", EmailAndId(), &report);
    CHECK_THAT(s.message(), Catch::Contains("text after a closing quote on line 2"));
  }
  SECTION("text after a closing quote in a column that is not matched") {
    const Status s =
        Process(f, "email,note\nx,\"a\"b\n", {',', {{"email", "email", true}}}, &report);
    CHECK_THAT(s.message(), Catch::Contains("text after a closing quote on line 2"));
  }
  SECTION("a row with more fields than the header: an unquoted comma shifts the columns") {
    // Alice's address would be read from the 'customer_id' column: a false clean (issue 16).
    const Status s = Process(f, "name,email,customer_id\nBob,bob@example.com,8\n"
                                "Smith, Alice,alice@example.com,7\n",
                             EmailAndId(), &report);
    CHECK(s.code() == tombstones::ExitCode::kUsage);
    CHECK(s.message() == "unable to read '" + f.Path("in.csv") +
                             "': line 3: expected 3 fields, found 4");
  }
  SECTION("a row with fewer fields than the header, after a multi-line record") {
    const Status s = Process(f, "email,note\nx,\"two\nlines\"\nalice@example.com\n",
                             {',', {{"email", "email", true}}}, &report);
    CHECK(s.message() == "unable to read '" + f.Path("in.csv") +
                             "': line 4: expected 2 fields, found 1");
  }
  SECTION("an empty file has no header") {
    const Status s = Process(f, "", EmailAndId(), &report);
    CHECK(s.message() == "unable to read '" + f.Path("in.csv") + "': no header row");
  }
}

// The CSV reader of 'import' (src/input/csv.cpp, over src/io/csv_record): RFC 4180 records, quoted fields, doubled
// quotes, embedded newlines, CRLF, and the line each record starts on; malformed input is an
// error that names a line, never the field's text.
#include "src/input/csv.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

using tombstone::CsvReader;
using Records = std::vector<std::vector<std::string>>;

namespace {

struct Read {
  Records records;
  std::vector<long> lines;  // first_line() of each record
  std::string error;
};

Read ReadAll(const std::string& text, char delimiter = ',') {
  std::istringstream in(text);
  CsvReader reader(in, delimiter);
  Read r;
  std::vector<std::string> fields;
  while (reader.Next(&fields)) {
    r.records.push_back(fields);
    r.lines.push_back(reader.first_line());
  }
  r.error = reader.error();
  return r;
}

}  // namespace

TEST_CASE("CSV records: plain, quoted, doubled quotes, empty fields and line endings", "[input]") {
  struct Row {
    std::string text;
    Records expected;
  };
  const Row table[] = {
      {"", {}},
      {"a", {{"a"}}},
      {"a,b,c\n", {{"a", "b", "c"}}},
      {"a,b,c", {{"a", "b", "c"}}},  // no final newline
      {"a,b\nc,d\n", {{"a", "b"}, {"c", "d"}}},
      {"a,b\r\nc,d\r\n", {{"a", "b"}, {"c", "d"}}},  // CRLF
      {"a,b\rc,d", {{"a", "b\rc", "d"}}},  // a lone CR inside a line is data (as scan reads it)
      {"a,b\r", {{"a", "b"}}},            // but ends the input's last line
      {",\n", {{"", ""}}},
      {",,", {{"", "", ""}}},
      {"\n", {{""}}},  // an empty line is one empty field
      {"a\n\nb\n", {{"a"}, {""}, {"b"}}},
      {"\"a\",\"b\"\n", {{"a", "b"}}},
      {"\"\",x", {{"", "x"}}},
      {"\"a,b\",c", {{"a,b", "c"}}},
      {"\"say \"\"hi\"\"\",x", {{"say \"hi\"", "x"}}},
      {"\"\"\"\"", {{"\""}}},
      {"\"two\nlines\",x\n", {{"two\nlines", "x"}}},
      {"\"crlf\r\ninside\"\r\n", {{"crlf\r\ninside"}}},
      {"a\"b,c", {{"a\"b", "c"}}},    // a quote inside a bare field is kept as text
      {" a , b ", {{" a ", " b "}}},  // spaces are data
      {"\"a\"\r\n", {{"a"}}},
      {std::string("nul\0byte,x", 10), {{std::string("nul\0byte", 8), "x"}}},
      {"caf\xC3\xA9,\xE2\x82\xAC", {{"caf\xC3\xA9", "\xE2\x82\xAC"}}},
  };
  for (const Row& row : table) {
    INFO("input #" << (&row - table));
    const Read r = ReadAll(row.text);
    CHECK(r.error.empty());
    CHECK(r.records == row.expected);
  }
}

TEST_CASE("CSV records know the line they start on, across quoted newlines", "[input]") {
  const Read r = ReadAll("h1,h2\n\"multi\nline\nfield\",x\nnext,y\r\nlast,z");
  REQUIRE(r.error.empty());
  REQUIRE(r.records.size() == 4);
  CHECK(r.lines == std::vector<long>{1, 2, 5, 6});
  CHECK(r.records[1][0] == "multi\nline\nfield");
}

TEST_CASE("CSV with another delimiter: the comma is data", "[input]") {
  const Read tabs = ReadAll("a\tb,c\n\"x\ty\"\tz\n", '\t');
  CHECK(tabs.error.empty());
  CHECK(tabs.records == Records{{"a", "b,c"}, {"x\ty", "z"}});
  const Read semicolons = ReadAll("a;\"b;c\";d", ';');
  CHECK(semicolons.records == Records{{"a", "b;c", "d"}});
}

TEST_CASE("malformed CSV stops with an error naming the line, not the text", "[input]") {
  struct Row {
    std::string text;
    std::size_t good_records;  // read before the error
    std::string error;
  };
  const Row table[] = {
      {"\"never closed", 0, "line 1, column 1: a quoted field is never closed"},
      {"a,b\nc,\"open\nstill open\n", 1, "line 2, column 2: a quoted field is never closed"},
      {"\"secret@example.com\"x,b\n", 0, "line 1, column 1: text after a closing quote"},
      {"ok\n\"a\" ,b\n", 1, "line 2, column 1: text after a closing quote"},
      {"\"a\"\"\n", 0, "line 1, column 1: a quoted field is never closed"},
      {"x,\"multi\nline\"tail\n", 0, "line 2, column 2: text after a closing quote"},
  };
  for (const Row& row : table) {
    INFO("input #" << (&row - table));
    const Read r = ReadAll(row.text);
    CHECK(r.records.size() == row.good_records);
    CHECK(r.error == row.error);
    CHECK(r.error.find("secret") == std::string::npos);
  }
}

TEST_CASE("a CSV reader reports the end of input once, with no error", "[input]") {
  std::istringstream in("a\n");
  CsvReader reader(in);
  std::vector<std::string> fields{"stale"};
  REQUIRE(reader.Next(&fields));
  CHECK(fields == std::vector<std::string>{"a"});
  CHECK_FALSE(reader.Next(&fields));
  CHECK(fields.empty());
  CHECK(reader.error().empty());
  CHECK_FALSE(reader.Next(&fields));
}

TEST_CASE("a large CSV streams record by record", "[input]") {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += "REQ-" + std::to_string(i) + ",email,\"user" + std::to_string(i) + "@example.com\"\n";
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::string> fields;
  int n = 0;
  while (reader.Next(&fields)) {
    REQUIRE(fields.size() == 3);
    REQUIRE(reader.first_line() == n + 1);
    ++n;
  }
  CHECK(reader.error().empty());
  CHECK(n == 20000);
  CHECK(fields.empty());
}

TEST_CASE("CSV records beyond the limits are refused naming the line and column", "[input]") {
  const CsvReader::Limits limits{.field_bytes = 8, .record_bytes = 20, .fields = 3};
  const auto read = [&](const std::string& text) {
    std::istringstream in(text);
    CsvReader reader(in, ',', limits);
    Read r;
    std::vector<std::string> fields;
    while (reader.Next(&fields)) r.records.push_back(fields);
    r.error = reader.error();
    return r;
  };
  CHECK(read("a,b,c\n12345678,x\n").error.empty());  // at the limits
  const Read field = read("ok\na,123456789\n");
  CHECK(field.records.size() == 1);
  CHECK(field.error == "line 2, column 2: a field is longer than 8 bytes");
  const Read quoted = read("\"1234\n56789\",x\n");  // a field spanning lines counts whole
  CHECK(quoted.error == "line 2, column 1: a field is longer than 8 bytes");
  const Read record = read("1234567,1234567,1234567\n");
  CHECK(record.error == "line 1, column 3: the record is longer than 20 bytes");
  const Read many = read("a,b,c,d\n");
  CHECK(many.error == "line 1, column 4: more than 3 fields");
  const Read endless = read(std::string(100000, 'x'));  // one line, no newline, no delimiter
  CHECK(endless.records.empty());
  CHECK_THAT(endless.error, Catch::StartsWith("line 1, column 1: a field is longer than 8 bytes"));
}

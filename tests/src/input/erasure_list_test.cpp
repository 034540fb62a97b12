// The erasure-list reader of 'import' (src/input/erasure_list.cpp), called directly: CSV and
// JSON lines give the same tombstones; a malformed row is refused naming its line and column or
// field, never the text read.
#include "src/input/erasure_list.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "tests/support/temp_dir.h"

using tombstone::ErasureListFormat;
using tombstone::IdentifierHasher;
using tombstone::InputSource;
using tombstone::ReadErasureList;
using tombstone::testing::TempDir;
using tombstones::ExitCode;
using tombstones::Key;
using tombstones::Store;
using tombstones::Tombstone;

namespace {

Key TestKey() {
  std::array<unsigned char, 32> bytes{};
  bytes.fill(7);
  return Key::FromBytes(bytes);
}

// A new store, open for reading (the reader only looks up kinds).
struct ReadingStore {
  TempDir dir;
  Key key = TestKey();
  std::unique_ptr<Store> store;
  ReadingStore() {
    REQUIRE(Store::Create(dir / "store", key).ok());
    Store::Options options;
    options.dir = dir / "store";
    options.key = &key;
    auto opened = Store::Open(options);
    REQUIRE(opened.ok());
    store = std::move(opened.value());
  }
};

tombstones::Result<std::vector<Tombstone>> Read(ReadingStore& s, ErasureListFormat format,
                                                const std::string& text) {
  std::istringstream in(text);
  auto source = InputSource::Open("-", in);
  REQUIRE(source.ok());
  IdentifierHasher hasher(*s.store, s.key);
  return ReadErasureList(source.value(), format, hasher);
}

}  // namespace

TEST_CASE("erasure lists: CSV and JSON lines give the same tombstones", "[input]") {
  ReadingStore s;
  const std::string csv =
      "kind,request,value,erased_at,hold\n"
      "email,REQ-1, Alice@Example.com ,2025-01-01T00:00:00Z,\n"
      "\n"
      "user_id,REQ-1,42,2025-01-01T00:00:00Z,\n"
      "email,REQ-2,bob@example.com,2025-02-01T00:00:00Z,case 7\n";
  const std::string jsonl =
      R"({"request":"REQ-1","kind":"email","value":" Alice@Example.com ","erased_at":"2025-01-01T00:00:00Z"})"
      "\n"
      " \n"
      R"({"request":"REQ-1","kind":"user_id","value":"42","erased_at":"2025-01-01T00:00:00Z","hold":null})"
      "\n"
      R"({"request":"REQ-2","kind":"email","value":"bob@example.com","erased_at":"2025-02-01T00:00:00Z","hold":"case 7"})"
      "\n";
  for (const auto& [name, format, text] :
       {std::tuple{"csv", ErasureListFormat::kCsv, csv},
        std::tuple{"jsonl", ErasureListFormat::kJsonLines, jsonl}}) {
    SECTION(name) {
      auto read = Read(s, format, text);
      REQUIRE(read.ok());
      const std::vector<Tombstone>& t = read.value();
      REQUIRE(t.size() == 2);
      CHECK(t[0].request_id == "REQ-1");
      REQUIRE(t[0].identifiers.size() == 2);
      CHECK(t[0].identifiers[0].kind == "email");
      CHECK(t[0].identifiers[0].hash == s.key.HashIdentifier("email", "alice@example.com"));
      CHECK(t[0].identifiers[1].hash == s.key.HashIdentifier("user_id", "42"));
      CHECK(t[0].erased_at == tombstones::ParseTime("2025-01-01T00:00:00Z").value());
      CHECK_FALSE(t[0].hold_reason.has_value());
      CHECK(t[1].request_id == "REQ-2");
      CHECK(t[1].hold_reason == std::optional<std::string>("case 7"));
    }
  }
}

TEST_CASE("erasure lists: a malformed row names its line and column, never the value", "[input]") {
  ReadingStore s;
  struct Case {
    ErasureListFormat format;
    std::string text;
    std::string message;  // the whole message
  };
  const std::string header = "request,kind,value,erased_at\n";
  const Case cases[] = {
      // Shifted columns: the address lands in erased_at.
      {ErasureListFormat::kCsv, header + "R,email,2025-01-01T00:00:00Z,carol@example.com\n",
       "unable to import line 2 of standard input, column 4 (erased_at): "},
      {ErasureListFormat::kCsv, "request,kind,erased_at\n",
       "unable to import standard input: the header has no 'value' column"},
      {ErasureListFormat::kCsv, header + "R,email,carol@example.com\n",
       "unable to import line 2 of standard input: expected 4 fields, found 3"},
      {ErasureListFormat::kCsv,
       header + "R,email,a@example.com,2025-01-01T00:00:00Z\nR,email,b@example.com,2025-01-02T00:"
                "00:00Z\n",
       "unable to import line 3 of standard input, column 4 (erased_at): the request of line 2 "
       "has another erased_at there"},
      {ErasureListFormat::kCsv, "", "unable to import standard input: it is empty"},
      {ErasureListFormat::kJsonLines, "{\"request\": \"carol@example.com\"\n",
       "unable to import line 1 of standard input: not valid JSON (column 32)"},
      // A number beyond double's range: the parser's out_of_range error, not a parse_error
      // (found by the import_jsonl fuzz target: the exception ended the process).
      {ErasureListFormat::kJsonLines, "{\"request\": 1e999}\n",
       "unable to import line 1 of standard input: not valid JSON (a number out of range)"},
      {ErasureListFormat::kJsonLines, "[\"carol@example.com\"]\n",
       "unable to import line 1 of standard input: not a JSON object"},
      {ErasureListFormat::kJsonLines,
       R"({"request":"R","kind":"email","value":1})"
       "\n",
       "unable to import line 1 of standard input: 'value' must be a string"},
      {ErasureListFormat::kJsonLines,
       R"({"request":"R","kind":"email","value":"carol@example.com"})"
       "\n",
       "unable to import line 1 of standard input: request, kind, value and erased_at are "
       "required"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto read = Read(s, c.format, c.text);
    REQUIRE_FALSE(read.ok());
    CHECK(read.status().code() == ExitCode::kUsage);
    // The time parser's cause follows the prefix; only the prefix is pinned for that case.
    if (c.message.ends_with(": "))
      CHECK(read.status().message().starts_with(c.message));
    else
      CHECK(read.status().message() == c.message);
    CHECK(read.status().message().find("carol") == std::string::npos);
  }
}

TEST_CASE("erasure lists: an identifier holding a NUL byte is refused", "[input]") {
  ReadingStore s;
  auto read = Read(s, ErasureListFormat::kJsonLines,
                   R"({"request":"R","kind":"email","value":"a\u0000@example.com",)"
                   R"("erased_at":"2025-01-01T00:00:00Z"})"
                   "\n");
  REQUIRE_FALSE(read.ok());
  CHECK(read.status().code() == ExitCode::kUsage);
  CHECK(read.status().message().find("NUL byte") != std::string::npos);
}

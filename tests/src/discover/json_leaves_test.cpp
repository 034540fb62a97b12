// The leaves of a json value, as discover reads them: every string and number with its path,
// numbers as written, escapes decoded, any depth, and false (never a silent stop) on invalid JSON.
#include "src/discover/json_leaves.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace {

using tombstone::discover::JsonLeafReader;
using Leaves = std::vector<std::pair<std::string, std::string>>;  // path, value

struct Read {
  bool ok = false;
  Leaves leaves;
};

Read ReadWith(JsonLeafReader& reader, std::string_view json) {
  Read r;
  r.ok = reader.ForEach(json, [&](std::string_view path, std::string_view value) {
    r.leaves.emplace_back(path, value);
  });
  return r;
}

Read ReadLeaves(std::string_view json) {
  JsonLeafReader reader;
  return ReadWith(reader, json);
}

struct Case {
  std::string json;
  Leaves leaves;
};

// The reader parses short texts with one parser and long ones with another: each case is read
// as it is and after 2 kB of spaces (still the same JSON), so that both parsers read it.
std::vector<std::string> BothParsers(const std::string& json) {
  return {json, json + std::string(2048, ' ')};
}

void CheckCases(const std::vector<Case>& cases) {
  for (const Case& c : cases)
    for (const std::string& json : BothParsers(c.json)) {
      INFO(json.size() << " bytes: " << c.json);
      const Read r = ReadLeaves(json);
      CHECK(r.ok);
      CHECK(r.leaves == c.leaves);
    }
}

}  // namespace

TEST_CASE("json leaves: strings and numbers with their paths, in document order", "[discover]") {
  CheckCases({
      {R"({"a": "x", "b": {"c": "y", "d": 4}, "e": [1, "z"]})",
       {{"a", "x"}, {"b.c", "y"}, {"b.d", "4"}, {"e[]", "1"}, {"e[]", "z"}}},
      {R"([{"e": "x"}, {"e": "y", "f": [[7]]}])",
       {{"[].e", "x"}, {"[].e", "y"}, {"[].f[][]", "7"}}},
      {R"({"t": true, "f": false, "n": null, "s": ""})", {{"s", ""}}},
      {R"({"a": {"b": 1}, "c": 2})", {{"a.b", "1"}, {"c", "2"}}},  // the path after a nested object
      {R"({"a": "x", "a": "y"})", {{"a", "x"}, {"a", "y"}}},       // json (not jsonb) keeps both
  });
}

TEST_CASE("json leaves: empty containers and top-level scalars", "[discover]") {
  CheckCases({
      {"{}", {}},
      {"[]", {}},
      {R"({"a": {}, "b": [], "c": [{}, []]})", {}},
      {R"("alice@example.com")", {{"", "alice@example.com"}}},
      {"42", {{"", "42"}}},
      {" \n\t-1.5 \r\n", {{"", "-1.5"}}},
      {"true", {}},
      {"null", {}},
  });
}

TEST_CASE("json leaves: escapes are decoded in values and keys", "[discover]") {
  CheckCases({
      {R"(["a\"b", "c\\d", "e\/f", "g\nh\ti", "\b\f\r"])",
       {{"[]", "a\"b"}, {"[]", "c\\d"}, {"[]", "e/f"}, {"[]", "g\nh\ti"}, {"[]", "\b\f\r"}}},
      {R"({"k\"ey\\": "v", "\u00e9": "w"})", {{"k\"ey\\", "v"}, {"\xC3\xA9", "w"}}},
      {R"("Andr\u00e9@example.com")", {{"", "Andr\xC3\xA9@example.com"}}},
      {R"("\u20ac \uFFFD")", {{"", "\xE2\x82\xAC \xEF\xBF\xBD"}}},
      {R"("\ud83d\ude00 \uD834\uDD1E")", {{"", "\xF0\x9F\x98\x80 \xF0\x9D\x84\x9E"}}},  // pairs
      {R"("a\u0000b")", {{"", std::string("a\0b", 3)}}},
      {R"("\u0041lice@example.com")", {{"", "Alice@example.com"}}},
  });
}

TEST_CASE("json leaves: numbers as written, beyond any integer or double", "[discover]") {
  const std::string digits400 = "1" + std::string(400, '0');  // jsonb's text of 1e400
  CheckCases({
      {"[0, -0, -17, 4471, 1.50, 1.5e-7, 2E+10, -3e0]",
       {{"[]", "0"},
        {"[]", "-0"},
        {"[]", "-17"},
        {"[]", "4471"},
        {"[]", "1.50"},
        {"[]", "1.5e-7"},
        {"[]", "2E+10"},
        {"[]", "-3e0"}}},
      {"[18446744073709551615, 18446744073709551616, -9223372036854775809]",
       {{"[]", "18446744073709551615"},
        {"[]", "18446744073709551616"},
        {"[]", "-9223372036854775809"}}},
      {"[123456789012345678901234567890.125]", {{"[]", "123456789012345678901234567890.125"}}},
      // Numbers a double cannot hold: the leaves after them are read too, none given twice.
      {R"({"a": "x", "big": 1e400, "email": "alice@example.com", "n": [-1E+999, 2, 0.5e-99999]})",
       {{"a", "x"},
        {"big", "1e400"},
        {"email", "alice@example.com"},
        {"n[]", "-1E+999"},
        {"n[]", "2"},
        {"n[]", "0.5e-99999"}}},
      {"{\"n\": " + digits400 + ", \"s\": \"7\"}", {{"n", digits400}, {"s", "7"}}},
      {"-" + digits400, {{"", "-" + digits400}}},
      {R"({"a": "1e400", "b": 1e400})", {{"a", "1e400"}, {"b", "1e400"}}},  // a string stays one
  });
}

TEST_CASE("json leaves: any depth, without recursion", "[discover]") {
  for (const std::size_t depth : {500, 10000, 200000}) {  // 500: 1 kB, the short texts' parser
    INFO(depth);
    std::string arrays = std::string(depth, '[') + "\"a@x\"" + std::string(depth, ']');
    Read r = ReadLeaves(arrays);
    CHECK(r.ok);
    REQUIRE(r.leaves.size() == 1);
    CHECK(r.leaves[0].first.size() == 2 * depth);
    CHECK(r.leaves[0].second == "a@x");

    std::string objects;
    for (std::size_t i = 0; i < depth; ++i) objects += "{\"k\":";
    objects += "1" + std::string(depth, '}');
    r = ReadLeaves(objects);
    CHECK(r.ok);
    REQUIRE(r.leaves.size() == 1);
    CHECK(r.leaves[0].first.size() == 2 * depth - 1);  // "k.k....k"
    CHECK(r.leaves[0].second == "1");

    // Cut short at that depth: refused, not a crash.
    r = ReadLeaves(std::string(depth, '['));
    CHECK_FALSE(r.ok);
  }
  // The deepest text of the short texts' parser: 1 kB of '[' (recursion, each level a call).
  CHECK_FALSE(ReadLeaves(std::string(1024, '[')).ok);
  std::string path;
  for (int i = 0; i < 511; ++i) path += "[]";
  const Read shallow = ReadLeaves(std::string(511, '[') + "1" + std::string(511, ']'));  // 1,023 B
  CHECK(shallow.ok);
  CHECK(shallow.leaves == Leaves{{path, "1"}});
}

TEST_CASE("json leaves: bytes that are not UTF-8 are given as they are", "[discover]") {
  // Not the reader's check (the server converts to UTF-8, or refuses): the leaves after count.
  CheckCases({{"{\"name\": \"Andr\xE9\", \"email\": \"alice@example.com\"}",
               {{"name", "Andr\xE9"}, {"email", "alice@example.com"}}}});
}

TEST_CASE("json leaves: invalid json is refused, after the leaves before the error", "[discover]") {
  struct Invalid {
    std::string json;
    Leaves before;
  };
  const std::vector<Invalid> cases = {
      {"", {}},
      {"   ", {}},
      {"{", {}},
      {R"({"a":})", {}},
      {R"({"a" 1})", {}},
      {"[1,]", {{"[]", "1"}}},
      {"tru", {}},
      {R"("unterminated)", {}},
      {R"({"a": 1} x)", {{"a", "1"}}},
      {"1 2", {{"", "1"}}},
      {std::string("{\"a\": 1}\0{\"b\": 2}", 17), {{"a", "1"}}},  // a NUL byte does not end it
      {std::string("[\"a\0b\"]", 7), {}},                         // nor is it allowed in a string
      {R"(["a", "b" "c"])", {{"[]", "a"}, {"[]", "b"}}},
      {"[01]", {{"[]", "0"}}},  // "0", then a digit where a comma belongs
      {"[1.]", {}},
      {"[-]", {}},
      {"[.5]", {}},
      {"[+1]", {}},
      {R"(["\x"])", {}},
      {R"(["\ud800"])", {}},        // a high surrogate alone
      {R"(["\ud800\u0041"])", {}},  // followed by no low one
      {"[NaN]", {}},
      {"[Infinity]", {}},
      {"{'a': 1}", {}},
      {"[1] // comment", {{"[]", "1"}}},
      // After a number beyond a double, where the text is read a second time.
      {R"({"a": "x", "b": 1e400, "c": 1.})", {{"a", "x"}, {"b", "1e400"}}},
      {R"({"a": "x", "b": 1e400, "c": 2} x)", {{"a", "x"}, {"b", "1e400"}, {"c", "2"}}},
      {R"([1e400-1])", {}},
      {R"([1e400, 2e)", {{"[]", "1e400"}}},
  };
  for (const Invalid& c : cases)
    for (const std::string& json : BothParsers(c.json)) {
      INFO(json.size() << " bytes: " << c.json);
      const Read r = ReadLeaves(json);
      CHECK_FALSE(r.ok);
      CHECK(r.leaves == c.before);
    }
}

TEST_CASE("json leaves: one reader reads text after text, whatever came before", "[discover]") {
  JsonLeafReader reader;
  CHECK_FALSE(ReadWith(reader, R"({"deep": [[[{"x": )").ok);
  Read r = ReadWith(reader, R"({"a": "b"})");
  CHECK(r.ok);
  CHECK(r.leaves == Leaves{{"a", "b"}});
  CHECK(ReadWith(reader, R"({"big": 1e400, "c": "d"})").ok);
  r = ReadWith(reader, R"({"n": 5})");  // no number of the text before is given in its place
  CHECK(r.ok);
  CHECK(r.leaves == Leaves{{"n", "5"}});
  // A view into a larger buffer: what follows it is not read.
  const std::string buffer = R"({"e": "f"}{"g": "h"})";
  r = ReadWith(reader, std::string_view(buffer).substr(0, 10));
  CHECK(r.ok);
  CHECK(r.leaves == Leaves{{"e", "f"}});
}

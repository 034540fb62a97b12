// Terminal tables align on display width (issue 18): request ids and hold reasons may hold
// accents, combining marks or CJK characters, which take other than one column per byte.
#include "src/io/table_text.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace tombstone::io {
namespace {

TEST_CASE("DisplayWidth counts terminal columns, not bytes", "[io]") {
  const std::pair<const char*, std::size_t> cases[] = {
      {"", 0},
      {"REQ-1", 5},
      {"R\xc3\xa9", 2},               // Ré, precomposed
      {"Re\xcc\x81", 2},              // Ré, e + combining acute
      {"\xe8\xab\x8b\xe6\xb1\x82", 4},  // 請求: wide
      {"\xef\xbc\xa1", 2},            // fullwidth A
      {"\xef\xbd\xb1", 1},            // halfwidth katakana a
      {"\xf0\x9f\x98\x80", 2},        // an emoji shown as one
      {"a\xe2\x80\x8d" "b", 2},       // a zero-width joiner takes no column
      {"\xff", 1},                    // an invalid byte: one replacement character
      {"\xe2\x80\xa6", 1},            // …, as 'pending' abbreviates backup lists
  };
  for (const auto& [text, width] : cases) {
    INFO(text);
    CHECK(DisplayWidth(text) == width);
  }
}

TEST_CASE("Table columns line up whatever the characters", "[io]") {
  Table table({"request", "hold", "n"});
  table.Add({"R-1", "", "1"});
  table.Add({"R\xc3\xa9-2 \xe8\xab\x8b\xe6\xb1\x82", "litige \xc3\xa9t\xc3\xa9", "2"});
  table.Add({"Re\xcc\x81-3", "abc", "3"});
  std::ostringstream out;
  table.Print(out, Format::kTable);
  // Each line: the third column starts at the same display column.
  std::istringstream lines(out.str());
  std::string line;
  std::vector<std::size_t> starts;
  while (std::getline(lines, line))
    starts.push_back(DisplayWidth(line.substr(0, line.rfind(' ') + 1)));
  REQUIRE(starts.size() == 4);
  for (std::size_t s : starts) CHECK(s == starts[0]);
  CHECK(out.str() ==
        "request    hold        n\n"
        "R-1                    1\n"
        "R\xc3\xa9-2 \xe8\xab\x8b\xe6\xb1\x82  litige \xc3\xa9t\xc3\xa9  2\n"
        "Re\xcc\x81-3       abc         3\n");
}

}  // namespace
}  // namespace tombstone::io

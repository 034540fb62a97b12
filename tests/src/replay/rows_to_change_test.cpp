// RowsToChange: values come back as they went in; tid columns are packed (7 bytes a row) and come
// back as the server prints them.
#include "src/replay/rows_to_change.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "src/replay/locator.h"

namespace {

using tombstone::replay::LocatorParams;
using tombstone::replay::RowsToChange;

void Add(RowsToChange& rows, const std::vector<const char*>& values) {
  std::vector<std::string_view> views(values.size());
  std::vector<const std::string_view*> pointers(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] != nullptr) views[i] = values[i];
    pointers[i] = values[i] == nullptr ? nullptr : &views[i];
  }
  rows.Add(pointers.data());
}

}  // namespace

TEST_CASE("tid columns are packed and read back as text", "[unit][replay]") {
  RowsToChange rows(2, {true, false});
  Add(rows, {"(0,1)", "alice"});
  Add(rows, {"(4294967295,65535)", nullptr});
  Add(rows, {"(123456,7)", "(not a tid)"});
  Add(rows, {"abcdef", "x"});  // not a tid (never from the server): kept as text, not misread
  for (int i = 0; i < 600; ++i) Add(rows, {"(1,23)", "x"});  // past a row mark (every 256)
  REQUIRE(rows.size() == 604);
  RowsToChange::Cursor row(rows, 0);
  CHECK(row.Value(0) == "(0,1)");
  CHECK(row.Value(1) == "alice");
  row.Next();
  CHECK(row.Value(0) == "(4294967295,65535)");
  CHECK(row.IsNull(1));
  row.Next();
  CHECK(row.Value(0) == "(123456,7)");
  CHECK(row.Value(1) == "(not a tid)");  // not a tid column: kept as text
  row.Next();
  CHECK(row.Value(0) == "abcdef");
  CHECK_FALSE(row.IsNull(0));
  RowsToChange::Cursor late(rows, 601);
  CHECK(late.Value(0) == "(1,23)");
  CHECK(LocatorParams(rows, 0, 3, 1) == std::vector<std::string>{
                                            "{\"(0,1)\",\"(4294967295,65535)\",\"(123456,7)\"}"});
}

TEST_CASE("packed tids take 7 bytes a row where their text takes more", "[unit][replay]") {
  RowsToChange packed(1, {true}), text(1);
  for (int i = 0; i < 1000; ++i) {
    const std::string tid = "(" + std::to_string(100000 + i) + "," + std::to_string(i % 60) + ")";
    Add(packed, {tid.c_str()});
    Add(text, {tid.c_str()});
  }
  CHECK(packed.bytes() == 7 * 1000);
  CHECK(text.bytes() >= 11 * 1000);
  RowsToChange::Cursor a(packed, 999), b(text, 999);
  CHECK(a.Value(0) == b.Value(0));
  CHECK(a.Value(0) == "(100999,39)");
}

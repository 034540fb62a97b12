#include "src/replay/scan.h"

#include <catch2/catch.hpp>
#include <sstream>

using tombstone::replay::SplitCopyLine;

TEST_CASE("COPY text lines split into unescaped fields with NULLs marked", "[replay]") {
  std::vector<std::string> fields;
  std::vector<bool> nulls;
  SECTION("plain fields and NULL") {
    SplitCopyLine("42\tAlice@Example.com\t\\N\t", &fields, &nulls);
    REQUIRE(fields.size() == 4);
    CHECK(fields[0] == "42");
    CHECK(fields[1] == "Alice@Example.com");
    CHECK(nulls[2]);
    CHECK_FALSE(nulls[3]);
    CHECK(fields[3].empty());
  }
  SECTION("backslash escapes: tab, newline, backslash, and a literal \\N text") {
    SplitCopyLine("a\\tb\tline\\nnext\tback\\\\slash\t\\\\N", &fields, &nulls);
    REQUIRE(fields.size() == 4);
    CHECK(fields[0] == "a\tb");
    CHECK(fields[1] == "line\nnext");
    CHECK(fields[2] == "back\\slash");
    CHECK(fields[3] == "\\N");
    CHECK_FALSE(nulls[3]);
  }
  SECTION("buffers are reused from line to line") {
    SplitCopyLine("1\t2\t3", &fields, &nulls);
    SplitCopyLine("x", &fields, &nulls);
    REQUIRE(fields.size() == 1);
    CHECK(fields[0] == "x");
  }
}

TEST_CASE("progress shows rows and the percentage of the table's estimate, only when enabled",
          "[replay]") {
  std::ostringstream err;
  tombstone::replay::Progress shown(err, true);
  shown.Start("public.users", 200);
  shown.Tick(1);  // between updates: silent
  shown.Finish(50);
  CHECK(err.str() == "\rpublic.users: 50 rows (25%)\n");
  std::ostringstream quiet;
  tombstone::replay::Progress hidden(quiet, false);
  hidden.Start("public.users", 200);
  hidden.Finish(50);
  CHECK(quiet.str().empty());
}

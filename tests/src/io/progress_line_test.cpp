// src/io/progress_line: a terminal's progress line, at most twice a second, silent elsewhere.
#include "src/io/progress_line.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace tombstone::testing {
namespace {

TEST_CASE("a progress line is rewritten in place, at most twice a second", "[io]") {
  std::ostringstream out;
  io::ProgressLine line(out, true);
  CHECK(line.Due());
  line.Show("users: 10 rows");
  CHECK(out.str() == "\rusers: 10 rows\033[K");
  CHECK_FALSE(line.Due());
  line.Show("users: 20 rows");  // within half a second: not written
  CHECK(out.str() == "\rusers: 10 rows\033[K");
  line.Finish("users: 30 rows");
  CHECK(out.str() == "\rusers: 10 rows\033[K\rusers: 30 rows\033[K\n");
  line.Clear();
  CHECK(out.str().substr(out.str().size() - 4) == "\r\033[K");
}

TEST_CASE("a disabled progress line writes nothing", "[io]") {
  std::ostringstream out;
  io::ProgressLine line(out, false);
  CHECK_FALSE(line.Due());
  line.Show("x");
  line.Finish("y");
  line.Clear();
  CHECK(out.str().empty());
}

}  // namespace
}  // namespace tombstone::testing

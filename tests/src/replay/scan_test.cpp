#include "src/replay/scan.h"

#include <catch2/catch.hpp>
#include <sstream>

TEST_CASE("progress shows rows and the percentage of the table's estimate, only when enabled",
          "[replay]") {
  std::ostringstream err;
  tombstone::replay::Progress shown(err, true);
  shown.Start("public.users", 200);
  shown.Tick(1);  // between updates: silent
  shown.Finish(50);
  CHECK(err.str() == "\rpublic.users: 50 rows (25%)\033[K\n");  // the rest of the line cleared
  std::ostringstream quiet;
  tombstone::replay::Progress hidden(quiet, false);
  hidden.Start("public.users", 200);
  hidden.Finish(50);
  CHECK(quiet.str().empty());
}

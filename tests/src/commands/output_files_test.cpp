// Output files of store export and scrub (issue 15, finding 5): created beside the target under
// a random name with O_EXCL|O_NOFOLLOW, so a symlink planted at the name an older version used
// ("FILE.partial", "FILE.tmp") is never followed; store exports are 0600; nothing is left behind.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

namespace fs = std::filesystem;

int Entries(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) (void)e, ++n;
  return n;
}

TEST_CASE("store export never writes through a symlink planted at its temporary name",
          "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "R-1", "--ids-from", "-"}, "email:a@example.com\n").code == 0);
  TempDir out;
  const std::string file = out / "e.tse";
  const std::string victim = out / "victim";
  WriteFile(victim, "precious\n");
  REQUIRE(::symlink(victim.c_str(), (file + ".partial").c_str()) == 0);

  const RunResult r = f.Run({"store", "export", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(ReadFile(victim) == "precious\n");
  CHECK(ReadFile(file).rfind("tombstone-store-export 1 ", 0) == 0);
  // The export carries the hash of every erased identifier: only its owner may read it.
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // The export, the victim and the planted link: no temporary file or scratch directory left.
  CHECK(Entries(out.path()) == 3);

  SECTION("--force replaces an existing export, still 0600") {
    const RunResult again = f.Run({"store", "export", "--force", file});
    REQUIRE(again.code == 0);
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(Entries(out.path()) == 3);
  }
}

TEST_CASE("scrub output is never written through a planted symlink", "[exports]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "R-1", "--ids-from", "-"}, "email:a@example.com\n").code == 0);
  const std::string in = dir / "in.csv";
  WriteFile(in, "email,n\na@example.com,1\nb@example.com,2\n");
  const std::string out = dir / "out.csv";
  const std::string victim = dir / "victim";
  WriteFile(victim, "precious\n");
  for (const char* suffix : {".tmp", ".partial"})
    REQUIRE(::symlink(victim.c_str(), (out + suffix).c_str()) == 0);

  const RunResult r = f.Run({"scrub", "--column", "email=email", in, out});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(ReadFile(out) == "email,n\nb@example.com,2\n");
  CHECK(ReadFile(victim) == "precious\n");
}

}  // namespace
}  // namespace tombstone::testing

// src/io/atomic_file: output files appear complete or not at all, never through a planted link.
#include "src/io/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

using io::AtomicFile;

int CountFiles(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) (void)e, ++n;
  return n;
}

TEST_CASE("an atomic file appears only complete, with the mode asked for", "[io]") {
  TempDir dir;
  const std::string target = dir / "out.json";

  SECTION("committed: the content, mode 0600, no temporary left") {
    REQUIRE(io::WriteFileAtomically(target, "{\"a\": 1}\n", {.mode = 0600}).ok());
    CHECK(ReadFile(target) == "{\"a\": 1}\n");
    struct stat st {};
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(CountFiles(dir.path()) == 1);
  }
  SECTION("not committed: neither the target nor the temporary exists") {
    {
      auto file = AtomicFile::Create(target, {});
      REQUIRE(file.ok());
      REQUIRE(file.value()->Write("partial").ok());
      CHECK(std::filesystem::exists(file.value()->temp_path()));
      CHECK(file.value()->temp_path().rfind(target + ".tmp-", 0) == 0);
    }
    CHECK(CountFiles(dir.path()) == 0);
  }
  SECTION("an existing target is replaced only when asked") {
    WriteFile(target, "old");
    auto kept = io::WriteFileAtomically(target, "new", {.mode = 0600, .replace = false});
    CHECK(kept.code() == tombstones::ExitCode::kUsage);
    CHECK(ReadFile(target) == "old");
    CHECK(CountFiles(dir.path()) == 1);
    REQUIRE(io::WriteFileAtomically(target, "new", {.mode = 0600, .replace = true}).ok());
    CHECK(ReadFile(target) == "new");
  }
  SECTION("a symlink at the target is replaced, its destination never written") {
    const std::string victim = dir / "victim";
    WriteFile(victim, "precious");
    REQUIRE(::symlink(victim.c_str(), target.c_str()) == 0);
    REQUIRE(io::WriteFileAtomically(target, "new", {.mode = 0600, .replace = true}).ok());
    CHECK(ReadFile(victim) == "precious");
    CHECK(ReadFile(target) == "new");
    CHECK_FALSE(std::filesystem::is_symlink(target));
  }
  SECTION("a directory that does not exist is a usage error naming the target") {
    auto s = io::WriteFileAtomically(dir / "no/such/out.json", "x", {});
    CHECK(s.code() == tombstones::ExitCode::kUsage);
    CHECK_THAT(s.message(), Catch::StartsWith("unable to create '" + (dir / "no/such/out.json")));
  }
}

TEST_CASE("a directory is replaced whole, the old one put back when the new cannot go", "[io]") {
  TempDir dir;
  namespace fs = std::filesystem;
  const std::string target = dir / "store", fresh = dir / "store.import-1",
                    aside = dir / "store.replaced-1";
  fs::create_directories(fresh);
  WriteFile(fresh + "/CURRENT", "new");

  SECTION("no target yet: the fresh directory takes its name") {
    REQUIRE(io::ReplaceDirectory(fresh, target, aside).ok());
    CHECK(ReadFile(target + "/CURRENT") == "new");
    CHECK_FALSE(fs::exists(fresh));
    CHECK_FALSE(fs::exists(aside));
  }
  SECTION("an existing target is replaced and the old copy removed") {
    fs::create_directories(target);
    WriteFile(target + "/CURRENT", "old");
    REQUIRE(io::ReplaceDirectory(fresh, target, aside).ok());
    CHECK(ReadFile(target + "/CURRENT") == "new");
    CHECK_FALSE(fs::exists(aside));
    CHECK(CountFiles(dir.path()) == 1);
  }
  SECTION("a target named with a trailing slash is the same directory") {
    fs::create_directories(target);
    WriteFile(target + "/CURRENT", "old");
    REQUIRE(io::ReplaceDirectory(fresh, target + "/", aside).ok());
    CHECK(ReadFile(target + "/CURRENT") == "new");
    CHECK_FALSE(fs::exists(aside));
    CHECK(CountFiles(dir.path()) == 1);
  }
  SECTION("a fresh directory that cannot be placed leaves the old one in place") {
    fs::create_directories(target);
    WriteFile(target + "/CURRENT", "old");
    const tombstones::Status s = io::ReplaceDirectory(dir / "missing", target, aside);
    CHECK(s.code() == tombstones::ExitCode::kFailed);
    CHECK_THAT(s.message(), Catch::Contains("unable to place"));
    CHECK(ReadFile(target + "/CURRENT") == "old");
    CHECK_FALSE(fs::exists(aside));
  }
}

}  // namespace
}  // namespace tombstone::testing

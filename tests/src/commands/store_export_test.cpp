// tombstone store export / store import: round trip, corrupt and truncated files, no overwrite.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

namespace fs = std::filesystem;

void Populate(const StoreFixture& f) {
  REQUIRE(f.Run({"add", "--request", "REQ-1", "--ids-from", "-", "--erased-at", "2026-02-01"},
                "email:one@example.com\n").code == 0);
  REQUIRE(f.Run({"add", "--request", "REQ-2", "--ids-from", "-", "--hold", "audit"},
                "user_id:2\n").code == 0);
  REQUIRE(f.Run({"backups", "add", "--id", "jan", "--taken-at", "2026-01-15"}).code == 0);
}

RunResult In(const StoreFixture& f, const std::string& store, std::vector<std::string> args) {
  std::vector<std::string> all = {"--store", store, "--key-file", f.key};
  all.insert(all.end(), args.begin(), args.end());
  return Run(all);
}

TEST_CASE("store export and import round-trip the whole store", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  Populate(f);
  const std::string file = dir / "store.tse";
  const RunResult exported = f.Run({"store", "export", file});
  REQUIRE(exported.code == 0);
  CHECK(exported.out.rfind("exported store to '" + file + "': ", 0) == 0);
  CHECK(ReadFile(file).rfind("tombstone-store-export 1 ", 0) == 0);
  // No scratch directory is left next to the file.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) entries += e.path().filename().string()[0] == '.';
  CHECK(entries == 0);

  const std::string copy = dir / "restored";
  const RunResult imported = In(f, copy, {"store", "import", file});
  REQUIRE(imported.code == 0);
  CHECK(imported.out.find("checksum verified") != std::string::npos);
  CHECK(In(f, copy, {"list"}).out == f.Run({"list"}).out);
  CHECK(In(f, copy, {"backups", "list"}).out == f.Run({"backups", "list"}).out);
  CHECK(In(f, copy, {"receipts", "verify"}).code == 0);
  SECTION("an existing file is not overwritten without --force") {
    const RunResult again = f.Run({"store", "export", file});
    CHECK(again.code == 2);
    CHECK(again.err.rfind("tombstone: unable to export store to '" + file + "': the file exists\n", 0) == 0);
    CHECK(f.Run({"store", "export", file, "--force"}).code == 0);
  }
  SECTION("an existing store is not replaced without --force") {
    REQUIRE(f.Run({"add", "--request", "REQ-9", "--ids-from", "-"}, "user_id:9\n").code == 0);
    const RunResult refused = f.Run({"store", "import", file});
    CHECK(refused.code == 2);
    CHECK(refused.err.rfind("tombstone: unable to import store into '" + f.store +
                            "': it is not empty\n", 0) == 0);
    CHECK(f.Run({"show", "REQ-9"}).code == 0);
    const RunResult forced = f.Run({"store", "import", file, "--force"});
    REQUIRE(forced.code == 0);
    CHECK(f.Run({"show", "REQ-9"}).code == 1);  // the export predates it
    CHECK(f.Run({"show", "REQ-1"}).code == 0);
    for (const auto& e : fs::directory_iterator(dir.path()))
      CHECK(e.path().filename().string().find("replaced") == std::string::npos);
  }
  SECTION("--store given with a trailing slash names the same store") {
    REQUIRE(f.Run({"add", "--request", "REQ-9", "--ids-from", "-"}, "user_id:9\n").code == 0);
    const RunResult forced = In(f, f.store + "/", {"store", "import", file, "--force"});
    INFO(forced.err);
    REQUIRE(forced.code == 0);
    CHECK(f.Run({"show", "REQ-9"}).code == 1);
    CHECK(f.Run({"show", "REQ-1"}).code == 0);
    for (const auto& e : fs::directory_iterator(dir.path()))
      CHECK(e.path().filename().string().find("replaced") == std::string::npos);
  }
}

TEST_CASE("store import refuses corrupt and truncated files and creates nothing", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  Populate(f);
  const std::string file = dir / "store.tse";
  REQUIRE(f.Run({"store", "export", file}).code == 0);
  const std::string content = ReadFile(file);
  const std::string target = dir / "restored";
  const auto entries = [&] {
    int n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++n;
    return n;
  };
  const int before = entries();
  SECTION("truncated") {
    WriteFile(dir / "cut.tse", content.substr(0, content.size() / 2));
    const RunResult r = In(f, target, {"store", "import", dir / "cut.tse"});
    CHECK(r.code == 4);
    CHECK(r.err.find("unable to import store export '" + (dir / "cut.tse") +
                     "': the file is truncated") != std::string::npos);
    CHECK(entries() == before + 1);  // only cut.tse
    CHECK_FALSE(fs::exists(target));
  }
  SECTION("one flipped byte") {
    std::string flipped = content;
    flipped[content.size() / 2] ^= 0x01;
    WriteFile(dir / "flipped.tse", flipped);
    const RunResult r = In(f, target, {"store", "import", dir / "flipped.tse"});
    CHECK(r.code == 4);
    CHECK(r.err.find("checksum mismatch: the file was changed or damaged") != std::string::npos);
    CHECK_FALSE(fs::exists(target));
  }
  SECTION("not an export at all") {
    WriteFile(dir / "other.tse", "hello\n");
    const RunResult r = In(f, target, {"store", "import", dir / "other.tse"});
    CHECK(r.code == 4);
    CHECK(r.err.find("not a tombstone store export") != std::string::npos);
  }
  SECTION("a newer format") {
    std::string newer = content;
    newer[std::string("tombstone-store-export ").size()] = '9';
    WriteFile(dir / "newer.tse", newer);
    const RunResult r = In(f, target, {"store", "import", dir / "newer.tse"});
    CHECK(r.code == 4);
    CHECK(r.err.find("export format 9 is not supported by this version (format 1)") !=
          std::string::npos);
  }
  SECTION("a missing file") {
    CHECK(In(f, target, {"store", "import", dir / "none.tse"}).code == 2);
  }
}

}  // namespace
}  // namespace tombstone::testing

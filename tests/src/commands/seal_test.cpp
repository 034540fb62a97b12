// Sealed mode from the command line (issue 20): init --sealed, seal enable/disable/status, add
// and import with the sealing key, store check and store export/import with sealed records.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {
namespace {

// A sealed store: 'init --generate-key --sealed --generate-sealing-key'.
struct SealedFixture {
  explicit SealedFixture(const TempDir& dir)
      : store(dir / "store"), key(dir / "key"), sealing_key(dir / "sealing.key") {
    const RunResult r = testing::Run({"--store", store, "--key-file", key, "--sealing-key-file",
                                      sealing_key, "init", "--generate-key", "--sealed",
                                      "--generate-sealing-key"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("sealed mode is on"));
  }
  // Without the sealing key.
  RunResult Run(std::vector<std::string> args, const std::string& input = "") const {
    std::vector<std::string> all{"--store", store, "--key-file", key, "--lock-timeout", "0"};
    all.insert(all.end(), args.begin(), args.end());
    return testing::Run(all, input);
  }
  RunResult Sealed(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--sealing-key-file", sealing_key});
    return Run(args, input);
  }
  std::string store, key, sealing_key;
};

std::unique_ptr<tombstones::Store> OpenRead(const std::string& dir) {
  tombstones::Store::Options options;
  options.dir = dir;
  auto store = tombstones::Store::Open(options);
  REQUIRE(store.ok());
  return std::move(store.value());
}

// The sealed identifiers of the store at `dir`, opened with the key in `sealing_key_file`.
std::set<std::string> OpenedValues(const std::string& dir, const std::string& sealing_key_file) {
  auto key = tombstones::SealingKey::Load(sealing_key_file);
  REQUIRE(key.ok());
  auto opened = OpenRead(dir)->OpenSealed(key.value());
  INFO(opened.status().message());
  REQUIRE(opened.ok());
  std::set<std::string> values;
  for (const auto& e : opened->entries()) values.insert(std::string(opened->Value(e)));
  return values;
}

std::string AllBytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) all += ReadFile(entry.path().string());
  return all;
}

}  // namespace

TEST_CASE("a sealed store needs the sealing key to record anything", "[sealed]") {
  TempDir dir;
  SealedFixture f(dir);
  struct stat st {};
  REQUIRE(::stat(f.sealing_key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  SECTION("add without it: exit 2 with a hint, nothing recorded") {
    const RunResult r = f.Run({"add", "--request", "R1", "--ids-from", "-"}, "email:a@example.com\n");
    CHECK(r.code == 2);
    CHECK(r.err == "tombstone: unable to record identifiers in store '" + f.store +
                       "': it is in sealed mode and no sealing key file was given\n"
                       "HINT: pass --sealing-key-file FILE or set TOMBSTONE_SEALING_KEY_FILE; to "
                       "return to hash-only, run 'tombstone seal disable' (docs/security.md)\n");
    CHECK(f.Run({"list"}).out.find("0 tombstones") != std::string::npos);
    const RunResult imported = f.Run({"import", "-"}, "request,kind,value,erased_at\nR2,email,b@example.com,2026-01-01\n");
    CHECK(imported.code == 2);
    CHECK(f.Run({"show", "R2"}).code == 1);
  }
  SECTION("add and import with it: sealed, complete coverage, the values open") {
    REQUIRE(f.Sealed({"add", "--request", "R1", "--ids-from", "-"}, "email:A@Example.com \nuser_id:42\n").code == 0);
    const RunResult imported = f.Sealed(
        {"import", "-"}, "request,kind,value,erased_at\nR2,email,b@example.com,2026-01-01\n");
    INFO(imported.err);
    REQUIRE(imported.code == 0);
    CHECK(OpenedValues(f.store, f.sealing_key) ==
          std::set<std::string>{"a@example.com", "42", "b@example.com"});
    const RunResult status = f.Run({"seal", "status"});
    REQUIRE(status.code == 0);
    CHECK_THAT(status.out, Catch::StartsWith("sealed mode: on, sealing key fingerprint "));
    CHECK_THAT(status.out, Catch::Contains("email                               2            2  complete\n"));
    CHECK_THAT(status.out, Catch::Contains("user_id                             1            1  complete\n"));
    const RunResult check = f.Sealed({"store", "check"});
    REQUIRE(check.code == 0);
    CHECK_THAT(check.out, Catch::Contains("sealed mode: 3 sealed identifiers, each belonging to a "
                                          "tombstone, as many as recorded; each one opened with "
                                          "the sealing key (authenticated)\n"));
    CHECK_THAT(f.Run({"store", "check"}).out, Catch::Contains("not authenticated"));
    // Never in the clear in the store's files.
    const std::string all = AllBytes(f.store);
    REQUIRE(all.find("R2") != std::string::npos);
    CHECK(all.find("a@example.com") == std::string::npos);
    CHECK(all.find("b@example.com") == std::string::npos);
  }
  SECTION("the environment variable names it too") {
    ::setenv("TOMBSTONE_SEALING_KEY_FILE", f.sealing_key.c_str(), 1);
    const RunResult r = f.Run({"add", "--request", "R1", "--id", "email:a@example.com"});
    ::unsetenv("TOMBSTONE_SEALING_KEY_FILE");
    CHECK(r.code == 0);
    CHECK(OpenedValues(f.store, f.sealing_key) == std::set<std::string>{"a@example.com"});
  }
}

TEST_CASE("a wrong, unsafe or doubled sealing key is refused", "[sealed]") {
  TempDir dir;
  SealedFixture f(dir);
  SECTION("another sealing key: exit 4") {
    REQUIRE(tombstones::SealingKey::Generate(dir / "other.key").ok());
    const RunResult r = f.Run({"--sealing-key-file", dir / "other.key", "add", "--request", "R1",
                               "--id", "email:a@example.com"});
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("the sealing key does not match the sealing key the store "
                                      "was sealed with"));
    CHECK(f.Run({"show", "R1"}).code == 1);
  }
  SECTION("a sealing key file readable by others: exit 4") {
    REQUIRE(::chmod(f.sealing_key.c_str(), 0644) == 0);
    const RunResult r = f.Sealed({"add", "--request", "R1", "--id", "email:a@example.com"});
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::StartsWith("tombstone: unable to use sealing key file '" +
                                        f.sealing_key +
                                        "': it is readable by group or others (mode 0644)\n"));
  }
  SECTION("the hashing key's own file as the sealing key: exit 2") {
    const RunResult r = testing::Run({"--store", dir / "other", "--key-file", f.key,
                                      "--sealing-key-file", f.key, "init", "--sealed"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("it is the key file itself"));
    CHECK_FALSE(std::filesystem::exists(dir / "other"));
  }
  SECTION("--sealed without a sealing key file: exit 2") {
    const RunResult r = testing::Run({"--store", dir / "other", "--key-file", f.key, "init", "--sealed"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--sealed needs a sealing key file"));
  }
}

TEST_CASE("seal enable on an existing store, seal disable purges", "[sealed]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "OLD", "--id", "email:old@example.com"}).code == 0);
  CHECK(f.Run({"seal", "status"}).out == "sealed mode: off (the store keeps keyed hashes only)\n");
  const std::string sealing = dir / "sealing.key";
  const RunResult enabled = f.Run({"--sealing-key-file", sealing, "seal", "enable",
                                   "--generate-sealing-key"});
  INFO(enabled.err);
  REQUIRE(enabled.code == 0);
  CHECK_THAT(enabled.out, Catch::Contains("1 identifier hash recorded before have no sealed identifier"));
  CHECK(f.Run({"--sealing-key-file", sealing, "seal", "enable"}).code == 2);  // already on
  const std::string status = f.Run({"seal", "status"}).out;
  CHECK_THAT(status, Catch::Contains("partial"));
  // info says so too, with the fingerprint seal status shows (the key itself never).
  const std::string marker = "sealing key fingerprint ";
  REQUIRE(status.find(marker) != std::string::npos);
  const std::string fingerprint = status.substr(status.find(marker) + marker.size(), 16);
  CHECK_THAT(f.Run({"info"}).out, Catch::Contains("sealed mode:   on, sealing key " + fingerprint + "\n"));
  const nlohmann::json info = nlohmann::json::parse(f.Run({"info", "--format", "json"}).out);
  CHECK(info["store"]["sealing_key_fingerprint"].get<std::string>().rfind(fingerprint, 0) == 0);
  const std::string key_hex = ReadFile(sealing).substr(0, 64);  // the key file: 64 hex digits
  CHECK(f.Run({"info"}).out.find(key_hex) == std::string::npos);
  CHECK(f.Run({"info", "--format", "json"}).out.find(key_hex) == std::string::npos);

  // Added again with the key, the old request gets its sealed identifier.
  const RunResult again = f.Run({"--sealing-key-file", sealing, "add", "--request", "OLD", "--id",
                                 "email:old@example.com"});
  REQUIRE(again.code == 0);
  CHECK(again.out == "tombstone 'OLD' is already recorded; its sealed identifiers are stored\n");
  REQUIRE(f.Run({"--sealing-key-file", sealing, "add", "--request", "NEW", "--id",
                 "email:new@example.com"}).code == 0);
  CHECK(OpenedValues(f.store, sealing) == std::set<std::string>{"old@example.com", "new@example.com"});
  CHECK_THAT(f.Run({"seal", "status"}).out, Catch::Contains("complete"));

  SECTION("retract removes the tombstone's sealed identifier") {
    REQUIRE(f.Run({"retract", "NEW", "--reason", "test"}).code == 0);
    CHECK(OpenedValues(f.store, sealing) == std::set<std::string>{"old@example.com"});
    CHECK(f.Run({"--sealing-key-file", sealing, "store", "check"}).code == 0);
  }
  SECTION("store export and import carry the sealed identifiers") {
    const std::string file = dir / "store.tse";
    REQUIRE(f.Run({"store", "export", file}).code == 0);
    const std::string copy = dir / "copy";
    const RunResult imported =
        testing::Run({"--store", copy, "--key-file", f.key, "store", "import", file});
    INFO(imported.err);
    REQUIRE(imported.code == 0);
    CHECK(OpenedValues(copy, sealing) == std::set<std::string>{"old@example.com", "new@example.com"});
    CHECK(testing::Run({"--store", copy, "--key-file", f.key, "--sealing-key-file", sealing,
                        "store", "check"}).code == 0);
  }
  SECTION("seal disable deletes them all and compacts; hash-only again") {
    const RunResult disabled = f.Run({"seal", "disable"});
    INFO(disabled.err);
    REQUIRE(disabled.code == 0);
    CHECK_THAT(disabled.out, Catch::StartsWith("sealed mode is off in store '" + f.store +
                                               "': 2 sealed identifiers deleted and the store "
                                               "compacted"));
    CHECK(f.Run({"seal", "status"}).out == "sealed mode: off (the store keeps keyed hashes only)\n");
    CHECK_THAT(f.Run({"info"}).out, Catch::Contains("sealed mode:   off (keyed hashes only)\n"));
    CHECK(f.Run({"seal", "disable"}).out == "sealed mode is off in store '" + f.store +
                                                "'; nothing changed\n");
    CHECK(f.Run({"add", "--request", "AFTER", "--id", "email:after@example.com"}).code == 0);
    CHECK(f.Run({"store", "check"}).code == 0);
  }
}

}  // namespace tombstone::testing

// The keyed hash and the key file. The pinned values below are also in docs/store-format.md:
// the format is forever, so a change here is a format break, not a test to update.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

using tombstone::testing::TempDir;
using tombstones::ExitCode;
using tombstones::Key;

namespace {

Key DocumentedKey() {
  std::array<unsigned char, 32> bytes{};
  for (int i = 0; i < 32; ++i) bytes[i] = static_cast<unsigned char>(i);  // 00 01 02 ... 1f
  return Key::FromBytes(bytes);
}

}  // namespace

TEST_CASE("a documented key and value give the documented digest", "[store]") {
  const Key key = DocumentedKey();
  CHECK(key.HashIdentifier("email", "alice@example.com").Hex() ==
        "ee533ede784b9d95d35500b350e28b3d");
  CHECK(key.Fingerprint() == "984eb8cc7c59647305b4901df790cb901345385f6a7567ed9e07d49e8ac08c03");
  CHECK(key.Pseudonym({}, "x") == "tsp13e1f8b3c3708ce4ee4a860c390f50618");
  CHECK(key.Pseudonym("email", "alice@example.com") == "tsp19df71e064948965525afa5f8a8da7f78");
  // The prepared per-kind hasher used by the scan gives the same digest.
  CHECK(key.ForKind("email").Hash("alice@example.com") == key.HashIdentifier("email", "alice@example.com"));
  // The kind is part of the input: the same value under another kind is another subject.
  CHECK(key.HashIdentifier("user_id", "alice@example.com") != key.HashIdentifier("email", "alice@example.com"));
  CHECK(key.HashIdentifier("email", "alice@example.com").Prefix() == "ee533ede784b");
}

TEST_CASE("key files are generated 0600, loaded back, and refused when unsafe", "[store]") {
  TempDir dir;
  const std::string path = dir / "key";
  auto generated = Key::Generate(path);
  REQUIRE(generated.ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(tombstone::testing::ReadFile(path).size() == 65);  // 64 hex digits and a newline

  SECTION("loading gives the same key") {
    auto loaded = Key::Load(path);
    REQUIRE(loaded.ok());
    CHECK(loaded->Fingerprint() == generated->Fingerprint());
  }
  SECTION("an existing file is never overwritten") {
    auto again = Key::Generate(path);
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().code() == ExitCode::kStoreError);
  }
  SECTION("readable by group or others is refused") {
    for (mode_t mode : {0640, 0604, 0644}) {
      REQUIRE(::chmod(path.c_str(), mode) == 0);
      auto loaded = Key::Load(path);
      REQUIRE_FALSE(loaded.ok());
      CHECK(loaded.status().code() == ExitCode::kStoreError);
      CHECK_THAT(loaded.status().message(), Catch::Contains("unable to use key file"));
      CHECK_THAT(loaded.status().hint(), Catch::Contains("chmod 600"));
    }
  }
  SECTION("a file that is not 64 hex digits is refused") {
    tombstone::testing::WriteFile(path, "not a key\n");
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    auto loaded = Key::Load(path);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == ExitCode::kStoreError);
  }
  SECTION("a missing file is refused") {
    auto loaded = Key::Load(dir / "missing");
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == ExitCode::kStoreError);
  }
}

TEST_CASE("a pseudonym is recognized only when this key made it", "[store]") {
  const Key key = DocumentedKey();
  std::array<unsigned char, 32> other_bytes{};
  other_bytes.fill(0x5a);
  const Key other = Key::FromBytes(other_bytes);
  const std::string p = key.Pseudonym("email", "alice@example.com");
  CHECK(p.size() == Key::kPseudonymLength);
  CHECK(key.IsPseudonym(p));
  // The kind is part of the input: the same text under another kind is another pseudonym.
  CHECK(key.Pseudonym("user_id", "alice@example.com") != p);
  CHECK(key.Pseudonym({}, "alice@example.com") != p);
  struct Case {
    const char* name;
    std::string text;
  };
  std::string tampered = p;
  tampered[10] = tampered[10] == 'a' ? 'b' : 'a';
  std::string upper = p;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::vector<Case> lookalikes = {
      {"an md5 of the address (a Gravatar hash)", "c160f8cc69a4f0bf2b0362752353d060"},
      {"the old 32-hex form", key.Pseudonym({}, "x").substr(4)},
      {"another key's pseudonym", other.Pseudonym("email", "alice@example.com")},
      {"one digit changed", tampered},
      {"upper case", upper},
      {"too short", p.substr(0, 35)},
      {"too long", p + "0"},
      {"not hex", "tsp1" + std::string(32, 'g')},
      {"empty", ""},
  };
  for (const Case& c : lookalikes) {
    INFO(c.name);
    CHECK_FALSE(key.IsPseudonym(c.text));
  }
}

// Issue 15, finding 9: the key file is checked on the open descriptor, never through a link,
// and must belong to the user running tombstone (or root).
TEST_CASE("key files that someone else could swap or read are refused", "[store]") {
  TempDir dir;
  const std::string path = dir / "key";
  REQUIRE(Key::Generate(path).ok());

  SECTION("a symbolic link to a good key file is refused, not followed") {
    const std::string link = dir / "link";
    REQUIRE(::symlink(path.c_str(), link.c_str()) == 0);
    auto loaded = Key::Load(link);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == ExitCode::kStoreError);
    CHECK(loaded.status().message() == "unable to use key file '" + link +
                                           "': it is a symbolic link");
  }
  SECTION("a file owned by another user is refused") {
    if (::geteuid() != 0) {
      WARN("not root: cannot give the key file to another user");
      return;
    }
    REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);  // nobody
    auto loaded = Key::Load(path);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == ExitCode::kStoreError);
    CHECK(loaded.status().message() == "unable to use key file '" + path +
                                           "': it belongs to another user (uid 65534)");
  }
  SECTION("a FIFO is refused without waiting for a writer") {
    const std::string fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto loaded = Key::Load(fifo);
    REQUIRE_FALSE(loaded.ok());
    CHECK_THAT(loaded.status().message(), Catch::EndsWith("not a regular file"));
  }
  SECTION("a file longer than a key is refused") {
    tombstone::testing::WriteFile(path, std::string(64, 'a') + "\n" + std::string(4096, 'b'));
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
    auto loaded = Key::Load(path);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.status().code() == ExitCode::kStoreError);
  }
  SECTION("generating through a symlink planted at the path is refused") {
    const std::string victim = dir / "victim";
    tombstone::testing::WriteFile(victim, "precious");
    const std::string planted = dir / "planted";
    REQUIRE(::symlink(victim.c_str(), planted.c_str()) == 0);
    CHECK_FALSE(Key::Generate(planted).ok());
    const std::string dangling = dir / "dangling";
    REQUIRE(::symlink((dir / "nowhere").c_str(), dangling.c_str()) == 0);
    CHECK_FALSE(Key::Generate(dangling).ok());
    CHECK_FALSE(std::ifstream(dir / "nowhere").good());
    CHECK(tombstone::testing::ReadFile(victim) == "precious");
  }
}

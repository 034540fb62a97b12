// Sealed mode (issue 20): identifiers kept encrypted under a second key, off by default,
// authenticated when opened, removed with their tombstone, and purged without trace.
#include <catch2/catch.hpp>
#include <rocksdb/db.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

using tombstone::testing::ReadFile;
using tombstone::testing::TempDir;
using tombstones::ExitCode;
using tombstones::Hash128;
using tombstones::Key;
using tombstones::Normalizer;
using tombstones::SealedIdentifiers;
using tombstones::SealingKey;
using tombstones::Store;
using tombstones::Tombstone;

namespace {

std::array<unsigned char, 32> Bytes(unsigned char seed) {
  std::array<unsigned char, 32> bytes{};
  bytes.fill(seed);
  return bytes;
}

// A tombstone of normalized emails; sealed with `sealing` when given.
Tombstone Make(const Key& key, const SealingKey* sealing, const std::string& request,
               const std::vector<std::string>& emails) {
  Tombstone t;
  t.request_id = request;
  t.erased_at = 1'700'000'000'000'000;
  for (const std::string& email : emails) {
    tombstones::IdentifierHash id{"email", Normalizer::kEmail, key.HashIdentifier("email", email),
                                  {}};
    if (sealing != nullptr) id.sealed = sealing->Seal(id.kind, id.hash, email);
    t.identifiers.push_back(std::move(id));
  }
  return t;
}

Store::Options Options(const std::string& dir, Store::Mode mode, const Key* key,
                       const SealingKey* sealing) {
  Store::Options options;
  options.dir = dir;
  options.mode = mode;
  options.key = key;
  options.sealing_key = sealing;
  return options;
}

std::unique_ptr<Store> Open(const std::string& dir, Store::Mode mode, const Key* key,
                            const SealingKey* sealing) {
  auto store = Store::Open(Options(dir, mode, key, sealing));
  REQUIRE(store.ok());
  return std::move(store.value());
}

// Every byte of every file of the store directory.
std::string AllBytes(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) all += ReadFile(entry.path().string());
  return all;
}

// The sealed records as RocksDB holds them (key -> value), read behind the library's back.
std::map<std::string, std::string> RawSealed(const std::string& dir) {
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<std::string, std::string> records;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek("e/"); it->Valid() && it->key().starts_with("e/"); it->Next())
    records.emplace(it->key().ToString(), it->value().ToString());
  return records;
}

void RawWrite(const std::string& dir, const std::function<void(rocksdb::DB&)>& change) {
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::Options(), dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  change(*db);
}

struct SealedStore {
  TempDir dir;
  const Key key = Key::FromBytes(Bytes(1));
  const SealingKey sealing = SealingKey::FromBytes(Bytes(2));
  const std::string path = dir / "store";
  SealedStore() { REQUIRE(Store::Create(path, key, &sealing).ok()); }
  std::unique_ptr<Store> Writer() { return Open(path, Store::Mode::kWrite, &key, &sealing); }
  std::unique_ptr<Store> Reader() { return Open(path, Store::Mode::kRead, nullptr, nullptr); }
};

}  // namespace

TEST_CASE("a sealed identifier opens only with its key, for its kind and hash, unchanged",
          "[sealed]") {
  const Key key = Key::FromBytes(Bytes(1));
  const SealingKey sealing = SealingKey::FromBytes(Bytes(2));
  const Hash128 hash = key.HashIdentifier("email", "alice@example.com");
  const std::string sealed = sealing.Seal("email", hash, "alice@example.com");
  CHECK(sealed.size() == std::string("alice@example.com").size() + 40);
  CHECK(sealed.find("alice") == std::string::npos);
  std::string opened = "stale";
  REQUIRE(sealing.Open("email", hash, sealed, &opened));
  CHECK(opened == "alice@example.com");

  SECTION("a random nonce per record: the same value seals differently every time") {
    CHECK(sealing.Seal("email", hash, "alice@example.com") != sealed);
  }
  SECTION("another sealing key does not open it") {
    CHECK_FALSE(SealingKey::FromBytes(Bytes(3)).Open("email", hash, sealed, &opened));
    CHECK(opened.empty());
  }
  SECTION("moved to another kind or hash, it does not open (the additional data binds it)") {
    CHECK_FALSE(sealing.Open("user_id", hash, sealed, &opened));
    CHECK_FALSE(sealing.Open("email", key.HashIdentifier("email", "bob@example.com"), sealed,
                             &opened));
  }
  SECTION("any changed byte is refused") {
    for (std::size_t i = 0; i < sealed.size(); i += 7) {
      std::string tampered = sealed;
      tampered[i] = static_cast<char>(tampered[i] ^ 1);
      CHECK_FALSE(sealing.Open("email", hash, tampered, &opened));
    }
    CHECK_FALSE(sealing.Open("email", hash, sealed.substr(0, 39), &opened));
  }
  SECTION("its fingerprint is not the hashing key's, even from the same 32 bytes") {
    CHECK(SealingKey::FromBytes(Bytes(1)).Fingerprint() != key.Fingerprint());
    CHECK(sealing.Fingerprint().size() == 64);
  }
}

TEST_CASE("sealing key files are checked as the key file is", "[sealed]") {
  TempDir dir;
  const std::string path = dir / "sealing.key";
  auto generated = SealingKey::Generate(path);
  REQUIRE(generated.ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto loaded = SealingKey::Load(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->Fingerprint() == generated->Fingerprint());

  SECTION("a second generate never overwrites it") {
    auto again = SealingKey::Generate(path);
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().code() == ExitCode::kStoreError);
  }
  SECTION("mode 0644 is refused") {
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    auto refused = SealingKey::Load(path);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == ExitCode::kStoreError);
    CHECK(refused.status().message() == "unable to use sealing key file '" + path +
                                            "': it is readable by group or others (mode 0644)");
    CHECK(refused.status().hint() == "chmod 600 '" + path + "'");
  }
  SECTION("a symbolic link is refused, not followed") {
    const std::string link = dir / "link.key";
    REQUIRE(::symlink(path.c_str(), link.c_str()) == 0);
    auto refused = SealingKey::Load(link);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message() ==
          "unable to use sealing key file '" + link + "': it is a symbolic link");
    CHECK(refused.status().hint() == "point --sealing-key-file at the sealing key file itself");
  }
  SECTION("a missing file says how to make one") {
    auto missing = SealingKey::Load(dir / "none.key");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().hint() ==
          "create one with 'tombstone seal enable --generate-sealing-key'");
  }
}

TEST_CASE("sealed identifiers round trip: each opened, its hash recomputable, coverage per kind",
          "[sealed]") {
  SealedStore s;
  {
    auto w = s.Writer();
    REQUIRE(w->Add({Make(s.key, &s.sealing, "r1", {"alice@example.com", "al@example.org"}),
                    Make(s.key, &s.sealing, "r2", {"bob@example.com"}),
                    // the same subject erased twice: one entry
                    Make(s.key, &s.sealing, "r3", {"alice@example.com"})})
                .ok());
  }
  auto reader = s.Reader();
  auto opened = reader->OpenSealed(s.sealing);
  REQUIRE(opened.ok());
  REQUIRE(opened->kinds().size() == 1);
  CHECK(opened->kinds()[0].name == "email");
  CHECK(opened->kinds()[0].normalizer == Normalizer::kEmail);
  CHECK(opened->kinds()[0].hashes == 3);
  CHECK(opened->kinds()[0].sealed == 3);
  CHECK(opened->kinds()[0].complete());
  std::set<std::string> values;
  for (const SealedIdentifiers::Entry& e : opened->entries()) {
    CHECK(s.key.HashIdentifier("email", opened->Value(e)) == e.hash);
    values.insert(std::string(opened->Value(e)));
  }
  CHECK(values == std::set<std::string>{"alice@example.com", "al@example.org", "bob@example.com"});
  CHECK(RawSealed(s.path).size() == 4);  // one record per (kind, hash, request)

  auto check = reader->VerifyIntegrity(&s.sealing);
  REQUIRE(check.ok());
  CHECK(check->sealed_mode);
  CHECK(check->sealed == 4);
  CHECK(check->sealed_authenticated);

  SECTION("retracting a tombstone removes its sealed records in the same write") {
    reader.reset();
    {
      auto w = s.Writer();
      REQUIRE(w->Retract("r1", "test request", tombstones::Actor::Current()).ok());
    }
    auto after = s.Reader()->OpenSealed(s.sealing);
    REQUIRE(after.ok());
    values.clear();
    for (const auto& e : after->entries()) values.insert(std::string(after->Value(e)));
    CHECK(values == std::set<std::string>{"alice@example.com", "bob@example.com"});  // r3 keeps alice
    CHECK(RawSealed(s.path).size() == 2);
    CHECK(s.Reader()->VerifyIntegrity(&s.sealing).ok());
  }
}

TEST_CASE("sealed mode is off by default: nothing sealed is written", "[sealed]") {
  TempDir dir;
  const Key key = Key::FromBytes(Bytes(1));
  const SealingKey sealing = SealingKey::FromBytes(Bytes(2));
  const std::string path = dir / "store";
  REQUIRE(Store::Create(path, key).ok());
  {
    // Even given sealed forms (and a sealing key), a store not in sealed mode ignores them.
    auto w = Open(path, Store::Mode::kWrite, &key, &sealing);
    auto mode = w->SealingFingerprint();
    REQUIRE(mode.ok());
    CHECK_FALSE(mode.value().has_value());
    REQUIRE(w->Add({Make(key, &sealing, "r1", {"alice@example.com"})}).ok());
  }
  CHECK(RawSealed(path).empty());
  auto reader = Open(path, Store::Mode::kRead, nullptr, nullptr);
  auto opened = reader->OpenSealed(sealing);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == ExitCode::kUsage);
  auto check = reader->VerifyIntegrity(&sealing);
  REQUIRE(check.ok());
  CHECK_FALSE(check->sealed_mode);
}

TEST_CASE("in sealed mode nothing is recorded without its sealed form", "[sealed]") {
  SealedStore s;
  SECTION("a writer without the sealing key") {
    auto w = Open(s.path, Store::Mode::kWrite, &s.key, nullptr);
    auto added = w->Add({Make(s.key, &s.sealing, "r1", {"alice@example.com"})});
    REQUIRE_FALSE(added.ok());
    CHECK(added.status().code() == ExitCode::kUsage);
    CHECK(added.status().message() == "unable to add tombstones to store '" + s.path +
                                          "': it keeps sealed identifiers and no sealing key was "
                                          "given");
  }
  SECTION("an identifier without its sealed form") {
    auto w = s.Writer();
    Tombstone t = Make(s.key, &s.sealing, "r1", {"alice@example.com", "bob@example.com"});
    t.identifiers[1].sealed.clear();
    auto added = w->Add({t});
    REQUIRE_FALSE(added.ok());
    CHECK(added.status().code() == ExitCode::kUsage);
    CHECK_THAT(added.status().message(), Catch::Contains("was not sealed"));
  }
  SECTION("a sealed form of another value than the hash's") {
    auto w = s.Writer();
    Tombstone t = Make(s.key, &s.sealing, "r1", {"alice@example.com"});
    t.identifiers[0].sealed = s.sealing.Seal("email", t.identifiers[0].hash, "mallory@example.com");
    auto added = w->Add({t});
    REQUIRE_FALSE(added.ok());
    CHECK_THAT(added.status().message(), Catch::Contains("not the value its hash was made from"));
  }
  SECTION("a sealed form made with another sealing key") {
    auto w = s.Writer();
    const SealingKey other = SealingKey::FromBytes(Bytes(9));
    auto added = w->Add({Make(s.key, &other, "r1", {"alice@example.com"})});
    REQUIRE_FALSE(added.ok());
    CHECK_THAT(added.status().message(), Catch::Contains("does not open with the store's sealing key"));
  }
  auto reader = s.Reader();
  std::size_t n = 0;
  REQUIRE(reader->ForEach([&](const Tombstone&) { return ++n, true; }).ok());
  CHECK(n == 0);
  CHECK(RawSealed(s.path).empty());
}

TEST_CASE("a wrong sealing key is refused, never used", "[sealed]") {
  SealedStore s;
  const SealingKey other = SealingKey::FromBytes(Bytes(3));
  auto refused = Store::Open(Options(s.path, Store::Mode::kWrite, &s.key, &other));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == ExitCode::kStoreError);
  CHECK(refused.status().message() ==
        "unable to open store '" + s.path +
            "': the sealing key does not match the sealing key the store was sealed with");
  auto opened = s.Reader()->OpenSealed(other);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == ExitCode::kStoreError);
  CHECK_THAT(opened.status().message(), Catch::Contains("the sealing key does not match"));
}

TEST_CASE("a changed, missing or stray sealed record is found, never skipped", "[sealed]") {
  SealedStore s;
  {
    auto w = s.Writer();
    REQUIRE(w->Add({Make(s.key, &s.sealing, "r1", {"alice@example.com"}),
                    Make(s.key, &s.sealing, "r2", {"bob@example.com"})})
                .ok());
  }
  const auto records = RawSealed(s.path);
  REQUIRE(records.size() == 2);
  const std::string first_key = records.begin()->first;

  SECTION("a changed ciphertext does not open: kStoreError from OpenSealed and store check") {
    std::string value = records.begin()->second;
    value[value.size() - 3] = static_cast<char>(value[value.size() - 3] ^ 0x20);
    RawWrite(s.path, [&](rocksdb::DB& db) {
      REQUIRE(db.Put(rocksdb::WriteOptions(), first_key, value).ok());
    });
    auto opened = s.Reader()->OpenSealed(s.sealing);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() == ExitCode::kStoreError);
    CHECK_THAT(opened.status().message(), Catch::Contains("authentication failed"));
    auto check = s.Reader()->VerifyIntegrity(&s.sealing);
    REQUIRE_FALSE(check.ok());
    CHECK_THAT(check.status().message(), Catch::Contains("authentication failed"));
  }
  SECTION("a deleted record: the recorded count tells") {
    RawWrite(s.path, [&](rocksdb::DB& db) {
      REQUIRE(db.Delete(rocksdb::WriteOptions(), first_key).ok());
    });
    auto check = s.Reader()->VerifyIntegrity(nullptr);
    REQUIRE_FALSE(check.ok());
    CHECK(check.status().code() == ExitCode::kStoreError);
    CHECK_THAT(check.status().message(),
               Catch::Contains("it holds 1 sealed identifiers but recorded 2"));
    CHECK_FALSE(s.Reader()->OpenSealed(s.sealing).ok());
  }
  SECTION("a record moved to another request belongs to no tombstone") {
    RawWrite(s.path, [&](rocksdb::DB& db) {
      REQUIRE(db.Delete(rocksdb::WriteOptions(), first_key).ok());
      REQUIRE(db.Put(rocksdb::WriteOptions(), first_key + "x", records.begin()->second).ok());
    });
    auto check = s.Reader()->VerifyIntegrity(nullptr);
    REQUIRE_FALSE(check.ok());
    CHECK_THAT(check.status().message(), Catch::Contains("belongs to no tombstone"));
  }
}

TEST_CASE("identifiers never appear in the clear in a sealed store's files", "[sealed]") {
  SealedStore s;
  const std::vector<std::string> emails = {"wilhelmina.quarterstaff@example.org",
                                           "zebediah.longfellow@example.net"};
  {
    auto w = s.Writer();
    REQUIRE(w->Add({Make(s.key, &s.sealing, "req-0", emails)}).ok());
    REQUIRE(w->Add({Make(s.key, &s.sealing, "req-1", {"x" + emails[0]})}).ok());
  }
  const std::string all = AllBytes(s.path);
  REQUIRE(all.find("req-0") != std::string::npos);  // the scan really reads the store's bytes
  for (const std::string& email : emails) {
    CHECK(all.find(email) == std::string::npos);
    CHECK(all.find(email.substr(0, email.find('@'))) == std::string::npos);
  }
}

TEST_CASE("turning sealed mode off purges every sealed record from the store's files",
          "[sealed]") {
  SealedStore s;
  const std::vector<std::string> emails = {"wilhelmina.quarterstaff@example.org",
                                           "zebediah.longfellow@example.net"};
  {
    auto w = s.Writer();
    REQUIRE(w->Add({Make(s.key, &s.sealing, "req-0", {emails[0]})}).ok());
  }
  {
    auto w = s.Writer();  // a second table file, and a live log holding the last add
    REQUIRE(w->Add({Make(s.key, &s.sealing, "req-1", {emails[1]})}).ok());
    const auto records = RawSealed(s.path);
    REQUIRE(records.size() == 2);
    // The nonces (24 random bytes each, incompressible) are in the files before: the scan sees them.
    std::vector<std::string> ciphertexts;
    for (const auto& [key, value] : records) ciphertexts.push_back(value.substr(1));
    const std::string before = AllBytes(s.path);
    for (const std::string& c : ciphertexts) REQUIRE(before.find(c.substr(0, 24)) != std::string::npos);

    auto deleted = w->DisableSealing();
    REQUIRE(deleted.ok());
    CHECK(deleted.value() == 2);
    w.reset();
    const std::string after = AllBytes(s.path);
    REQUIRE(after.find("req-1") != std::string::npos);
    for (const std::string& c : ciphertexts) {
      CHECK(after.find(c.substr(0, 24)) == std::string::npos);  // the nonce
      CHECK(after.find(c.substr(24)) == std::string::npos);     // the ciphertext and tag
    }
    for (const std::string& email : emails) CHECK(after.find(email) == std::string::npos);
  }
  CHECK(RawSealed(s.path).empty());
  auto reader = s.Reader();
  auto mode = reader->SealingFingerprint();
  REQUIRE(mode.ok());
  CHECK_FALSE(mode.value().has_value());
  auto check = reader->VerifyIntegrity(&s.sealing);
  REQUIRE(check.ok());
  CHECK_FALSE(check->sealed_mode);
  CHECK(check->tombstones == 2);
  reader.reset();
  // Hash-only again: a writer without the sealing key adds.
  auto w = Open(s.path, Store::Mode::kWrite, &s.key, nullptr);
  CHECK(w->Add({Make(s.key, nullptr, "req-2", {"c@example.com"})}).ok());
}

TEST_CASE("sealed mode turned on later: old tombstones are partial until added again", "[sealed]") {
  TempDir dir;
  const Key key = Key::FromBytes(Bytes(1));
  const SealingKey sealing = SealingKey::FromBytes(Bytes(2));
  const std::string path = dir / "store";
  REQUIRE(Store::Create(path, key).ok());
  {
    auto w = Open(path, Store::Mode::kWrite, &key, nullptr);
    REQUIRE(w->Add({Make(key, nullptr, "old", {"alice@example.com"})}).ok());
    REQUIRE(w->EnableSealing(sealing).ok());
    CHECK(w->EnableSealing(sealing).code() == ExitCode::kUsage);  // already on
  }
  auto w = Open(path, Store::Mode::kWrite, &key, &sealing);
  REQUIRE(w->Add({Make(key, &sealing, "new", {"bob@example.com"})}).ok());
  auto coverage = w->SealedCoverage();
  REQUIRE(coverage.ok());
  CHECK(coverage->kinds()[0].hashes == 2);
  CHECK(coverage->kinds()[0].sealed == 1);
  CHECK_FALSE(coverage->kinds()[0].complete());

  // The same request again, now with its sealed form: kAlreadyPresent, and sealed.
  auto again = w->Add({Make(key, &sealing, "old", {"alice@example.com"})});
  REQUIRE(again.ok());
  CHECK(again.value() == std::vector{Store::AddOutcome::kAlreadyPresent});
  auto opened = w->OpenSealed(sealing);
  REQUIRE(opened.ok());
  CHECK(opened->kinds()[0].complete());
  CHECK(opened->entries().size() == 2);
  CHECK(w->VerifyIntegrity(&sealing).ok());
}

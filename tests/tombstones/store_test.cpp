// The store library: durable, all-or-nothing adds; refusals with exit 4; never a clear identifier.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

using tombstone::testing::TempDir;
using tombstones::ExitCode;
using tombstones::Key;
using tombstones::Normalizer;
using tombstones::Store;
using tombstones::Tombstone;

namespace {

Key TestKey(unsigned char seed) {
  std::array<unsigned char, 32> bytes{};
  bytes.fill(seed);
  return Key::FromBytes(bytes);
}

Tombstone Make(const Key& key, const std::string& request, const std::string& email) {
  Tombstone t;
  t.request_id = request;
  std::string normalized;
  REQUIRE(tombstones::Normalize(Normalizer::kEmail, email, &normalized));
  t.identifiers.push_back({"email", Normalizer::kEmail, key.HashIdentifier("email", normalized), {}});
  t.erased_at = 1'700'000'000'000'000;
  return t;
}

std::unique_ptr<Store> Open(const std::string& dir, Store::Mode mode, const Key* key) {
  Store::Options options;
  options.dir = dir;
  options.mode = mode;
  options.key = key;
  auto store = Store::Open(options);
  REQUIRE(store.ok());
  return std::move(store.value());
}

}  // namespace

TEST_CASE("adds are idempotent, conflicting request ids are refused, batches are all or nothing",
          "[store]") {
  TempDir dir;
  const Key key = TestKey(7);
  const std::string path = dir / "store";
  REQUIRE(Store::Create(path, key).ok());
  auto store = Open(path, Store::Mode::kWrite, &key);

  auto first = store->Add({Make(key, "r1", "a@example.com")});
  REQUIRE(first.ok());
  CHECK(first.value() == std::vector{Store::AddOutcome::kAdded});

  SECTION("the same request with the same identifiers is a no-op") {
    auto again = store->Add({Make(key, "r1", "A@Example.com ")});
    REQUIRE(again.ok());
    CHECK(again.value() == std::vector{Store::AddOutcome::kAlreadyPresent});
  }
  SECTION("the same request with other identifiers fails, and the batch writes nothing") {
    auto conflict = store->Add({Make(key, "r2", "b@example.com"), Make(key, "r1", "c@example.com")});
    REQUIRE_FALSE(conflict.ok());
    CHECK(conflict.status().code() == ExitCode::kFailed);
    CHECK_THAT(conflict.status().message(), Catch::Contains("'r1'"));
    auto r2 = store->Get("r2");
    REQUIRE(r2.ok());
    CHECK_FALSE(r2.value().has_value());
  }
  SECTION("a kind recorded with one normalizer cannot be used with another") {
    Tombstone t = Make(key, "r3", "d@example.com");
    t.identifiers[0].normalizer = Normalizer::kExact;
    auto added = store->Add({t});
    REQUIRE_FALSE(added.ok());
    CHECK(added.status().code() == ExitCode::kUsage);
  }
  SECTION("holds are set and released; the digest counts them") {
    REQUIRE(store->SetHold("r1", std::string("litigation 2026-17")).ok());
    auto held = store->Get("r1");
    REQUIRE(held.ok());
    CHECK(held.value()->hold_reason == std::optional<std::string>("litigation 2026-17"));
    auto digest = store->Digest();
    REQUIRE(digest.ok());
    CHECK(digest->tombstones == 1);
    CHECK(digest->held == 1);
    std::vector<std::string> visited;
    auto same = store->Digest([&](const Tombstone& t) { visited.push_back(t.request_id); });
    REQUIRE(same.ok());
    CHECK(same->hash == digest->hash);  // one pass gives the digest and every tombstone
    CHECK(visited == std::vector<std::string>{"r1"});
    REQUIRE(store->SetHold("r1", std::nullopt).ok());
    CHECK_FALSE(store->Get("r1").value()->hold_reason.has_value());
    CHECK(store->SetHold("nope", std::string("x")).code() == ExitCode::kFailed);
  }
}

TEST_CASE("opening refuses a missing store, a wrong key and a second writer", "[store]") {
  TempDir dir;
  const Key key = TestKey(1);
  const std::string path = dir / "store";
  Store::Options options;
  options.dir = path;
  options.key = &key;

  SECTION("missing") {
    auto opened = Store::Open(options);
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() == ExitCode::kStoreError);
    CHECK_THAT(opened.status().message(), Catch::Contains("no store there"));
  }
  REQUIRE(Store::Create(path, key).ok());
  SECTION("wrong key, for readers and writers") {
    const Key other = TestKey(2);
    options.key = &other;
    for (Store::Mode mode : {Store::Mode::kRead, Store::Mode::kWrite}) {
      options.mode = mode;
      auto opened = Store::Open(options);
      REQUIRE_FALSE(opened.ok());
      CHECK(opened.status().code() == ExitCode::kStoreError);
      CHECK_THAT(opened.status().message(), Catch::Contains("the key does not match"));
    }
  }
  SECTION("a second writer is refused with a clear message; readers are not") {
    options.mode = Store::Mode::kWrite;
    auto writer = Store::Open(options);
    REQUIRE(writer.ok());
    auto second = Store::Open(options);
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().code() == ExitCode::kStoreError);
    CHECK_THAT(second.status().message(), Catch::Contains("another tombstone process is writing"));
    options.mode = Store::Mode::kRead;
    CHECK(Store::Open(options).ok());
  }
  SECTION("creating over an existing store is refused") {
    auto again = Store::Create(path, key);
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().code() == ExitCode::kStoreError);
  }
}

TEST_CASE("a reader opened while a writer adds sees what was written before it opened",
          "[store]") {
  TempDir dir;
  const Key key = TestKey(3);
  const std::string path = dir / "store";
  REQUIRE(Store::Create(path, key).ok());
  auto writer = Open(path, Store::Mode::kWrite, &key);
  std::size_t last_seen = 0;
  for (int round = 0; round < 20; ++round) {
    REQUIRE(writer->Add({Make(key, "req-" + std::to_string(1000 + round),
                              "user" + std::to_string(round) + "@example.com")})
                .ok());
    auto reader = Open(path, Store::Mode::kRead, nullptr);
    std::size_t seen = 0;
    REQUIRE(reader->ForEach([&](const Tombstone&) { ++seen; return true; }).ok());
    CHECK(seen == static_cast<std::size_t>(round + 1));
    CHECK(seen >= last_seen);
    last_seen = seen;
  }
}

TEST_CASE("the store directory holds no identifier in the clear", "[store]") {
  TempDir dir;
  const Key key = TestKey(9);
  const std::string path = dir / "store";
  REQUIRE(Store::Create(path, key).ok());
  const std::vector<std::string> emails = {"Wilhelmina.Quarterstaff@Example.org",
                                           "zebediah.longfellow@example.net"};
  {
    auto store = Open(path, Store::Mode::kWrite, &key);
    for (std::size_t i = 0; i < emails.size(); ++i)
      REQUIRE(store->Add({Make(key, "req-" + std::to_string(i), emails[i])}).ok());
  }
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
    if (entry.is_regular_file()) all += tombstone::testing::ReadFile(entry.path().string());
  REQUIRE(all.find("req-0") != std::string::npos);  // the scan really reads the store's bytes
  for (const std::string& email : emails) {
    std::string normalized;
    REQUIRE(tombstones::Normalize(Normalizer::kEmail, email, &normalized));
    CHECK(all.find(email) == std::string::npos);
    CHECK(all.find(normalized) == std::string::npos);
    CHECK(all.find(normalized.substr(0, normalized.find('@'))) == std::string::npos);
  }
}

TEST_CASE("a writer that added a large batch leaves it in a table file, not for readers to replay",
          "[store]") {
  TempDir dir;
  const Key key = TestKey(5);
  const std::string path = dir / "store";
  REQUIRE(Store::Create(path, key).ok());
  const auto wal_bytes = [&] {
    std::uintmax_t bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path))
      if (entry.path().extension() == ".log") bytes += entry.file_size();
    return bytes;
  };
  std::vector<Tombstone> batch;
  for (int i = 0; i < 40000; ++i)  // a WAL of ~2 MB: over the 1 MB memtable flushed on close
    batch.push_back(Make(key, "req-" + std::to_string(i), "user" + std::to_string(i) + "@example.com"));
  {
    auto writer = Open(path, Store::Mode::kWrite, &key);
    REQUIRE(writer->Add(batch).ok());
    CHECK(wal_bytes() > (2u << 20));  // while open, the batch is in the WAL
  }
  CHECK(wal_bytes() < (1u << 20));  // closed: in a table file, the WAL it was in is gone
  auto reader = Open(path, Store::Mode::kRead, nullptr);
  std::size_t seen = 0;
  REQUIRE(reader->ForEach([&](const Tombstone&) { ++seen; return true; }).ok());
  CHECK(seen == batch.size());
}

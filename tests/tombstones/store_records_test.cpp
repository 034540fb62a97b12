// The store's history records: holds, retractions, catalog removals and source imports, each
// written in one synced write with what it changes.
#include <catch2/catch.hpp>

#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

using tombstone::testing::TempDir;
using tombstones::Actor;
using tombstones::ExitCode;
using tombstones::HistoryEvent;
using tombstones::Key;
using tombstones::Store;
using tombstones::Tombstone;

namespace {

Key TestKey() {
  std::array<unsigned char, 32> bytes{};
  bytes.fill(9);
  return Key::FromBytes(bytes);
}

Tombstone Make(const Key& key, const std::string& request) {
  Tombstone t;
  t.request_id = request;
  t.identifiers.push_back({"user_id", tombstones::Normalizer::kExact,
                           key.HashIdentifier("user_id", request), {}});
  t.erased_at = 1'700'000'000'000'000;
  return t;
}

std::unique_ptr<Store> Open(const std::string& dir, Store::Mode mode, const Key& key) {
  Store::Options options;
  options.dir = dir;
  options.mode = mode;
  options.key = &key;
  auto store = Store::Open(options);
  REQUIRE(store.ok());
  return std::move(store.value());
}

std::uint64_t CountByPass(Store& store) {
  std::uint64_t n = 0;
  REQUIRE(store.ForEach([&](const Tombstone&) { return ++n, true; }).ok());
  return n;
}

}  // namespace

TEST_CASE("holds keep their start and append one event per change", "[store]") {
  TempDir dir;
  const Key key = TestKey();
  REQUIRE(Store::Create(dir / "store", key).ok());
  auto store = Open(dir / "store", Store::Mode::kWrite, key);
  REQUIRE(store->Add({Make(key, "r1")}).ok());

  auto held = store->Hold("r1", "case A", Actor{"alice", 100});
  REQUIRE(held.ok());
  CHECK(held.value() == Store::HoldOutcome::kHeld);
  CHECK(store->Hold("r1", "case B", Actor{"bob", 200}).value() ==
        Store::HoldOutcome::kReasonChanged);
  CHECK(store->Hold("r1", "case B", Actor{"bob", 300}).value() == Store::HoldOutcome::kUnchanged);
  const Tombstone t = *store->Get("r1").value();
  CHECK(t.hold_reason == std::optional<std::string>("case B"));
  CHECK(t.held_at == 100);
  REQUIRE(store->Release("r1", "closed", Actor{"carol", 400}).ok());
  CHECK(store->Release("r1", "", Actor{"carol", 500}).code() == ExitCode::kUsage);
  CHECK(store->Release("nope", "", Actor{"carol", 500}).code() == ExitCode::kFailed);
  CHECK(store->Hold("r1", "", Actor{"carol", 500}).status().code() == ExitCode::kUsage);

  auto history = store->History("r1");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 3);
  CHECK(history.value()[0].kind == HistoryEvent::Kind::kHold);
  CHECK(history.value()[0].actor.user == "alice");
  CHECK(history.value()[1].kind == HistoryEvent::Kind::kRehold);
  CHECK(history.value()[1].reason == "case B");
  CHECK(history.value()[2].kind == HistoryEvent::Kind::kRelease);
  CHECK(history.value()[2].actor.at == 400);

  // Readers see it too, while the writer is open.
  auto reader = Open(dir / "store", Store::Mode::kRead, key);
  std::vector<std::string> seen;
  REQUIRE(reader->ForEachHistoryEvent([&](const HistoryEvent& e) {
    seen.push_back(e.request_id + ":" + std::string(tombstones::HistoryKindName(e.kind)));
    return true;
  }).ok());
  CHECK(seen == std::vector<std::string>{"r1:hold", "r1:re-hold", "r1:release"});
}

TEST_CASE("retract removes the tombstone and its count in one write, keeping the record",
          "[store]") {
  TempDir dir;
  const Key key = TestKey();
  REQUIRE(Store::Create(dir / "store", key).ok());
  {
    auto store = Open(dir / "store", Store::Mode::kWrite, key);
    REQUIRE(store->Add({Make(key, "r1"), Make(key, "r2"), Make(key, "r3")}).ok());
    REQUIRE(store->Retract("r2", "wrong subject", Actor{"alice", 100}).ok());
    CHECK(store->Retract("r2", "again", Actor{"alice", 200}).code() == ExitCode::kFailed);
    CHECK(store->Retract("r1", "", Actor{"alice", 200}).code() == ExitCode::kUsage);
    REQUIRE(store->Hold("r3", "audit", Actor{"bob", 300}).ok());
    CHECK(store->Retract("r3", "x", Actor{"bob", 400}).code() == ExitCode::kUsage);
    CHECK(CountByPass(*store) == 2);  // the whole pass checks the recorded count: it agrees
  }
  auto reader = Open(dir / "store", Store::Mode::kRead, key);
  CHECK(CountByPass(*reader) == 2);
  auto integrity = reader->VerifyIntegrity();
  REQUIRE(integrity.ok());
  CHECK(integrity->tombstones == 2);
  CHECK(integrity->count_recorded);
  CHECK_FALSE(reader->Get("r2").value().has_value());
  auto history = reader->History("r2");
  REQUIRE(history->size() == 1);
  const HistoryEvent& e = history.value()[0];
  CHECK(e.kind == HistoryEvent::Kind::kRetract);
  CHECK(e.reason == "wrong subject");
  CHECK(e.erased_at == 1'700'000'000'000'000);
  CHECK(e.recorded_at > 0);
}

TEST_CASE("catalog sources and removals are kept", "[store]") {
  TempDir dir;
  const Key key = TestKey();
  REQUIRE(Store::Create(dir / "store", key).ok());
  auto store = Open(dir / "store", Store::Mode::kWrite, key);
  tombstones::BackupRecord b;
  b.id = "main/20260101F";
  b.source = "pgbackrest";
  b.taken_at = 10;
  b.expires_at = 20;
  b.retention = "count 2";
  REQUIRE(
      store->ImportBackups({b}, {{"pgbackrest", "main", 50}, {"pgbackrest", "other", 60}}).ok());
  REQUIRE(store->ImportBackups({}, {{"pgbackrest", "main", 70}}).ok());
  auto sources = store->SourceImports();
  REQUIRE(sources.ok());
  REQUIRE(sources->size() == 2);
  CHECK(sources.value()[0].scope == "main");
  CHECK(sources.value()[0].imported_at == 70);  // the last import replaces the one before
  CHECK(sources.value()[1].scope == "other");

  CHECK(store->RemoveBackup("nope", "x", Actor{"alice", 1}).code() == ExitCode::kFailed);
  CHECK(store->RemoveBackup(b.id, "", Actor{"alice", 1}).code() == ExitCode::kUsage);
  REQUIRE(store->RemoveBackup(b.id, "wrong stanza", Actor{"alice", 80}).ok());
  CHECK(store->Backups()->empty());
  REQUIRE(store->PutBackups({b}).ok());  // recorded and removed again: two records
  REQUIRE(store->RemoveBackup(b.id, "still wrong", Actor{"bob", 90}).ok());
  auto removals = store->BackupRemovals();
  REQUIRE(removals.ok());
  REQUIRE(removals->size() == 2);
  CHECK(removals.value()[0].backup.id == b.id);
  CHECK(removals.value()[0].backup.expires_at == std::optional<tombstones::Micros>(20));
  CHECK(removals.value()[0].backup.retention == "count 2");
  CHECK(removals.value()[0].reason == "wrong stanza");
  CHECK(removals.value()[1].actor.user == "bob");
  CHECK(store->Fingerprint().value() == key.Fingerprint());
}

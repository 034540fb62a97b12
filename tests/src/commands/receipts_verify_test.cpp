// tombstone receipts list|show|verify, and tampering with the log beneath the Store API.
#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {
namespace {

void AppendReceipts(const StoreFixture& f, int n) {
  auto key = tombstones::Key::Load(f.key);
  REQUIRE(key.ok());
  tombstones::Store::Options o;
  o.dir = f.store;
  o.mode = tombstones::Store::Mode::kWrite;
  o.key = &key.value();
  auto store = tombstones::Store::Open(o);
  REQUIRE(store.ok());
  for (int i = 1; i <= n; ++i) {
    const nlohmann::json body = {
        {"receipt_version", 1}, {"command", i % 2 ? "replay" : "verify"}, {"dry_run", false},
        {"exit_code", 0}, {"verification", "clean"}, {"finished_at", "2026-01-0" + std::to_string(i) + "T00:00:00Z"},
        {"database", {{"name", "app"}}}, {"tombstones_applied", i}};
    REQUIRE(store.value()->AppendReceipt(body.dump()).ok());
  }
}

// Receipts are stored under "r/" + 8-byte big-endian seq (tombstones/coding.h).
std::string ReceiptKey(std::uint64_t seq) {
  std::string key = "r/";
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>((seq >> shift) & 0xff));
  return key;
}

// Changes the store directly with RocksDB, as someone with file access could.
void Tamper(const std::string& dir, const std::function<void(rocksdb::DB&)>& change) {
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::Options(), dir, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  change(*db);
}

TEST_CASE("receipts list and show print the log without identifiers", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  AppendReceipts(f, 2);
  const RunResult list = f.Run({"receipts", "list"});
  REQUIRE(list.code == 0);
  CHECK(list.out.find("seq  recorded_at") == 0);
  const std::size_t row = list.out.find("\n2 ");
  REQUIRE(row != std::string::npos);
  const std::string line = list.out.substr(row + 1, list.out.find('\n', row + 1) - row - 1);
  for (const char* field : {"verify", "false", "clean", "app"})
    CHECK(line.find(field) != std::string::npos);
  CHECK(list.out.find("2 receipts\n") != std::string::npos);
  const RunResult show = f.Run({"receipts", "show", "2", "--format", "json"});
  REQUIRE(show.code == 0);
  const auto doc = nlohmann::json::parse(show.out);
  CHECK(doc["seq"] == 2);
  CHECK(doc["receipt"]["command"] == "verify");
  CHECK(doc["mac"].get<std::string>().size() == 64);
  SECTION("unknown or malformed ids") {
    const RunResult missing = f.Run({"receipts", "show", "9"});
    CHECK(missing.code == 1);
    CHECK(missing.err.rfind("tombstone: unable to show receipt 9: no such receipt\n", 0) == 0);
    CHECK(f.Run({"receipts", "show", "two"}).code == 2);
  }
}

TEST_CASE("receipts verify passes on an intact log and needs the key", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  CHECK(f.Run({"receipts", "verify"}).out == "receipts log intact: 0 receipts\n");
  AppendReceipts(f, 3);
  const RunResult r = f.Run({"receipts", "verify"});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("receipts log intact: 3 receipts, last #3 mac ", 0) == 0);
  const RunResult no_key = Run({"--store", f.store, "receipts", "verify"});
  CHECK(no_key.code == 2);
}

TEST_CASE("receipts verify detects an edited or removed receipt", "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  AppendReceipts(f, 3);
  SECTION("an edited body") {
    Tamper(f.store, [](rocksdb::DB& db) {
      std::string value;
      REQUIRE(db.Get(rocksdb::ReadOptions(), ReceiptKey(2), &value).ok());
      const std::size_t at = value.find("\"exit_code\":0");
      REQUIRE(at != std::string::npos);
      value[at + 12] = '3';
      REQUIRE(db.Put(rocksdb::WriteOptions(), ReceiptKey(2), value).ok());
    });
    const RunResult r = f.Run({"receipts", "verify"});
    CHECK(r.code == 4);
    CHECK(r.err.find("unable to verify receipt 2 in store '" + f.store +
                     "': its content was changed after it was written") != std::string::npos);
  }
  SECTION("a removed receipt in the middle") {
    Tamper(f.store, [](rocksdb::DB& db) {
      REQUIRE(db.Delete(rocksdb::WriteOptions(), ReceiptKey(2)).ok());
    });
    const RunResult r = f.Run({"receipts", "verify"});
    CHECK(r.code == 4);
    CHECK(r.err.find("unable to verify receipt 3 in store '" + f.store +
                     "': receipt 2 is missing") != std::string::npos);
  }
  SECTION("the newest receipt removed: the head record catches it") {
    Tamper(f.store, [](rocksdb::DB& db) {
      REQUIRE(db.Delete(rocksdb::WriteOptions(), ReceiptKey(3)).ok());
    });
    const RunResult r = f.Run({"receipts", "verify"});
    CHECK(r.code == 4);
    CHECK(r.err.find("the log ends at receipt 2 but the head records receipt 3 (entries were "
                     "removed)") != std::string::npos);
  }
}

}  // namespace
}  // namespace tombstone::testing

// tombstone receipts list|show|verify, and tampering with the log beneath the Store API.
#include <rocksdb/db.h>
#include <sodium.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/coding.h"
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

std::string Get(rocksdb::DB& db, const std::string& key) {
  std::string value;
  REQUIRE(db.Get(rocksdb::ReadOptions(), key, &value).ok());
  return value;
}

const std::string kHeadKey = "m/receipts_head";

// The head as an older version wrote it: seq and last MAC, no MAC of its own
// (docs/store-format.md; written by hand, as an attacker would).
std::string LegacyHead(std::uint64_t seq, const std::string& last_mac) {
  tombstones::coding::Writer w;
  w.Varint(seq);
  w.String(last_mac);
  return w.out();
}

// A head in the sealed layout with a MAC made up without the key.
std::string ForgedHead(std::uint64_t seq, const std::string& last_mac) {
  std::string head = LegacyHead(seq, last_mac);
  tombstones::coding::Writer w;
  w.String(std::string(64, 'a'));
  return head + w.out();
}

// The MAC of a receipt written before heads were sealed: "tombstone receipt v1" and the fields.
std::string LegacyMac(const tombstones::Key& key, const tombstones::ReceiptEntry& e) {
  tombstones::coding::Writer w;
  w.Bytes("tombstone receipt v1");
  w.Varint(e.seq);
  w.Signed(e.recorded_at);
  w.String(e.body);
  w.String(e.prev_mac);
  const std::string& input = w.out();
  std::array<unsigned char, 32> mac{};
  crypto_generichash(mac.data(), mac.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), key.ReceiptKey().data(), key.ReceiptKey().size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, mac.data(), mac.size());
  return hex;
}

std::string MacOf(rocksdb::DB& db, std::uint64_t seq) {
  tombstones::ReceiptEntry e;
  REQUIRE(tombstones::coding::DecodeReceipt(seq, Get(db, ReceiptKey(seq)), &e));
  return e.mac;
}

// A receipts log as a version before authenticated heads wrote it: MAC version 1, legacy head.
void WriteLegacyLog(const StoreFixture& f, int n) {
  auto key = tombstones::Key::Load(f.key);
  REQUIRE(key.ok());
  Tamper(f.store, [&](rocksdb::DB& db) {
    std::string prev(64, '0');
    for (int i = 1; i <= n; ++i) {
      tombstones::ReceiptEntry e;
      e.seq = static_cast<std::uint64_t>(i);
      e.recorded_at = 1700000000000000 + i;
      e.body = "{\"receipt_version\":1,\"command\":\"verify\"}";
      e.prev_mac = prev;
      e.mac = LegacyMac(key.value(), e);
      REQUIRE(db.Put(rocksdb::WriteOptions(), ReceiptKey(e.seq),
                     tombstones::coding::EncodeReceipt(e))
                  .ok());
      prev = e.mac;
    }
    REQUIRE(db.Put(rocksdb::WriteOptions(), kHeadKey, LegacyHead(n, prev)).ok());
  });
}

// Issue 15, finding 3: the head had no MAC, so the newest receipts could be removed and the
// head rewritten without the key.
TEST_CASE("receipts verify detects the newest receipts removed with the head rewritten",
          "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  AppendReceipts(f, 3);
  SECTION("the head rewritten as an older version's, to the receipt before") {
    Tamper(f.store, [](rocksdb::DB& db) {
      const std::string mac2 = MacOf(db, 2);
      REQUIRE(db.Delete(rocksdb::WriteOptions(), ReceiptKey(3)).ok());
      REQUIRE(db.Put(rocksdb::WriteOptions(), kHeadKey, LegacyHead(2, mac2)).ok());
    });
    const RunResult r = f.Run({"receipts", "verify"});
    CHECK(r.code == 4);
    CHECK(r.err.find("the receipts head carries no MAC, yet receipt 1 was written by a version "
                     "that seals the head: the head was replaced") != std::string::npos);
  }
  SECTION("every receipt removed and the head rewritten to none") {
    Tamper(f.store, [](rocksdb::DB& db) {
      for (int i = 2; i <= 3; ++i) REQUIRE(db.Delete(rocksdb::WriteOptions(), ReceiptKey(i)).ok());
      const std::string mac1 = MacOf(db, 1);
      REQUIRE(db.Put(rocksdb::WriteOptions(), kHeadKey, LegacyHead(1, mac1)).ok());
    });
    CHECK(f.Run({"receipts", "verify"}).code == 4);
  }
  SECTION("the head given a MAC made without the key") {
    Tamper(f.store, [](rocksdb::DB& db) {
      const std::string mac2 = MacOf(db, 2);
      REQUIRE(db.Delete(rocksdb::WriteOptions(), ReceiptKey(3)).ok());
      REQUIRE(db.Put(rocksdb::WriteOptions(), kHeadKey, ForgedHead(2, mac2)).ok());
    });
    const RunResult r = f.Run({"receipts", "verify"});
    CHECK(r.code == 4);
    CHECK(r.err.find("the receipts head was changed without the key") != std::string::npos);
    // Nor does a new receipt seal the forged end.
    auto key = tombstones::Key::Load(f.key);
    REQUIRE(key.ok());
    tombstones::Store::Options o;
    o.dir = f.store;
    o.mode = tombstones::Store::Mode::kWrite;
    o.key = &key.value();
    auto store = tombstones::Store::Open(o);
    REQUIRE(store.ok());
    CHECK(store.value()->AppendReceipt("{}").status().code() == tombstones::ExitCode::kStoreError);
  }
}

TEST_CASE("an anchor kept outside the store detects a log put back to an earlier state",
          "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult empty = f.Run({"receipts", "head", "--format", "json"});
  REQUIRE(empty.code == 0);
  CHECK(nlohmann::json::parse(empty.out)["anchor"] == "0:" + std::string(64, '0'));
  AppendReceipts(f, 2);
  const RunResult head = f.Run({"receipts", "head", "--format", "json"});
  REQUIRE(head.code == 0);
  const auto doc = nlohmann::json::parse(head.out);
  CHECK(doc["count"] == 2);
  CHECK(doc["head_authenticated"] == true);
  const std::string anchor = doc["anchor"];
  CHECK(anchor == "2:" + doc["digest"].get<std::string>());
  const RunResult table = f.Run({"receipts", "head"});
  CHECK(table.out == "count   2\ndigest  " + doc["digest"].get<std::string>() + "\nanchor  " +
                         anchor + "\n");

  // The state an attacker could put back: the store as it was at two receipts.
  std::string old_head;
  Tamper(f.store, [&](rocksdb::DB& db) { old_head = Get(db, kHeadKey); });
  AppendReceipts(f, 1);
  SECTION("later receipts do not invalidate an older anchor") {
    const RunResult r = f.Run({"receipts", "verify", "--expect-head", anchor});
    CHECK(r.code == 0);
    CHECK(r.out.find("holds the anchored receipt 2") != std::string::npos);
  }
  SECTION("the log cut back to its earlier, genuine state") {
    const std::string newest = nlohmann::json::parse(
        f.Run({"receipts", "head", "--format", "json"}).out)["anchor"];
    Tamper(f.store, [&](rocksdb::DB& db) {
      REQUIRE(db.Delete(rocksdb::WriteOptions(), ReceiptKey(3)).ok());
      REQUIRE(db.Put(rocksdb::WriteOptions(), kHeadKey, old_head).ok());
    });
    // Without an anchor this is a consistent store (docs/compliance.md says so) ...
    CHECK(f.Run({"receipts", "verify"}).code == 0);
    // ... with the newest anchor it is not.
    const RunResult r = f.Run({"receipts", "verify", "--expect-head", newest});
    CHECK(r.code == 4);
    CHECK(r.err.find("the log ends at receipt 2 but the anchor " + newest.substr(0, 18) +
                     "... expects receipt 3 (receipts were removed)") != std::string::npos);
  }
  SECTION("every receipt and the head removed") {
    Tamper(f.store, [&](rocksdb::DB& db) {
      for (int i = 1; i <= 3; ++i) REQUIRE(db.Delete(rocksdb::WriteOptions(), ReceiptKey(i)).ok());
      REQUIRE(db.Delete(rocksdb::WriteOptions(), kHeadKey).ok());
    });
    CHECK(f.Run({"receipts", "verify"}).code == 0);
    CHECK(f.Run({"receipts", "verify", "--expect-head", anchor}).code == 4);
  }
  SECTION("an anchor naming another log") {
    const RunResult r =
        f.Run({"receipts", "verify", "--expect-head", "2:" + std::string(64, 'b')});
    CHECK(r.code == 4);
    CHECK(r.err.find("receipt 2 is not the one the anchor") != std::string::npos);
  }
  SECTION("a malformed anchor is a usage error") {
    const std::vector<std::string> bad_anchors = {"2", "x:" + std::string(64, 'a'), "2:abc",
                                                  "2:" + std::string(64, 'g')};
    for (const std::string& bad : bad_anchors)
      CHECK(f.Run({"receipts", "verify", "--expect-head", bad}).code == 2);
  }
}

TEST_CASE("an older store's unauthenticated head is read, noted, and sealed by the next append",
          "[compliance]") {
  TempDir dir;
  StoreFixture f(dir.path());
  WriteLegacyLog(f, 2);
  const RunResult legacy = f.Run({"receipts", "verify"});
  CHECK(legacy.code == 0);
  CHECK(legacy.out.rfind("receipts log intact: 2 receipts", 0) == 0);
  CHECK(legacy.err.find("the receipts head carries no MAC") != std::string::npos);
  CHECK(nlohmann::json::parse(f.Run({"receipts", "head", "--format", "json"}).out)
            ["head_authenticated"] == false);

  AppendReceipts(f, 1);
  const RunResult sealed = f.Run({"receipts", "verify"});
  CHECK(sealed.code == 0);
  CHECK(sealed.out.rfind("receipts log intact: 3 receipts", 0) == 0);
  CHECK(sealed.err.empty());
  // From now on an old-style head is refused: receipt 3 says the head was sealed.
  Tamper(f.store, [](rocksdb::DB& db) {
    REQUIRE(db.Put(rocksdb::WriteOptions(), kHeadKey, LegacyHead(3, MacOf(db, 3))).ok());
  });
  CHECK(f.Run({"receipts", "verify"}).code == 4);
  // Cut back to the older receipts only: indistinguishable from the store before the upgrade,
  // which is why docs/compliance.md says to keep an anchor.
  Tamper(f.store, [](rocksdb::DB& db) {
    REQUIRE(db.Delete(rocksdb::WriteOptions(), ReceiptKey(3)).ok());
    REQUIRE(db.Put(rocksdb::WriteOptions(), kHeadKey, LegacyHead(2, MacOf(db, 2))).ok());
  });
  CHECK(f.Run({"receipts", "verify"}).code == 0);
}

}  // namespace
}  // namespace tombstone::testing

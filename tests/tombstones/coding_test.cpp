// The store's value coding (tombstones/coding.cpp, docs/store-format.md): varints, zigzag,
// length-prefixed strings, and the tombstone, backup and receipt records. Bytes are pinned so a
// change of format is a visible decision; every truncation and malformation is refused.
#include "tombstones/coding.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace coding = tombstones::coding;
using tombstones::BackupRecord;
using tombstones::Normalizer;
using tombstones::ReceiptEntry;
using tombstones::Tombstone;

namespace {

std::string Bytes(std::initializer_list<unsigned> bytes) {
  std::string s;
  for (unsigned b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

std::string Hex(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : s) hex += {digits[c >> 4], digits[c & 15]};
  return hex;
}

Tombstone Sample() {
  Tombstone t;
  t.erased_at = 1717200000000000;  // 2024-06-01T00:00:00Z
  t.recorded_at = 1717200000123456;
  tombstones::IdentifierHash email{"email", Normalizer::kEmail, {}, {}};
  for (int i = 0; i < 16; ++i) email.hash.bytes[i] = static_cast<unsigned char>(i);
  tombstones::IdentifierHash phone{"phone", Normalizer::kDigits, {}, {}};
  phone.hash.bytes.fill(0xff);
  t.identifiers = {email, phone};
  t.note = "ticket 42";
  return t;
}

void CheckSame(const Tombstone& a, const Tombstone& b) {
  CHECK(a.request_id == b.request_id);
  CHECK(a.identifiers == b.identifiers);
  CHECK(a.erased_at == b.erased_at);
  CHECK(a.recorded_at == b.recorded_at);
  CHECK(a.hold_reason == b.hold_reason);
  CHECK(a.held_at == b.held_at);
  CHECK(a.note == b.note);
}

}  // namespace

TEST_CASE("varints are LEB128: seven bits a byte, low first, up to ten bytes", "[store][coding]") {
  struct Row {
    std::uint64_t value;
    std::string hex;
  };
  const Row table[] = {
      {0, "00"},
      {1, "01"},
      {127, "7f"},
      {128, "8001"},
      {300, "ac02"},
      {16383, "ff7f"},
      {16384, "808001"},
      {(1ull << 32) - 1, "ffffffff0f"},
      {1ull << 63, "80808080808080808001"},
      {std::numeric_limits<std::uint64_t>::max(), "ffffffffffffffffff01"},
  };
  for (const Row& row : table) {
    INFO(row.value);
    coding::Writer w;
    w.Varint(row.value);
    CHECK(Hex(w.out()) == row.hex);
    coding::Reader r(w.out());
    std::uint64_t back = 0;
    REQUIRE(r.Varint(&back));
    CHECK(back == row.value);
    CHECK(r.Done());
    // every proper prefix is short
    for (std::size_t n = 0; n < w.out().size(); ++n) {
      coding::Reader cut(std::string_view(w.out()).substr(0, n));
      CHECK_FALSE(cut.Varint(&back));
    }
  }
}

TEST_CASE("a varint longer than ten bytes or beyond 64 bits is refused", "[store][coding]") {
  std::uint64_t v = 0;
  SECTION("eleven bytes") {
    const std::string in =
        Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
    coding::Reader r(in);
    CHECK_FALSE(r.Varint(&v));
  }
  SECTION("a tenth byte with more than the one bit left") {
    for (unsigned last : {0x02u, 0x7fu}) {
      INFO(last);
      const std::string in = Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, last});
      coding::Reader r(in);
      CHECK_FALSE(r.Varint(&v));
    }
  }
}

TEST_CASE("signed values are zigzag varints: small magnitudes are short either side of zero",
          "[store][coding]") {
  struct Row {
    std::int64_t value;
    std::string hex;
  };
  const Row table[] = {
      {0, "00"},
      {-1, "01"},
      {1, "02"},
      {-2, "03"},
      {63, "7e"},
      {-64, "7f"},
      {64, "8001"},
      {std::numeric_limits<std::int64_t>::max(), "feffffffffffffffff01"},
      {std::numeric_limits<std::int64_t>::min(), "ffffffffffffffffff01"},
      {1717200000000000, "8080918099f28c06"},
      {-1717200000000000, "ffff908099f28c06"},
  };
  for (const Row& row : table) {
    INFO(row.value);
    coding::Writer w;
    w.Signed(row.value);
    CHECK(Hex(w.out()) == row.hex);
    coding::Reader r(w.out());
    std::int64_t back = 0;
    REQUIRE(r.Signed(&back));
    CHECK(back == row.value);
    CHECK(r.Done());
  }
}

TEST_CASE("strings are a varint length and the bytes, any bytes", "[store][coding]") {
  const std::string table[] = {"", "a", std::string("\0\xff\n", 3), std::string(200, 'x')};
  for (const std::string& s : table) {
    INFO(s.size());
    coding::Writer w;
    w.String(s);
    w.Byte(0x7e);
    coding::Reader r(w.out());
    std::string back;
    unsigned char tail = 0;
    REQUIRE(r.String(&back));
    CHECK(back == s);
    REQUIRE(r.Byte(&tail));
    CHECK(tail == 0x7e);
    CHECK(r.Done());
  }
  SECTION("a length past the end is refused, also a huge one") {
    std::string back;
    const std::string short_by_one = Bytes({3, 'a', 'b'});
    coding::Reader r1(short_by_one);
    CHECK_FALSE(r1.String(&back));
    const std::string huge = Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 'a'});
    coding::Reader r2(huge);
    CHECK_FALSE(r2.String(&back));
  }
  SECTION("reading past the end fails and keeps failing") {
    coding::Reader r("");
    unsigned char b = 0;
    std::string_view view;
    CHECK(r.Done());
    CHECK_FALSE(r.Byte(&b));
    CHECK_FALSE(r.Bytes(1, &view));
    CHECK(r.Bytes(0, &view));
    CHECK(view.empty());
  }
}

TEST_CASE("a tombstone encodes to pinned bytes and decodes to itself", "[store][coding]") {
  const Tombstone t = Sample();
  const std::string value = coding::EncodeTombstone(t);
  // version, erased_at, recorded_at, 2 identifiers (kind, normalizer code, 16 hash bytes),
  // no hold, note
  CHECK(Hex(value) ==
        "01"
        "8080918099f28c06"
        "8089a08099f28c06"
        "02"
        "05656d61696c"
        "01"
        "000102030405060708090a0b0c0d0e0f"
        "0570686f6e65"
        "02"
        "ffffffffffffffffffffffffffffffff"
        "00"
        "097469636b6574203432");
  Tombstone back;
  REQUIRE(coding::DecodeTombstone("REQ-1", value, &back));
  Tombstone expected = t;
  expected.request_id = "REQ-1";
  CheckSame(back, expected);

  SECTION("on hold: the reason and when it was set follow the flag") {
    Tombstone held = t;
    held.hold_reason = "litigation 2024-17";
    held.held_at = 1717300000000000;
    Tombstone again;
    REQUIRE(coding::DecodeTombstone("REQ-2", coding::EncodeTombstone(held), &again));
    held.request_id = "REQ-2";
    CheckSame(again, held);
  }
  SECTION("an empty hold reason is still a hold, and decoding clears an earlier hold") {
    Tombstone held = t;
    held.hold_reason = "";
    Tombstone again;
    REQUIRE(coding::DecodeTombstone("R", coding::EncodeTombstone(held), &again));
    CHECK(again.hold_reason == std::optional<std::string>(""));
    REQUIRE(coding::DecodeTombstone("R", value, &again));
    CHECK_FALSE(again.hold_reason.has_value());
    CHECK(again.held_at == 0);
  }
  SECTION("no identifiers, times before 1970") {
    Tombstone bare;
    bare.erased_at = -1;
    bare.recorded_at = std::numeric_limits<std::int64_t>::min();
    Tombstone again;
    REQUIRE(coding::DecodeTombstone("R", coding::EncodeTombstone(bare), &again));
    bare.request_id = "R";
    CheckSame(again, bare);
  }
}

TEST_CASE("a tombstone value that is cut short, extended or damaged is refused",
          "[store][coding]") {
  Tombstone held = Sample();
  held.hold_reason = "hold";
  held.held_at = 5;
  for (const Tombstone& t : {Sample(), held}) {
    const std::string value = coding::EncodeTombstone(t);
    Tombstone back;
    for (std::size_t n = 0; n < value.size(); ++n) {
      INFO("cut to " << n << " of " << value.size() << " bytes");
      CHECK_FALSE(coding::DecodeTombstone("R", std::string_view(value).substr(0, n), &back));
    }
    CHECK_FALSE(coding::DecodeTombstone("R", value + '\0', &back));  // trailing byte
  }
  const std::string value = coding::EncodeTombstone(Sample());
  Tombstone back;
  SECTION("an unknown version") {
    for (unsigned version : {0u, 2u, 0xffu}) {
      std::string v = value;
      v[0] = static_cast<char>(version);
      CHECK_FALSE(coding::DecodeTombstone("R", v, &back));
    }
  }
  SECTION("an unknown normalizer code") {
    std::string v = value;
    const std::size_t code = value.find("email") + 5;
    REQUIRE(v[code] == 1);
    v[code] = 3;
    CHECK_FALSE(coding::DecodeTombstone("R", v, &back));
  }
  SECTION("a hold flag other than 0 or 1") {
    std::string v = value;
    const std::size_t flag = value.size() - 1 - std::string("ticket 42").size() - 1;
    REQUIRE(v[flag] == 0);
    v[flag] = 2;
    CHECK_FALSE(coding::DecodeTombstone("R", v, &back));
  }
  SECTION("an identifier count larger than the value could hold") {
    coding::Writer w;
    w.Byte(coding::kValueVersion);
    w.Signed(0);
    w.Signed(0);
    w.Varint(std::numeric_limits<std::uint64_t>::max());
    CHECK_FALSE(coding::DecodeTombstone("R", w.out(), &back));
    coding::Writer w2;
    w2.Byte(coding::kValueVersion);
    w2.Signed(0);
    w2.Signed(0);
    w2.Varint(3);  // three identifiers announced, none there
    w2.Byte(0);
    w2.String("");
    CHECK_FALSE(coding::DecodeTombstone("R", w2.out(), &back));
  }
}

TEST_CASE("a backup record round-trips with and without an expiry; damage is refused",
          "[store][coding]") {
  BackupRecord b;
  b.source = "pgbackrest";
  b.taken_at = 1717200000000000;
  b.expires_at = 1719792000000000;
  b.retention = "repo1-retention-full=2";
  const std::string value = coding::EncodeBackup(b);
  BackupRecord back;
  REQUIRE(coding::DecodeBackup("20240601-000000F", value, &back));
  CHECK(back.id == "20240601-000000F");
  CHECK(back.source == b.source);
  CHECK(back.taken_at == b.taken_at);
  CHECK(back.expires_at == b.expires_at);
  CHECK(back.retention == b.retention);

  BackupRecord open_ended = b;
  open_ended.expires_at.reset();
  const std::string open_value = coding::EncodeBackup(open_ended);
  CHECK(Hex(open_value) ==
        "01"
        "0a70676261636b72657374"
        "8080918099f28c06"
        "00"
        "167265706f312d726574656e74696f6e2d66756c6c3d32");
  REQUIRE(coding::DecodeBackup("b", open_value, &back));  // reuses `back`: the expiry goes
  CHECK_FALSE(back.expires_at.has_value());

  for (const std::string& v : {value, open_value}) {
    for (std::size_t n = 0; n < v.size(); ++n) {
      INFO("cut to " << n);
      CHECK_FALSE(coding::DecodeBackup("b", std::string_view(v).substr(0, n), &back));
    }
    CHECK_FALSE(coding::DecodeBackup("b", v + 'x', &back));
    std::string bad_version = v;
    bad_version[0] = 2;
    CHECK_FALSE(coding::DecodeBackup("b", bad_version, &back));
  }
  std::string bad_flag = open_value;
  bad_flag[1 + 1 + b.source.size() + 8] = 2;  // version, length, source, taken_at, flag
  CHECK_FALSE(coding::DecodeBackup("b", bad_flag, &back));
}

TEST_CASE("a receipt entry round-trips; its key sorts by sequence; damage is refused",
          "[store][coding]") {
  ReceiptEntry r;
  r.seq = 7;
  r.recorded_at = 1717200000000000;
  r.body = R"({"command":"replay"})";
  r.prev_mac = std::string(64, '0');
  r.mac = std::string(64, 'a');
  const std::string value = coding::EncodeReceipt(r);
  ReceiptEntry back;
  REQUIRE(coding::DecodeReceipt(7, value, &back));
  CHECK(back.seq == 7);
  CHECK(back.recorded_at == r.recorded_at);
  CHECK(back.body == r.body);
  CHECK(back.prev_mac == r.prev_mac);
  CHECK(back.mac == r.mac);
  for (std::size_t n = 0; n < value.size(); ++n) {
    INFO("cut to " << n);
    CHECK_FALSE(coding::DecodeReceipt(7, std::string_view(value).substr(0, n), &back));
  }
  CHECK_FALSE(coding::DecodeReceipt(7, value + '\0', &back));

  SECTION("keys are the prefix and the big-endian sequence number") {
    CHECK(Hex(coding::ReceiptKey(1)) == Hex("r/") + "0000000000000001");
    CHECK(Hex(coding::ReceiptKey(0x0102030405060708)) == Hex("r/") + "0102030405060708");
    CHECK(coding::ReceiptKey(255) < coding::ReceiptKey(256));
    CHECK(coding::ReceiptKey(1ull << 40) < coding::ReceiptKey((1ull << 40) + 1));
  }
  SECTION("the MAC covers the sequence, the time, the body and the previous MAC, not the MAC") {
    const std::string input = coding::ReceiptMacInput(r, 2);
    CHECK(input.rfind("tombstone receipt v2", 0) == 0);
    CHECK(coding::ReceiptMacInput(r, 1).rfind("tombstone receipt v1", 0) == 0);
    CHECK(coding::ReceiptMacInput(r, 1) != input);  // the version is covered
    ReceiptEntry other = r;
    other.mac = "different";
    CHECK(coding::ReceiptMacInput(other, 2) == input);
    for (auto change :
         {+[](ReceiptEntry& e) { e.seq = 8; }, +[](ReceiptEntry& e) { e.recorded_at += 1; },
          +[](ReceiptEntry& e) { e.body += " "; }, +[](ReceiptEntry& e) { e.prev_mac[0] = '1'; }}) {
      ReceiptEntry changed = r;
      change(changed);
      CHECK(coding::ReceiptMacInput(changed, 2) != input);
    }
    // A body ending where the previous MAC begins cannot be confused with another split.
    ReceiptEntry a = r, b = r;
    a.body = "xy";
    a.prev_mac = "z";
    b.body = "x";
    b.prev_mac = "yz";
    CHECK(coding::ReceiptMacInput(a, 2) != coding::ReceiptMacInput(b, 2));
  }
}

TEST_CASE("normalizer codes are fixed: 0 exact, 1 email, 2 digits; others are refused",
          "[store][coding]") {
  const std::pair<Normalizer, unsigned char> table[] = {
      {Normalizer::kExact, 0}, {Normalizer::kEmail, 1}, {Normalizer::kDigits, 2}};
  for (const auto& [normalizer, code] : table) {
    CHECK(coding::NormalizerCode(normalizer) == code);
    Normalizer back = Normalizer::kExact;
    REQUIRE(coding::NormalizerFromCode(code, &back));
    CHECK(back == normalizer);
  }
  Normalizer n = Normalizer::kEmail;
  for (unsigned code = 3; code < 256; ++code) CHECK_FALSE(coding::NormalizerFromCode(code, &n));
  CHECK(n == Normalizer::kEmail);  // untouched
}

#include "src/pg/copy_binary.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

using tombstone::pg::AppendAsText;
using tombstone::pg::CopyBinaryRows;
using tombstone::pg::Wire;

const std::string kHeader("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);

std::string Int16(int v) {
  return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string Int32(long long v) {
  return Int16(static_cast<int>((v >> 16) & 0xffff)) + Int16(static_cast<int>(v & 0xffff));
}
std::string Field(const std::string& bytes) {
  return Int32(static_cast<long long>(bytes.size())) + bytes;
}

std::string Text(Wire wire, const std::string& raw) {
  std::string out;
  if (!AppendAsText(wire, raw, &out)) return "<bad>";
  return out;
}

}  // namespace

TEST_CASE("binary COPY messages split into fields, NULL told from empty", "[pg]") {
  CopyBinaryRows rows;
  const std::string first = kHeader + Int16(3) + Field("Alice@Example.com") + Int32(-1) + Field("");
  REQUIRE(rows.Next(first) == CopyBinaryRows::Got::kRow);
  REQUIRE(rows.size() == 3);
  CHECK(rows.Raw(0) == "Alice@Example.com");
  CHECK(rows.Null(1));
  CHECK_FALSE(rows.Null(2));
  CHECK(rows.Raw(2).empty());
  CHECK(rows.row() == first.substr(kHeader.size()));

  SECTION("later rows have no header, the trailer ends the stream") {
    const std::string second = Int16(1) + Field("x");  // fields point into it
    REQUIRE(rows.Next(second) == CopyBinaryRows::Got::kRow);
    CHECK(rows.Raw(0) == "x");
    CHECK(rows.Next(Int16(-1)) == CopyBinaryRows::Got::kEnd);
  }
  SECTION("a kept row reads again the same") {
    const std::string kept(rows.row());
    REQUIRE(rows.Next(Int16(1) + Field("y")) == CopyBinaryRows::Got::kRow);
    REQUIRE(rows.Reread(kept) == CopyBinaryRows::Got::kRow);
    CHECK(rows.Raw(0) == "Alice@Example.com");
    CHECK(rows.Null(1));
  }
  SECTION("malformed messages are refused, not read past their end") {
    CHECK(rows.Next(Int16(2) + Field("x")) == CopyBinaryRows::Got::kMalformed);
    CHECK(rows.error() == "malformed binary COPY data: field length cut short");
    CHECK(rows.Next(Int16(1) + Int32(10) + "abc") == CopyBinaryRows::Got::kMalformed);
    CHECK(rows.error() == "malformed binary COPY data: field longer than its row");
    CHECK(rows.Next(Int16(1) + Field("x") + "z") == CopyBinaryRows::Got::kMalformed);
    CHECK(rows.Next(Int16(-1) + "z") == CopyBinaryRows::Got::kMalformed);
  }
}

TEST_CASE("binary COPY without its file header is refused", "[pg]") {
  CopyBinaryRows rows;
  CHECK(rows.Next(Int16(1) + Field("x")) == CopyBinaryRows::Got::kMalformed);
  CHECK(rows.error() == "malformed binary COPY data: no file header");
}

TEST_CASE("integers and tids are printed as their output functions print them", "[pg]") {
  CHECK(Text(Wire::kInt2, Int16(-2)) == "-2");
  CHECK(Text(Wire::kInt4, Int32(2147483647)) == "2147483647");
  CHECK(Text(Wire::kInt8, Int32(0) + Int32(42)) == "42");
  CHECK(Text(Wire::kInt8, std::string(1, '\x80') + std::string(7, '\0')) == "-9223372036854775808");
  CHECK(Text(Wire::kOid, Int32(0xfffffffe)) == "4294967294");
  CHECK(Text(Wire::kTid, Int32(123) + Int16(45)) == "(123,45)");
  CHECK(Text(Wire::kText, "as is\t\\") == "as is\t\\");
  CHECK(Text(Wire::kInt8, Int32(1)) == "<bad>");                  // 4 bytes are not a bigint
  CHECK(Text(Wire::kTimestamp, Int32(0) + Int32(0)) == "<bad>");  // a guard, never text
}

TEST_CASE("binary text arrays give their elements, NULLs skipped, malformed ones refused", "[pg]") {
  using tombstone::pg::BinaryTextArray;
  // One dimension of 3 elements: "a", NULL, "bc".
  const std::string one = Int32(1) + Int32(1) + Int32(25) + Int32(3) + Int32(1) + Field("a") +
                          Int32(-1) + Field("bc");
  BinaryTextArray array;
  std::string_view element;
  std::vector<std::string> seen;
  REQUIRE(array.Open(one));
  while (array.Next(&element)) seen.emplace_back(element);
  CHECK(array.ok());
  CHECK(seen == std::vector<std::string>{"a", "bc"});

  SECTION("two dimensions (2 x 2) read in order") {
    const std::string two = Int32(2) + Int32(0) + Int32(25) + Int32(2) + Int32(1) + Int32(2) +
                            Int32(1) + Field("w") + Field("x") + Field("y") + Field("z");
    seen.clear();
    REQUIRE(array.Open(two));
    while (array.Next(&element)) seen.emplace_back(element);
    CHECK(seen == std::vector<std::string>{"w", "x", "y", "z"});
  }
  SECTION("an empty array has no dimension and no element") {
    const std::string empty = Int32(0) + Int32(0) + Int32(25);  // Open keeps a view of it
    REQUIRE(array.Open(empty));
    CHECK_FALSE(array.Next(&element));
    CHECK(array.ok());
  }
  SECTION("cut short, or with bytes left over") {
    const std::string cut = one.substr(0, one.size() - 1);  // Open keeps a view of it
    REQUIRE(array.Open(cut));
    while (array.Next(&element)) {
    }
    CHECK_FALSE(array.ok());
    const std::string longer = one + "x";
    REQUIRE(array.Open(longer));
    while (array.Next(&element)) {
    }
    CHECK_FALSE(array.ok());
  }
  SECTION("impossible headers") {
    CHECK_FALSE(array.Open("abc"));
    CHECK_FALSE(array.Open(Int32(7) + Int32(0) + Int32(25)));                         // 7 dims
    CHECK_FALSE(array.Open(Int32(1) + Int32(0) + Int32(25) + Int32(-1) + Int32(1)));  // size -1
    CHECK_FALSE(array.Open(Int32(1) + Int32(0) + Int32(25) + Int32(1000000) + Int32(1)));
  }
}

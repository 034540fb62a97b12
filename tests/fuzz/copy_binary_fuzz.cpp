// COPY's binary format as replay and discover read it from the server (src/pg/copy_binary.h,
// src/replay/guard_time.h). The input is:
//   1 byte     the number of columns N (mod 10)
//   N bytes    each column's wire type (mod 9: text, int2, int4, int8, oid, tid, date,
//              timestamp, text[])
//   then the messages, each a 2-byte big-endian length and its bytes (cut at the input's end)
// Each message is split into fields; each field is read as its column's type, as the scan does
// (text printed, arrays walked element by element, guard times converted); the row read again
// with Reread() gives the same fields.
#include <vector>

#include "src/pg/copy_binary.h"
#include "src/replay/guard_time.h"
#include "tests/fuzz/fuzz_support.h"

using namespace tombstone;
using tombstone::fuzz::Require;

namespace {

void ReadField(pg::Wire wire, std::string_view raw) {
  if (wire == pg::Wire::kTextArray) {
    pg::BinaryTextArray elements;
    std::string_view element;
    if (!elements.Open(raw)) return;
    while (elements.Next(&element))
      Require(element.data() >= raw.data() && element.data() + element.size() <= raw.data() + raw.size(),
              "an array element outside its field");
    return;
  }
  if (wire == pg::Wire::kDate || wire == pg::Wire::kTimestamp) {
    (void)replay::GuardTime(wire, raw);
    return;
  }
  std::string text;
  (void)pg::AppendAsText(wire, raw, &text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::Text(data, size);
  if (in.empty()) return 0;
  const std::size_t columns = static_cast<unsigned char>(in[0]) % 10;
  in.remove_prefix(1);
  if (in.size() < columns) return 0;
  std::vector<pg::Wire> wires;
  for (std::size_t i = 0; i < columns; ++i)
    wires.push_back(static_cast<pg::Wire>(static_cast<unsigned char>(in[i]) % 9));
  in.remove_prefix(columns);
  pg::CopyBinaryRows rows;
  while (in.size() >= 2) {
    const std::size_t length = std::min<std::size_t>(
        (static_cast<unsigned char>(in[0]) << 8) | static_cast<unsigned char>(in[1]), in.size() - 2);
    // Its own allocation, as a message from libpq is: reads past the end stay detectable.
    const std::string message(in.substr(2, length));
    in.remove_prefix(2 + length);
    const auto got = rows.Next(message);
    if (got == pg::CopyBinaryRows::Got::kMalformed) {
      Require(!rows.error().empty(), "a malformed message without an error");
      continue;
    }
    if (got != pg::CopyBinaryRows::Got::kRow) continue;
    std::vector<std::string_view> fields;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      fields.push_back(rows.Raw(i));
      if (i < wires.size() && !rows.Null(i)) ReadField(wires[i], rows.Raw(i));
    }
    const std::string row(rows.row());
    Require(rows.Reread(row) == pg::CopyBinaryRows::Got::kRow, "a row did not read again");
    Require(rows.size() == fields.size(), "a row read again has other fields");
    for (std::size_t i = 0; i < rows.size(); ++i)
      Require(rows.Raw(i) == fields[i] && rows.Null(i) == (fields[i].data() == nullptr),
              "a row read again has other values");
  }
  return 0;
}

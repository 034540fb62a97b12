#include "src/pg/copy_binary.h"

#include <charconv>

namespace tombstone::pg {
namespace {

// "PGCOPY\n\377\r\n\0", then a 32-bit flags field and the length of a header extension.
constexpr std::string_view kSignature("PGCOPY\n\377\r\n\0", 11);

template <typename T>
void AppendNumber(T value, std::string* out) {
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out->append(buffer, static_cast<std::size_t>(end - buffer));
}

}  // namespace

std::int16_t ReadInt16(const char* raw) {
  const auto* b = reinterpret_cast<const unsigned char*>(raw);
  return static_cast<std::int16_t>((b[0] << 8) | b[1]);
}

std::int32_t ReadInt32(const char* raw) {
  const auto* b = reinterpret_cast<const unsigned char*>(raw);
  return static_cast<std::int32_t>((std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                                   (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]});
}

std::int64_t ReadInt64(const char* raw) {
  const auto high = static_cast<std::uint32_t>(ReadInt32(raw));
  const auto low = static_cast<std::uint32_t>(ReadInt32(raw + 4));
  return static_cast<std::int64_t>((std::uint64_t{high} << 32) | low);
}

CopyBinaryRows::Got CopyBinaryRows::Malformed(std::string what) {
  error_ = "malformed binary COPY data: " + std::move(what);
  return Got::kMalformed;
}

CopyBinaryRows::Got CopyBinaryRows::Next(std::string_view message) {
  fields_.clear();
  if (!header_seen_) {
    if (message.size() < kSignature.size() + 8 ||
        message.substr(0, kSignature.size()) != kSignature)
      return Malformed("no file header");
    const std::int32_t extension = ReadInt32(message.data() + kSignature.size() + 4);
    if (extension < 0 ||
        message.size() < kSignature.size() + 8 + static_cast<std::size_t>(extension))
      return Malformed("header extension longer than the message");
    message.remove_prefix(kSignature.size() + 8 + static_cast<std::size_t>(extension));
    header_seen_ = true;
  }
  return Reread(message);
}

CopyBinaryRows::Got CopyBinaryRows::Reread(std::string_view message) {
  fields_.clear();
  row_ = message;
  if (message.size() < 2) return Malformed("row shorter than its field count");
  const std::int16_t count = ReadInt16(message.data());
  message.remove_prefix(2);
  if (count == -1) return message.empty() ? Got::kEnd : Malformed("data after the trailer");
  if (count < 0) return Malformed("negative field count");
  for (std::int16_t i = 0; i < count; ++i) {
    if (message.size() < 4) return Malformed("field length cut short");
    const std::int32_t length = ReadInt32(message.data());
    message.remove_prefix(4);
    if (length == -1) {
      fields_.emplace_back();  // a null data pointer marks NULL
      continue;
    }
    if (length < 0 || message.size() < static_cast<std::size_t>(length))
      return Malformed("field longer than its row");
    // An empty value still needs a non-null pointer to differ from NULL.
    fields_.emplace_back(length == 0 ? "" : message.data(), static_cast<std::size_t>(length));
    message.remove_prefix(static_cast<std::size_t>(length));
  }
  if (!message.empty()) return Malformed("more than one row in a message");
  return Got::kRow;
}

bool AppendAsText(Wire wire, std::string_view raw, std::string* out) {
  switch (wire) {
    case Wire::kText:
      out->append(raw);
      return true;
    case Wire::kInt2:
      if (raw.size() != 2) return false;
      AppendNumber(ReadInt16(raw.data()), out);
      return true;
    case Wire::kInt4:
      if (raw.size() != 4) return false;
      AppendNumber(ReadInt32(raw.data()), out);
      return true;
    case Wire::kInt8:
      if (raw.size() != 8) return false;
      AppendNumber(ReadInt64(raw.data()), out);
      return true;
    case Wire::kOid:
      if (raw.size() != 4) return false;
      AppendNumber(static_cast<std::uint32_t>(ReadInt32(raw.data())), out);
      return true;
    case Wire::kTid:  // block number, then line pointer: printed "(block,offset)"
      if (raw.size() != 6) return false;
      out->push_back('(');
      AppendNumber(static_cast<std::uint32_t>(ReadInt32(raw.data())), out);
      out->push_back(',');
      AppendNumber(static_cast<std::uint16_t>(ReadInt16(raw.data() + 4)), out);
      out->push_back(')');
      return true;
    case Wire::kDate:
    case Wire::kTimestamp:
      return false;  // the guard is read as a time (guard_time.h), never as text
    case Wire::kTextArray:
      return false;  // read element by element (BinaryTextArray)
  }
  return false;
}

bool BinaryTextArray::Open(std::string_view raw) {
  ok_ = false;
  left_ = 0;
  if (raw.size() < 12) return false;
  const std::int32_t dimensions = ReadInt32(raw.data());
  if (dimensions < 0 || dimensions > 6) return false;  // PostgreSQL's MAXDIM
  raw.remove_prefix(12);  // dimensions, the has-nulls flag, the element type
  if (raw.size() < static_cast<std::size_t>(dimensions) * 8) return false;
  std::uint64_t count = dimensions == 0 ? 0 : 1;
  for (std::int32_t d = 0; d < dimensions; ++d) {
    const std::int32_t size = ReadInt32(raw.data());
    if (size < 0) return false;
    count *= static_cast<std::uint64_t>(size);
    if (count > raw.size()) return false;  // each element takes 4 bytes at least
    raw.remove_prefix(8);
  }
  rest_ = raw;
  left_ = count;
  ok_ = true;
  return true;
}

bool BinaryTextArray::Next(std::string_view* element) {
  while (ok_ && left_ > 0) {
    --left_;
    if (rest_.size() < 4) return ok_ = false;
    const std::int32_t length = ReadInt32(rest_.data());
    rest_.remove_prefix(4);
    if (length == -1) continue;
    if (length < 0 || rest_.size() < static_cast<std::size_t>(length)) return ok_ = false;
    *element = rest_.substr(0, static_cast<std::size_t>(length));
    rest_.remove_prefix(static_cast<std::size_t>(length));
    return true;
  }
  if (ok_ && !rest_.empty()) ok_ = false;  // bytes after the last element
  return false;
}

}  // namespace tombstone::pg

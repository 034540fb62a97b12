#include "src/replay/rows_to_change.h"

#include <cstdint>
#include <string>

namespace tombstone::replay {
namespace {

void AppendLength(std::string* out, std::size_t n) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

std::size_t ReadLength(const std::string& in, std::size_t* offset) {
  std::size_t n = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(in[(*offset)++]);
    n |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return n;
  }
}

// "(block,offset)" to 4 + 2 bytes, big-endian; false when `text` is not that.
bool PackTid(std::string_view text, char out[6]) {
  if (text.size() < 5 || text.front() != '(' || text.back() != ')') return false;
  std::uint64_t block = 0, offset = 0;
  std::size_t i = 1;
  const auto number = [&](std::uint64_t* n, char end, std::uint64_t max) {
    const std::size_t start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      *n = *n * 10 + static_cast<std::uint64_t>(text[i] - '0');
      if (*n > max) return false;
    }
    return i > start && i < text.size() && text[i++] == end;
  };
  if (!number(&block, ',', 0xffffffffu) || !number(&offset, ')', 0xffffu) || i != text.size())
    return false;
  for (int b = 0; b < 4; ++b) out[b] = static_cast<char>(block >> (24 - 8 * b));
  out[4] = static_cast<char>(offset >> 8);
  out[5] = static_cast<char>(offset);
  return true;
}

void UnpackTid(std::string_view packed, std::string* text) {
  const auto byte = [&](int b) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(packed[b]));
  };
  const std::uint32_t block = byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
  const std::uint32_t offset = byte(4) << 8 | byte(5);
  *text = "(" + std::to_string(block) + "," + std::to_string(offset) + ")";
}

// The bytes that follow a value's length code (see Add).
std::size_t ValueBytes(std::size_t code, bool tid_column) {
  if (code == 0) return 0;
  if (tid_column) return code == 1 ? 6 : code - 2;
  return code - 1;
}

}  // namespace

// A value is stored as a length code and its bytes: 0 for NULL, else its length + 1; in a tid
// column 1 for a packed tid (6 bytes follow), else its length + 2 (text that is not a tid: never
// from the server, but never misread either).
void RowsToChange::Add(const std::string_view* const* values) {
  if (rows_ % kMarkEvery == 0) marks_.push_back(data_.size());
  for (std::size_t i = 0; i < width_; ++i) {
    if (values[i] == nullptr) {
      AppendLength(&data_, 0);
      continue;
    }
    char tid[6];
    if (tid_columns_[i] && PackTid(*values[i], tid)) {
      AppendLength(&data_, 1);
      data_.append(tid, 6);
      continue;
    }
    AppendLength(&data_, values[i]->size() + (tid_columns_[i] ? 2 : 1));
    data_.append(*values[i]);
  }
  ++rows_;
}

void RowsToChange::Append(const RowsToChange& other) {
  if (other.empty()) return;
  std::vector<std::string_view> values(width_);
  std::vector<const std::string_view*> pointers(width_);
  Cursor cursor(other, 0);
  for (std::size_t r = 0; r < other.rows_; ++r, cursor.Next()) {
    for (std::size_t i = 0; i < width_; ++i) {
      values[i] = cursor.Value(i);
      pointers[i] = cursor.IsNull(i) ? nullptr : &values[i];
    }
    Add(pointers.data());
  }
}

RowsToChange::Cursor::Cursor(const RowsToChange& rows, std::size_t row)
    : rows_(rows), values_(rows.width_), nulls_(rows.width_), tids_(rows.width_) {
  if (row >= rows.rows_) return;
  offset_ = rows.marks_[row / kMarkEvery];
  for (std::size_t skip = row % kMarkEvery; skip > 0; --skip) {
    for (std::size_t i = 0; i < rows.width_; ++i) {
      offset_ += ValueBytes(ReadLength(rows.data_, &offset_), rows.tid_columns_[i]);
    }
  }
  Decode();
}

void RowsToChange::Cursor::Decode() {
  if (offset_ >= rows_.data_.size()) return;
  std::size_t at = offset_;
  for (std::size_t i = 0; i < rows_.width_; ++i) {
    const std::size_t code = ReadLength(rows_.data_, &at);
    const bool tid = rows_.tid_columns_[i];
    const std::size_t n = ValueBytes(code, tid);
    nulls_[i] = code == 0;
    values_[i] = std::string_view(rows_.data_).substr(at, n);
    if (tid && code == 1) {
      UnpackTid(values_[i], &tids_[i]);
      values_[i] = tids_[i];
    }
    at += n;
  }
  next_ = at;
}

void RowsToChange::Cursor::Next() {
  offset_ = next_;
  Decode();
}

}  // namespace tombstone::replay

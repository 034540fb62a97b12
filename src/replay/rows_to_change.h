// The rows a scan found to change, kept until the apply step: packed into one buffer, with no
// allocation per row, so that millions of matched rows cost bytes each, not a vector of strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tombstone::replay {

// One row to change in its plain form (tests and small lists; the scan packs rows straight into
// RowsToChange): locator values, and per SetTarget the value 'hash' pseudonymizes.
struct RowToChange {
  std::vector<std::string> locator;
  std::vector<std::optional<std::string>> hashed;
  std::uint32_t tombstone = 0;
};

// The rows a scan found to change, packed into one buffer (no allocation per row): per row its
// locator values (one per locator column) and, per SetTarget, the value 'hash' pseudonymizes
// (NULL for the other strategies), each stored as a length and its bytes.
class RowsToChange {
 public:
  // `tid_columns[i]`: value i is a tid in its text form "(block,offset)" (as pg::Wire::kTid
  // prints it), kept in 6 bytes instead (a ctid locator then costs 7 bytes a row, not 12-14: a
  // million erasures delete 3M rows). Cursor::Value gives it back as text.
  explicit RowsToChange(std::size_t values_per_row = 0, std::vector<bool> tid_columns = {})
      : width_(values_per_row), tid_columns_(std::move(tid_columns)) {
    tid_columns_.resize(width_, false);
  }
  std::size_t size() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  std::size_t width() const { return width_; }
  std::size_t bytes() const { return data_.size(); }  // of the packed values
  // Appends a row of width() values; a null pointer stands for NULL.
  void Add(const std::string_view* const* values);
  // Appends every row of `other`, in order. REQUIRES: other.width() == width(), or other empty.
  void Append(const RowsToChange& other);

  // Reads rows in order from `row`: Next() moves to the next row, Value(i) / IsNull(i) read its
  // i-th value (views into the buffer, valid while the RowsToChange lives).
  class Cursor {
   public:
    Cursor(const RowsToChange& rows, std::size_t row);
    void Next();
    std::string_view Value(std::size_t i) const { return values_[i]; }
    bool IsNull(std::size_t i) const { return nulls_[i]; }
   private:
    void Decode();
    const RowsToChange& rows_;
    std::size_t offset_ = 0;
    std::size_t next_ = 0;
    std::vector<std::string_view> values_;
    std::vector<bool> nulls_;
    std::vector<std::string> tids_;  // the text of tid columns, per column
  };

 private:
  static constexpr std::size_t kMarkEvery = 256;  // a row offset kept every kMarkEvery rows
  std::size_t width_ = 0;
  std::vector<bool> tid_columns_;
  std::size_t rows_ = 0;
  std::string data_;
  std::vector<std::uint64_t> marks_;
};

}  // namespace tombstone::replay

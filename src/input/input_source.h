// FILE or "-" (standard input), for commands that read identifiers or records.
#pragma once

#include <fstream>
#include <istream>
#include <memory>
#include <string>

#include "tombstones/tombstones.h"

namespace tombstone {

using tombstones::Result;
using tombstones::Status;

// The longest line and the longest field that identifier inputs (add --ids-from, import)
// accept: an identifier, a request id or a hold reason is far shorter, and memory stays bounded
// whatever the input (docs/import.md, limits).
inline constexpr std::size_t kMaxInputLine = std::size_t{1} << 20;    // 1 MiB
inline constexpr std::size_t kMaxInputField = std::size_t{64} << 10;  // 64 KiB

class InputSource {
 public:
  // Opens `path`, or uses `standard_input` (which must outlive the source) for "-". kUsage when
  // the file cannot be opened.
  static Result<InputSource> Open(const std::string& path, std::istream& standard_input);
  std::istream& stream() { return file_ ? *file_ : *stdin_; }
  // Reads the next line into *line, without its '\n'. false at the end of the input; kUsage
  // naming line `line_no` when it is longer than kMaxInputLine (the rest is not read).
  Result<bool> ReadLine(std::string* line, long line_no);
  // "line 3 of 'ids.txt'" / "line 3 of standard input"
  std::string Where(long line) const;
  const std::string& name() const { return name_; }

 private:
  std::unique_ptr<std::ifstream> file_;
  std::istream* stdin_ = nullptr;
  std::string name_;
};

}  // namespace tombstone

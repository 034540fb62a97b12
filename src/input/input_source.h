// FILE or "-" (standard input), for commands that read identifiers or records. The bytes come
// through the one I/O layer (src/io/byte_stream.h), so a zstd-compressed list is read as well.
#pragma once

#include <istream>
#include <memory>
#include <string>

#include "src/io/byte_stream.h"
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
  InputSource(InputSource&&) noexcept;
  InputSource& operator=(InputSource&&) noexcept;
  ~InputSource();

  // The input as a stream. Its end may be an error (an unreadable file, a zstd stream cut
  // short): a reader that stops at the end must then check status().
  std::istream& stream() { return *stream_; }
  // Ok, or why the stream ended early (kUsage "unable to read 'ids.zst': truncated zstd stream").
  const Status& status() const;
  // Reads the next line into *line, without its '\n'. false at the end of the input; kUsage
  // naming line `line_no` when it is longer than kMaxInputLine (the rest is not read), and
  // status() when the input ended on an error.
  Result<bool> ReadLine(std::string* line, long line_no);
  // "line 3 of 'ids.txt'" / "line 3 of standard input"
  std::string Where(long line) const;
  const std::string& name() const { return name_; }

 private:
  InputSource() = default;
  class Buffer;  // a std::streambuf over file_
  std::unique_ptr<io::InputFile> file_;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::istream> stream_;
  std::string name_;
};

}  // namespace tombstone

// Streaming file input and output: plain or zstd-compressed (src/io/zstd.h), a file, standard
// input or a program's output, read and written in chunks so that a file of any size passes
// through bounded memory. The exports' readers and writers, the identifier lists of import.
#pragma once

#include <cstdio>
#include <functional>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "src/io/atomic_file.h"
#include "src/io/child_process.h"
#include "src/io/zstd.h"
#include "tombstones/tombstones.h"

namespace tombstone::io {

using tombstones::Result;
using tombstones::Status;

// Reads a file's bytes, decompressing on the fly when it is zstd-compressed (its name ends in
// ".zst" or its first bytes are the zstd magic number). Not thread-safe.
class InputFile {
 public:
  // kUsage when the file cannot be opened.
  static Result<std::unique_ptr<InputFile>> Open(const std::string& path);
  // Reads `in` (standard input), named `name` in messages; decompressed when it starts with the
  // zstd magic number. Nothing is read before the first Read (compressed() is known from then
  // on). `in` must outlive the InputFile.
  static Result<std::unique_ptr<InputFile>> OpenStream(std::istream& in, const std::string& name);
  // Reads the standard output of `argv` (pg_restore -f - DUMP), named `path` in messages. When
  // `feed` is given, a thread writes its bytes to the program's standard input (a .zst archive
  // decompressed on the way). The end of the output is an error (kUsage, with the program's last
  // line on stderr) unless the program exited with status 0 and `feed` was read to its end.
  static Result<std::unique_ptr<InputFile>> OpenProcess(const std::vector<std::string>& argv,
                                                        const std::string& path,
                                                        std::unique_ptr<InputFile> feed);
  ~InputFile();

  // Reads up to `capacity` bytes into `buf`; *got is 0 only at the end of the data.
  // kUsage ("unable to read 'f.zst': truncated zstd stream") when a compressed file ends
  // inside a frame, or when the file is unreadable or not valid zstd.
  Status Read(char* buf, std::size_t capacity, std::size_t* got);

  // Hands `bytes` out again before anything else: the head read to detect the format, put back
  // so that a pipe, which cannot be read twice, is still read whole. REQUIRES: nothing unread.
  void Unread(std::string bytes) {
    unread_ = std::move(bytes);
    unread_pos_ = 0;
  }

  bool compressed() const { return decoder_ != nullptr; }
  const std::string& path() const { return path_; }
  // Bytes read from the file itself so far (compressed size when compressed).
  std::uint64_t raw_bytes() const { return raw_bytes_; }

 private:
  InputFile() = default;
  Status Sniff();  // reads the first chunk: zstd or not
  Status ReadRaw(char* buf, std::size_t capacity, std::size_t* got);
  Status Error(const std::string& cause) const;
  Status FinishProcess();
  void Feed(int fd);

  std::string path_;
  std::FILE* file_ = nullptr;
  std::istream* stream_ = nullptr;  // OpenStream: read instead of file_
  std::string unread_;              // Unread(): handed out first
  std::size_t unread_pos_ = 0;
  std::unique_ptr<ZstdDecoder> decoder_;  // null when plain
  std::string raw_;                        // bytes read from the file, not yet handed out
  std::size_t raw_pos_ = 0, raw_size_ = 0;
  bool sniffed_ = false;  // Sniff() ran: compressed or not is known
  bool raw_eof_ = false;
  bool any_input_ = false;
  std::uint64_t raw_bytes_ = 0;
  // OpenProcess: the program, and the thread that feeds its standard input.
  std::unique_ptr<ChildProcess> child_;
  std::unique_ptr<InputFile> feed_;
  std::thread feeder_;
  Status feed_status_;
};

// The longest line (or CSV record) the export readers accept: memory stays bounded whatever
// the input, even a small .zst that expands to one endless line (docs/exports.md).
inline constexpr std::size_t kMaxLineBytes = std::size_t{128} << 20;  // 128 MiB

// Splits an InputFile into lines (each with its '\n', the last one maybe without). The line
// is valid until the next call. Lines longer than the buffer grow it, up to kMaxLineBytes.
class LineReader {
 public:
  explicit LineReader(InputFile& in) : in_(in) {}
  // *line is empty at the end of the data. kUsage naming the line number when a line is longer
  // than kMaxLineBytes.
  Status Next(std::string_view* line);
  // Bytes of decompressed data handed out so far.
  std::uint64_t bytes() const { return bytes_; }
  // Called after each chunk read from the file (about every 128 KiB), with the bytes read from
  // the file itself so far (compressed size when compressed): for progress reports.
  void OnChunk(std::function<void(std::uint64_t raw_bytes)> f) { on_chunk_ = std::move(f); }

 private:
  InputFile& in_;
  std::function<void(std::uint64_t)> on_chunk_;
  std::string buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::uint64_t bytes_ = 0;
  std::uint64_t lines_ = 0;  // lines handed out
};

// Writes OUT through a temporary file beside it (src/io/atomic_file.h: exclusive create, never
// through a symlink, synced and renamed over OUT by Commit()): OUT appears only complete.
// zstd-compressed (level 3, in one worker thread) when OUT ends in ".zst". Destroying an
// uncommitted OutputFile removes the temporary file. Not thread-safe.
class OutputFile {
 public:
  // kUsage when the temporary file cannot be created. `replace`: whether Commit() may replace
  // an existing OUT.
  static Result<std::unique_ptr<OutputFile>> Create(const std::string& path, bool replace = true);
  ~OutputFile();

  Status Write(std::string_view bytes);
  // Flushes, finishes the zstd frame, syncs and renames the temporary file to OUT.
  Status Commit();
  const std::string& temp_path() const { return file_->temp_path(); }

 private:
  OutputFile() = default;
  Status FlushBuffer(bool end);

  std::string path_;
  std::unique_ptr<AtomicFile> file_;
  std::unique_ptr<ZstdEncoder> encoder_;  // null when plain
  std::string buf_;                       // pending uncompressed bytes
};

bool EndsWith(std::string_view s, std::string_view suffix);

}  // namespace tombstone::io

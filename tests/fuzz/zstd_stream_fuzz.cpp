// The exports' file reader (src/io/byte_stream.h): plain or zstd input split into lines.
// The first byte chooses the name: 0 "in.zst" (read as zstd whatever it holds), other "in"
// (zstd only when it starts with the magic number). The rest is the file.
#include "src/io/byte_stream.h"
#include "tests/fuzz/fuzz_support.h"

using namespace tombstone;
using tombstone::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string path =
      fuzz::WriteScratch(data[0] == 0 ? "in.zst" : "in", fuzz::Text(data + 1, size - 1));
  auto in = io::InputFile::Open(path);
  Require(in.ok(), "unable to open the scratch file", in.status().message());
  io::LineReader lines(*in.value());
  std::uint64_t total = 0;
  for (;;) {
    std::string_view line;
    const tombstones::Status s = lines.Next(&line);
    if (!s.ok()) {
      Require(s.code() == tombstones::ExitCode::kUsage && s.message().starts_with("unable to read '"),
              "a read error that is not 'unable to read'", s.message());
      return 0;
    }
    if (line.empty()) break;
    const std::size_t newline = line.find('\n');
    Require(newline == std::string_view::npos || newline == line.size() - 1,
            "a line holding a newline before its end");
    total += line.size();
  }
  Require(total == lines.bytes(), "the lines do not add up to the bytes read");
  Require(in.value()->compressed() || total == size - 1, "a plain file read with other bytes");
  return 0;
}

#include "src/input/input_source.h"

#include <cerrno>
#include <cstring>

namespace tombstone {

Result<InputSource> InputSource::Open(const std::string& path, std::istream& standard_input) {
  InputSource source;
  if (path == "-") {
    source.stdin_ = &standard_input;
    source.name_ = "standard input";
    return source;
  }
  source.file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*source.file_)
    return Status::Usage("unable to open '" + path + "': " + std::strerror(errno));
  source.name_ = "'" + path + "'";
  return source;
}

Result<bool> InputSource::ReadLine(std::string* line, long line_no) {
  line->clear();
  std::streambuf* buf = stream().rdbuf();
  for (;;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) return !line->empty();
    if (c == '\n') return true;
    if (line->size() == kMaxInputLine)
      return Status::Usage("unable to read " + Where(line_no) + ": the line is longer than " +
                           std::to_string(kMaxInputLine >> 20) + " MiB");
    line->push_back(static_cast<char>(c));
  }
}

std::string InputSource::Where(long line) const {
  return "line " + std::to_string(line) + " of " + name_;
}

}  // namespace tombstone

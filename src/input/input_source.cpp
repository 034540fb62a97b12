#include "src/input/input_source.h"

#include <vector>

namespace tombstone {

// The readers (CsvReader, ReadLine) read a std::istream; this buffer fills it from the InputFile
// and keeps the error that ended it.
class InputSource::Buffer : public std::streambuf {
 public:
  explicit Buffer(io::InputFile& in) : in_(in), buf_(std::size_t{1} << 16) {}
  const Status& status() const { return status_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (!status_.ok()) return traits_type::eof();
    std::size_t got = 0;
    status_ = in_.Read(buf_.data(), buf_.size(), &got);
    if (!status_.ok() || got == 0) return traits_type::eof();
    setg(buf_.data(), buf_.data(), buf_.data() + got);
    return traits_type::to_int_type(*gptr());
  }

 private:
  io::InputFile& in_;
  std::vector<char> buf_;
  Status status_;
};

InputSource::InputSource(InputSource&&) noexcept = default;
InputSource& InputSource::operator=(InputSource&&) noexcept = default;
InputSource::~InputSource() = default;

Result<InputSource> InputSource::Open(const std::string& path, std::istream& standard_input) {
  InputSource source;
  auto file = path == "-" ? io::InputFile::OpenStream(standard_input, "standard input")
                          : io::InputFile::Open(path);
  if (!file.ok()) return file.status();
  source.name_ = path == "-" ? "standard input" : "'" + path + "'";
  source.file_ = std::move(file.value());
  source.buffer_ = std::make_unique<Buffer>(*source.file_);
  source.stream_ = std::make_unique<std::istream>(source.buffer_.get());
  return source;
}

const Status& InputSource::status() const { return buffer_->status(); }

Result<bool> InputSource::ReadLine(std::string* line, long line_no) {
  line->clear();
  std::streambuf* buf = stream().rdbuf();
  for (;;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      if (!status().ok()) return status();
      return !line->empty();
    }
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

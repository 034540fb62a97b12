#include "src/io/byte_stream.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tombstone::io {
namespace {

constexpr std::size_t kChunk = 1 << 17;      // 128 KiB
constexpr std::size_t kOutBuffer = 1 << 20;  // 1 MiB before a write or a compress step

std::string Errno() { return std::strerror(errno); }

}  // namespace

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ---------------------------------------------------------------------------------------------
// InputFile

Result<std::unique_ptr<InputFile>> InputFile::Open(const std::string& path) {
  std::unique_ptr<InputFile> in(new InputFile());
  in->path_ = path;
  in->file_ = std::fopen(path.c_str(), "rb");
  if (in->file_ == nullptr) return Status::Usage("unable to open '" + path + "': " + Errno());
  if (Status s = in->Sniff(); !s.ok()) return s;
  return in;
}

Result<std::unique_ptr<InputFile>> InputFile::OpenStream(std::istream& stream,
                                                         const std::string& name) {
  std::unique_ptr<InputFile> in(new InputFile());
  in->path_ = name;
  in->stream_ = &stream;
  // Sniffed at the first Read: opening standard input must not wait for a slow producer (import
  // reads its list before it opens the store; the store is opened meanwhile).
  return in;
}

// Compressed when named so or when it starts with the zstd magic number.
Status InputFile::Sniff() {
  sniffed_ = true;
  raw_.resize(ZstdDecoder::InputChunk());
  std::size_t got = 0;
  if (Status s = ReadRaw(raw_.data(), raw_.size(), &got); !s.ok()) return s;
  raw_pos_ = 0;
  raw_size_ = got;
  if (StartsWithZstdMagic({raw_.data(), got}) || EndsWith(path_, ".zst")) {
    decoder_ = ZstdDecoder::Create();
    if (decoder_ == nullptr) return Error("out of memory for the zstd decoder");
  }
  return Status::Ok();
}

Result<std::unique_ptr<InputFile>> InputFile::OpenProcess(const std::vector<std::string>& argv,
                                                          const std::string& path,
                                                          std::unique_ptr<InputFile> feed) {
  std::unique_ptr<InputFile> in(new InputFile());
  in->path_ = path;
  in->sniffed_ = true;  // the program's output is plain text, whatever the dump's name
  int to_child[2] = {-1, -1};
  if (feed != nullptr && ::pipe2(to_child, O_CLOEXEC) != 0)
    return in->Error("unable to create a pipe: " + Errno());
  auto child = ChildProcess::Start(argv, to_child[0]);
  if (!child.ok()) {
    if (to_child[1] >= 0) ::close(to_child[1]);
    return child.status();
  }
  in->child_ = std::move(child.value());
  in->file_ = ::fdopen(in->child_->ReleaseStdout(), "rb");
  if (in->file_ == nullptr) return in->Error(Errno());
  if (feed != nullptr) {
    in->feed_ = std::move(feed);
    in->feeder_ = std::thread([raw = in.get(), fd = to_child[1]] { raw->Feed(fd); });
  }
  return in;
}

// The feeder thread: copies feed_ into the program's standard input, then closes it. SIGPIPE is
// blocked here so that a program that stops reading makes write() fail instead of killing us.
void InputFile::Feed(int fd) {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  std::string buf(kChunk, '\0');
  for (;;) {
    std::size_t got = 0;
    feed_status_ = feed_->Read(buf.data(), buf.size(), &got);
    if (!feed_status_.ok() || got == 0) break;
    for (std::size_t done = 0; done < got;) {
      const ssize_t n = ::write(fd, buf.data() + done, got - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {  // the program stopped reading: its exit status says why
        ::close(fd);
        return;
      }
      done += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
}

// The end of a program's output: the feed must have been read whole and the program succeeded.
Status InputFile::FinishProcess() {
  if (feeder_.joinable()) feeder_.join();
  if (!feed_status_.ok()) return feed_status_;
  Status s = child_->Wait();
  child_.reset();
  return s.ok() ? s : Error(s.message());
}

InputFile::~InputFile() {
  if (file_ != nullptr) std::fclose(file_);
  child_.reset();  // stops a program whose output was not read to the end
  if (feeder_.joinable()) feeder_.join();
}

Status InputFile::Error(const std::string& cause) const {
  return Status::Usage("unable to read '" + path_ + "': " + cause);
}

Status InputFile::ReadRaw(char* buf, std::size_t capacity, std::size_t* got) {
  if (stream_ != nullptr) {
    stream_->read(buf, static_cast<std::streamsize>(capacity));
    *got = static_cast<std::size_t>(stream_->gcount());
    if (*got < capacity && stream_->bad()) return Error("read failed");
  } else {
    *got = std::fread(buf, 1, capacity, file_);
  }
  if (*got < capacity) {
    if (file_ != nullptr && std::ferror(file_)) return Error(Errno());
    raw_eof_ = true;
    if (child_ != nullptr)
      if (Status s = FinishProcess(); !s.ok()) return s;
  }
  raw_bytes_ += *got;
  if (*got > 0) any_input_ = true;
  return Status::Ok();
}

Status InputFile::Read(char* buf, std::size_t capacity, std::size_t* got) {
  *got = 0;
  if (!sniffed_)
    if (Status s = Sniff(); !s.ok()) return s;
  if (unread_pos_ < unread_.size()) {
    const std::size_t n = std::min(capacity, unread_.size() - unread_pos_);
    std::memcpy(buf, unread_.data() + unread_pos_, n);
    unread_pos_ += n;
    *got = n;
    if (unread_pos_ == unread_.size()) std::string().swap(unread_);
    return Status::Ok();
  }
  if (decoder_ == nullptr) {
    // Plain: first hand out what Open() read to sniff the format.
    if (raw_pos_ < raw_size_) {
      const std::size_t n = std::min(capacity, raw_size_ - raw_pos_);
      std::memcpy(buf, raw_.data() + raw_pos_, n);
      raw_pos_ += n;
      *got = n;
      return Status::Ok();
    }
    if (raw_eof_) return Status::Ok();
    return ReadRaw(buf, capacity, got);
  }
  std::size_t out = 0;
  while (out == 0) {
    if (raw_pos_ == raw_size_) {
      if (raw_eof_) {
        // The end of the file must be the end of a frame.
        if (!any_input_ || !decoder_->at_frame_end()) return Error("truncated zstd stream");
        return Status::Ok();
      }
      std::size_t n = 0;
      if (Status s = ReadRaw(raw_.data(), raw_.size(), &n); !s.ok()) return s;
      raw_pos_ = 0;
      raw_size_ = n;
      if (n == 0) continue;
    }
    if (!decoder_->Step(raw_.data(), raw_size_, &raw_pos_, buf, capacity, &out))
      return Error(decoder_->error());
    // A frame may end with output still buffered in the decoder: loop until output or EOF.
  }
  *got = out;
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// LineReader

Status LineReader::Next(std::string_view* line) {
  for (;;) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    if (nl != nullptr) {
      const std::size_t n = static_cast<const char*>(nl) - start + 1;
      *line = std::string_view(start, n);
      begin_ += n;
      bytes_ += n;
      ++lines_;
      return Status::Ok();
    }
    if (eof_) {
      *line = std::string_view(start, end_ - begin_);
      bytes_ += end_ - begin_;
      if (begin_ != end_) ++lines_;
      begin_ = end_;
      return Status::Ok();
    }
    if (end_ - begin_ > kMaxLineBytes)
      return Status::Usage("unable to read '" + in_.path() + "': line " +
                               std::to_string(lines_ + 1) + " is longer than " +
                               std::to_string(kMaxLineBytes >> 20) + " MiB",
                           "a line or record this long is not an export this tool reads "
                           "(docs/exports.md, limits)");
    // Move the partial line to the front and fill the rest; grow for a long line.
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (buf_.size() - end_ < kChunk)  // never much past the limit: it is checked above
      buf_.resize(
          std::min(std::max(buf_.size() * 2, end_ + 4 * kChunk), kMaxLineBytes + 4 * kChunk));
    std::size_t got = 0;
    if (Status s = in_.Read(buf_.data() + end_, buf_.size() - end_, &got); !s.ok()) return s;
    if (got == 0) eof_ = true;
    end_ += got;
    if (on_chunk_) on_chunk_(in_.raw_bytes());
  }
}

// ---------------------------------------------------------------------------------------------
// OutputFile

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path, bool replace) {
  std::unique_ptr<OutputFile> out(new OutputFile());
  out->path_ = path;
  // The mode a new file gets (0666 less the umask), as the tool that made IN would give it.
  auto file = AtomicFile::Create(path, {.mode = 0666, .replace = replace});
  if (!file.ok()) return file.status();
  out->file_ = std::move(file.value());
  if (EndsWith(path, ".zst")) {
    // One worker thread compresses while this one reads and matches.
    auto encoder = ZstdEncoder::Create(path, {.level = 3, .checksum = false, .workers = 1});
    if (!encoder.ok()) return encoder.status();
    out->encoder_ = std::move(encoder.value());
  }
  out->buf_.reserve(kOutBuffer);
  return out;
}

OutputFile::~OutputFile() = default;

Status OutputFile::Write(std::string_view bytes) {
  buf_.append(bytes);
  if (buf_.size() >= kOutBuffer) return FlushBuffer(false);
  return Status::Ok();
}

Status OutputFile::FlushBuffer(bool end) {
  Status s =
      encoder_ == nullptr
          ? file_->Write(buf_)
          : encoder_->Compress(buf_, end, [this](std::string_view z) { return file_->Write(z); });
  buf_.clear();
  return s;
}

Status OutputFile::Commit() {
  if (Status s = FlushBuffer(true); !s.ok()) return s;
  return file_->Commit();
}

}  // namespace tombstone::io

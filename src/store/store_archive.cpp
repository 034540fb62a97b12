// The store export file (layout in store_archive.h and docs/store-export.md).
#include "src/store/store_archive.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "src/io/atomic_file.h"
#include "src/io/hex.h"
#include "src/io/zstd.h"

namespace tombstone::store {
namespace {

namespace fs = std::filesystem;
using tombstones::Result;
using tombstones::Status;

constexpr std::string_view kMagic = "tombstone-store-export ";
constexpr std::string_view kTrailerTag = "blake2b-256 ";
constexpr std::size_t kTrailerSize = 12 + 64 + 1;
constexpr std::size_t kChunk = 1 << 16;

// Writes bytes to the export's temporary file while hashing them; the first error is kept.
class HashedFile {
 public:
  explicit HashedFile(io::AtomicFile* out) : out_(out) {
    crypto_generichash_init(&state_, nullptr, 0, 32);
  }
  const Status& status() const { return status_; }
  void Write(std::string_view bytes) {
    crypto_generichash_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
    WriteRaw(bytes);
  }
  std::string Digest() {
    std::array<unsigned char, 32> d{};
    crypto_generichash_final(&state_, d.data(), d.size());
    return io::Hex(d.data(), d.size());
  }
  void WriteRaw(std::string_view bytes) {  // not hashed: the trailer
    if (status_.ok()) status_ = out_->Write(bytes);
    written_ += bytes.size();
  }
  std::uint64_t written() const { return written_; }

 private:
  io::AtomicFile* out_;
  Status status_;
  crypto_generichash_state state_;
  std::uint64_t written_ = 0;
};

// Compresses the payload into a HashedFile: level 9, with zstd's own checksum per frame.
class Compressor {
 public:
  explicit Compressor(HashedFile* file) : file_(file) {
    auto encoder = io::ZstdEncoder::Create("store export", {.level = 9, .checksum = true});
    if (encoder.ok()) encoder_ = std::move(encoder.value());
  }
  bool Write(std::string_view bytes, bool last = false) {
    if (encoder_ == nullptr) return false;  // out of memory
    const auto sink = [this](std::string_view z) {
      file_->Write(z);
      return file_->status();
    };
    return encoder_->Compress(bytes, last, sink).ok();
  }

 private:
  HashedFile* file_;
  std::unique_ptr<io::ZstdEncoder> encoder_;
};

Status WriteFiles(const std::string& checkpoint_dir, Compressor& z, ArchiveSummary* summary) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(checkpoint_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec))
      return Status::Failed("unable to export '" + it->path().string() +
                            "': not a regular file in the checkpoint");
    files.push_back(it->path());
  }
  if (ec) return Status::Failed("unable to export '" + checkpoint_dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<char> buf(kChunk);
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::uint64_t size = fs::file_size(path, ec);
    if (!in || ec ||
        !z.Write("file " + std::to_string(size) + " " + path.filename().string() + "\n"))
      return Status::Failed("unable to export '" + path.string() + "': cannot read it");
    std::uint64_t left = size;
    while (left > 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      if (!in.read(buf.data(), static_cast<std::streamsize>(n)) || !z.Write({buf.data(), n}))
        return Status::Failed("unable to export '" + path.string() + "': read or compress failed");
      left -= n;
    }
    ++summary->files;
    summary->bytes += size;
  }
  if (!z.Write("end " + std::to_string(files.size()) + "\n", /*last=*/true))
    return Status::Failed("unable to export: compression failed");
  return Status::Ok();
}

Status Corrupt(const std::string& file, const std::string& cause) {
  return Status::StoreError("unable to import store export '" + file + "': " + cause,
                            "use another copy of the export; nothing was changed");
}

// Reads the decompressed payload of a verified archive, bounded to the compressed range.
class Decompressor {
 public:
  Decompressor(std::ifstream* in, std::uint64_t compressed)
      : in_(in),
        left_(compressed),
        decoder_(io::ZstdDecoder::Create()),
        inbuf_(io::ZstdDecoder::InputChunk()) {}
  // Fills exactly n bytes; false at the end of the stream or on error.
  bool Read(char* out, std::size_t n) {
    while (n > 0) {
      if (pos_ == have_.size()) {
        if (!Refill()) return false;
        continue;
      }
      const std::size_t take = std::min(n, have_.size() - pos_);
      std::copy_n(have_.data() + pos_, take, out);
      pos_ += take;
      out += take;
      n -= take;
    }
    return true;
  }
  bool Line(std::string* line) {
    line->clear();
    char c = 0;
    while (Read(&c, 1)) {
      if (c == '\n') return true;
      if (line->size() > 4096) return false;
      line->push_back(c);
    }
    return false;
  }

 private:
  bool Refill() {
    if (decoder_ == nullptr) return false;  // out of memory
    have_.resize(io::ZstdDecoder::OutputChunk());
    pos_ = 0;
    for (;;) {
      if (in_pos_ == in_size_) {
        if (left_ == 0) return false;
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, inbuf_.size()));
        if (!in_->read(inbuf_.data(), static_cast<std::streamsize>(n))) return false;
        left_ -= n;
        in_pos_ = 0;
        in_size_ = n;
      }
      std::size_t out = 0;
      if (!decoder_->Step(inbuf_.data(), in_size_, &in_pos_, have_.data(), have_.size(), &out))
        return false;
      if (out > 0) {
        have_.resize(out);
        return true;
      }
    }
  }
  std::ifstream* in_;
  std::uint64_t left_;
  std::unique_ptr<io::ZstdDecoder> decoder_;
  std::vector<char> inbuf_;
  std::size_t in_pos_ = 0, in_size_ = 0;
  std::vector<char> have_;
  std::size_t pos_ = 0;
};

// The header line, without its newline. A file that is not an export may hold no newline at
// all: at most kMaxHeaderLine bytes are read, never the whole file.
constexpr std::size_t kMaxHeaderLine = 256;
bool ReadHeaderLine(std::ifstream& in, std::string* header) {
  header->clear();
  for (char c = 0; in.get(c);) {
    if (c == '\n') return true;
    if (header->size() == kMaxHeaderLine) return false;
    header->push_back(c);
  }
  return false;
}

bool ValidName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

}  // namespace

Result<ArchiveSummary> WriteStoreArchive(const std::string& checkpoint_dir, const std::string& file,
                                         bool replace) {
  // 0600: the export carries the hash of every erased identifier, like the store (0700).
  auto target = io::AtomicFile::Create(file, {.mode = 0600, .replace = replace});
  if (!target.ok()) return target.status();
  HashedFile out(target.value().get());
  out.Write(std::string(kMagic) + std::to_string(kStoreArchiveFormat) + " created=" +
            tombstones::FormatTime(tombstones::Now()) + " tool=" +
            std::string(tombstones::Version()) + "\n");
  ArchiveSummary summary;
  Compressor z(&out);
  Status s = WriteFiles(checkpoint_dir, z, &summary);
  if (!out.status().ok()) s = out.status();  // a write error, not the reading it interrupted
  if (s.ok()) {
    summary.checksum = out.Digest();
    out.WriteRaw(std::string(kTrailerTag) + summary.checksum + "\n");
    summary.written = out.written();
    s = out.status();
  }
  if (s.ok()) s = target.value()->Commit();
  if (!s.ok()) return s;  // the temporary file goes with `target`
  return summary;
}

Result<ArchiveSummary> VerifyStoreArchive(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::Usage("unable to open store export '" + file + "': no such file");
  std::error_code ec;
  const std::uint64_t size = fs::file_size(file, ec);
  std::string header;
  if (!ReadHeaderLine(in, &header) || header.rfind(kMagic, 0) != 0)
    return Corrupt(file, "not a tombstone store export");
  const std::string format = header.substr(kMagic.size(), header.find(' ', kMagic.size()) - kMagic.size());
  if (format != std::to_string(kStoreArchiveFormat)) {
    const bool number = !format.empty() && format.size() <= 9 &&
                        format.find_first_not_of("0123456789") == std::string::npos;
    const std::string what = number ? "export format " + format : "an unknown export format";
    return Corrupt(file, what + " is not supported by this version (format " +
                             std::to_string(kStoreArchiveFormat) + ")");
  }
  if (ec || size < header.size() + 1 + kTrailerSize) return Corrupt(file, "the file is truncated");
  in.clear();
  in.seekg(0);
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  std::vector<char> buf(kChunk);
  std::uint64_t left = size - kTrailerSize;
  while (left > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    if (!in.read(buf.data(), static_cast<std::streamsize>(n))) return Corrupt(file, "read failed");
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(buf.data()), n);
    left -= n;
  }
  std::string trailer(kTrailerSize, '\0');
  if (!in.read(trailer.data(), static_cast<std::streamsize>(kTrailerSize)))
    return Corrupt(file, "read failed");
  if (trailer.rfind(kTrailerTag, 0) != 0 || trailer.back() != '\n')
    return Corrupt(file, "the file is truncated (no checksum trailer at its end)");
  std::array<unsigned char, 32> digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());
  ArchiveSummary summary;
  summary.checksum = io::Hex(digest.data(), digest.size());
  summary.written = size;
  if (trailer.substr(kTrailerTag.size(), 64) != summary.checksum)
    return Corrupt(file, "checksum mismatch: the file was changed or damaged");
  return summary;
}

Status ExtractStoreArchive(const std::string& file, const std::string& dir) {
  std::ifstream in(file, std::ios::binary);
  std::string header;
  if (!in || !ReadHeaderLine(in, &header)) return Corrupt(file, "read failed");
  std::error_code size_error;
  const std::uint64_t size = fs::file_size(file, size_error);
  if (size_error || size < header.size() + 1 + kTrailerSize) return Corrupt(file, "read failed");
  Decompressor z(&in, size - kTrailerSize - header.size() - 1);
  std::string line;
  std::vector<char> buf(kChunk);
  for (int files = 0;; ++files) {
    if (!z.Line(&line)) return Corrupt(file, "the compressed content is malformed");
    if (line == "end " + std::to_string(files)) return Status::Ok();  // each file synced its name
    std::size_t size_end = line.find(' ', 5);
    if (line.rfind("file ", 0) != 0 || size_end == std::string::npos)
      return Corrupt(file, "the compressed content is malformed");
    std::uint64_t bytes = 0;
    const auto [end, ec] = std::from_chars(line.data() + 5, line.data() + size_end, bytes);
    if (ec != std::errc() || end != line.data() + size_end)
      return Corrupt(file, "the compressed content is malformed");
    const std::string name = line.substr(size_end + 1);
    if (!ValidName(name)) return Corrupt(file, "it names a file outside the store");
    // A new name in a fresh private directory, never through a link, 0600 like the store; a name
    // listed twice makes Commit refuse to replace the first.
    auto out = io::AtomicFile::Create(dir + "/" + name, {.mode = 0600, .replace = false});
    if (!out.ok())
      return Status::Failed("unable to import store export '" + file +
                            "': " + out.status().message());
    for (std::uint64_t left = bytes; left > 0;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      if (!z.Read(buf.data(), n)) return Corrupt(file, "a file is cut short");
      if (Status s = out.value()->Write({buf.data(), n}); !s.ok()) return s;
      left -= n;
    }
    if (Status s = out.value()->Commit(); !s.ok())
      return s.code() == tombstones::ExitCode::kUsage
                 ? Corrupt(file, "the compressed content is malformed")  // a name listed twice
                 : s;
  }
}

}  // namespace tombstone::store

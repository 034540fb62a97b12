// The store export reader ('tombstone store import'): VerifyStoreArchive, then, when the file
// verifies, ExtractStoreArchive into a fresh directory. The checksum would stop almost every
// mutated file at Verify, so the first byte chooses what the rest is:
//   0     the whole file, as is
//   1     the header line and the compressed content: the checksum trailer is appended
//   other the uncompressed content ("file <size> <name>\n" <bytes>)* "end <count>\n": the
//         header line goes in front, it is zstd-compressed and the trailer is appended
// so that the parser behind the checksum is fuzzed too.
#include <sodium.h>
#include <sys/stat.h>
#include <zstd.h>

#include "src/store/store_archive.h"
#include "tests/fuzz/fuzz_support.h"

using namespace tombstone;
using tombstone::fuzz::Require;

namespace {

std::string WithTrailer(std::string file) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(file.data()),
                     file.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return file + "blake2b-256 " + hex + "\n";
}

std::string Compressed(std::string_view content) {
  std::string out(ZSTD_compressBound(content.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), content.data(), content.size(), 1);
  Require(!ZSTD_isError(n), "unable to compress a fuzz input");
  out.resize(n);
  return out;
}

void RequireUnableTo(const tombstones::Status& s, const char* what) {
  Require(s.code() == tombstones::ExitCode::kStoreError || s.code() == tombstones::ExitCode::kUsage ||
              s.code() == tombstones::ExitCode::kFailed,
          what, s.message());
  Require(s.message().starts_with("unable to "), what, s.message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = fuzz::Text(data + 1, size - 1);
  const std::string header = "tombstone-store-export 1 created=2026-01-01T00:00:00Z tool=0.1.0\n";
  std::string file;
  if (data[0] == 0)
    file = rest;
  else if (data[0] == 1)
    file = WithTrailer(std::string(rest));
  else
    file = WithTrailer(header + Compressed(rest));
  const std::string path = fuzz::WriteScratch("export", file);
  auto verified = store::VerifyStoreArchive(path);
  if (!verified.ok()) {
    Require(data[0] == 0 || data[0] == 1, "a well-formed archive did not verify",
            verified.status().message());
    RequireUnableTo(verified.status(), "an archive refused without 'unable to'");
    return 0;
  }
  const std::string dir = fuzz::ScratchDir() + "/extract";
  fuzz::RemoveAll(dir);
  Require(::mkdir(dir.c_str(), 0700) == 0, "unable to create the extract directory");
  const tombstones::Status extracted = store::ExtractStoreArchive(path, dir);
  if (!extracted.ok()) RequireUnableTo(extracted, "an extract refused without 'unable to'");
  fuzz::RemoveAll(dir);
  return 0;
}

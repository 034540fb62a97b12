// src/io/zstd: the one zstd codec. A stream cut short must never pass for a complete one.
#include "src/io/zstd.h"

#include <zstd.h>

#include <catch2/catch.hpp>
#include <string>

namespace tombstone::testing {
namespace {

using io::ZstdDecoder;
using io::ZstdEncoder;

std::string Compress(const std::string& text, ZstdEncoder::Options options) {
  auto encoder = ZstdEncoder::Create("test", options);
  REQUIRE(encoder.ok());
  std::string out;
  const auto sink = [&](std::string_view z) {
    out.append(z);
    return tombstones::Status::Ok();
  };
  // Two calls: the frame spans them.
  REQUIRE(encoder.value()->Compress(text.substr(0, text.size() / 2), false, sink).ok());
  REQUIRE(encoder.value()->Compress(text.substr(text.size() / 2), true, sink).ok());
  return out;
}

// Decompresses `z` in small steps; false (with the decoder's error) on invalid data.
bool Decompress(const std::string& z, std::string* text, bool* complete, std::string* error) {
  auto decoder = ZstdDecoder::Create();
  REQUIRE(decoder != nullptr);
  std::size_t in_pos = 0;
  char buf[64];
  while (in_pos < z.size()) {
    std::size_t out_pos = 0;
    if (!decoder->Step(z.data(), z.size(), &in_pos, buf, sizeof buf, &out_pos)) {
      *error = decoder->error();
      return false;
    }
    text->append(buf, out_pos);
  }
  for (;;) {  // flush what the decoder still holds
    std::size_t out_pos = 0;
    REQUIRE(decoder->Step(z.data(), z.size(), &in_pos, buf, sizeof buf, &out_pos));
    if (out_pos == 0) break;
    text->append(buf, out_pos);
  }
  *complete = decoder->at_frame_end();
  return true;
}

TEST_CASE("zstd: what the encoder writes, the decoder and libzstd read back", "[io]") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "row " + std::to_string(i) + "\n";
  for (const ZstdEncoder::Options options :
       {ZstdEncoder::Options{.level = 3}, ZstdEncoder::Options{.level = 9, .checksum = true},
        ZstdEncoder::Options{.level = 3, .workers = 1}}) {
    const std::string z = Compress(text, options);
    CHECK(io::StartsWithZstdMagic(z));
    CHECK(z.size() < text.size() / 4);
    std::string back, error;
    bool complete = false;
    REQUIRE(Decompress(z, &back, &complete, &error));
    CHECK(complete);
    CHECK(back == text);
    // An independent reader: the frame is standard zstd.
    std::string plain(text.size(), '\0');
    CHECK(ZSTD_decompress(plain.data(), plain.size(), z.data(), z.size()) == text.size());
    CHECK(plain == text);
  }
}

TEST_CASE("zstd: a stream cut short is not at a frame's end; garbage is an error", "[io]") {
  std::string text(100000, 'x');
  for (std::size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
  const std::string z = Compress(text, {.level = 3, .checksum = true});
  std::string back, error;
  bool complete = true;
  REQUIRE(Decompress(z.substr(0, z.size() - 5), &back, &complete, &error));
  CHECK_FALSE(complete);
  CHECK(back.size() < text.size());

  back.clear();
  CHECK_FALSE(Decompress("\x28\xb5\x2f\xfd garbage that is not a frame", &back, &complete, &error));
  CHECK(error.find("not a valid zstd stream") == 0);
  CHECK_FALSE(io::StartsWithZstdMagic("PGDMP"));
  CHECK_FALSE(io::StartsWithZstdMagic("\x28\xb5"));
}

TEST_CASE("zstd: the sink's error stops compression and is returned", "[io]") {
  auto encoder = ZstdEncoder::Create("out.zst", {});
  REQUIRE(encoder.ok());
  const auto full = [](std::string_view) {
    return tombstones::Status::Failed("unable to write 'out.zst': No space left on device");
  };
  const tombstones::Status s = encoder.value()->Compress(std::string(1000, 'a'), true, full);
  CHECK(s.code() == tombstones::ExitCode::kFailed);
  CHECK(s.message() == "unable to write 'out.zst': No space left on device");
}

}  // namespace
}  // namespace tombstone::testing

// The one place that speaks zstd: streaming compression and decompression, each context owned
// and freed here. Files (byte_stream.h) and the store's export archive both go through it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstone::io {

using tombstones::Result;
using tombstones::Status;

// Whether `head` (a file's first bytes) starts with the zstd frame magic number.
bool StartsWithZstdMagic(std::string_view head);

class ZstdEncoder {
 public:
  struct Options {
    int level = 3;
    bool checksum = false;  // a content checksum in each frame (checked on decompression)
    int workers = 0;        // compression threads besides the caller's (0: inline)
  };
  // `name` is what messages call the output. kFailed when zstd cannot allocate its context.
  static Result<std::unique_ptr<ZstdEncoder>> Create(const std::string& name, Options options);
  ~ZstdEncoder();
  ZstdEncoder(const ZstdEncoder&) = delete;
  ZstdEncoder& operator=(const ZstdEncoder&) = delete;

  // Compresses `bytes`, handing every compressed chunk to `sink`; with `end`, also finishes the
  // frame. The sink's first error is returned; kFailed ("unable to compress ...") from zstd.
  Status Compress(std::string_view bytes, bool end,
                  const std::function<Status(std::string_view)>& sink);

 private:
  ZstdEncoder() = default;
  struct Context;
  std::string name_;
  Context* ctx_ = nullptr;
  std::string out_;  // one compressed chunk
};

class ZstdDecoder {
 public:
  // nullptr when zstd cannot allocate its context.
  static std::unique_ptr<ZstdDecoder> Create();
  ~ZstdDecoder();
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  // Decompresses from in[*in_pos, in_size) into out[*out_pos, out_size), advancing both. false
  // on invalid data, with the reason in error().
  bool Step(const char* in, std::size_t in_size, std::size_t* in_pos, char* out,
            std::size_t out_size, std::size_t* out_pos);
  // Whether the last Step ended exactly at the end of a frame (with everything flushed): a
  // stream that stops anywhere else is truncated.
  bool at_frame_end() const { return last_hint_ == 0; }
  const std::string& error() const { return error_; }
  // A good size for the input and output buffers.
  static std::size_t InputChunk();
  static std::size_t OutputChunk();

 private:
  ZstdDecoder() = default;
  struct Context;
  Context* ctx_ = nullptr;
  std::size_t last_hint_ = 1;
  std::string error_;
};

}  // namespace tombstone::io

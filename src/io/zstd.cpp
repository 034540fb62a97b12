#include "src/io/zstd.h"

#include <zstd.h>

#include <cstring>

namespace tombstone::io {

namespace {
constexpr unsigned char kZstdMagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
}  // namespace

bool StartsWithZstdMagic(std::string_view head) {
  return head.size() >= sizeof kZstdMagic && std::memcmp(head.data(), kZstdMagic, 4) == 0;
}

// ---------------------------------------------------------------------------------------------
// ZstdEncoder

struct ZstdEncoder::Context {
  ZSTD_CCtx* cctx;
};

Result<std::unique_ptr<ZstdEncoder>> ZstdEncoder::Create(const std::string& name,
                                                         Options options) {
  std::unique_ptr<ZstdEncoder> encoder(new ZstdEncoder());
  encoder->name_ = name;
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  if (cctx == nullptr)
    return Status::Failed("unable to compress '" + name + "': out of memory for the zstd encoder");
  encoder->ctx_ = new Context{cctx};
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, options.level);
  if (options.checksum) ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  // Ignored by a libzstd built without threads: it then compresses inline.
  if (options.workers > 0) ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, options.workers);
  encoder->out_.resize(ZSTD_CStreamOutSize());
  return encoder;
}

ZstdEncoder::~ZstdEncoder() {
  if (ctx_ != nullptr) ZSTD_freeCCtx(ctx_->cctx);
  delete ctx_;
}

Status ZstdEncoder::Compress(std::string_view bytes, bool end,
                             const std::function<Status(std::string_view)>& sink) {
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
  for (;;) {
    ZSTD_outBuffer out{out_.data(), out_.size(), 0};
    const std::size_t remaining = ZSTD_compressStream2(ctx_->cctx, &out, &in, mode);
    if (ZSTD_isError(remaining))
      return Status::Failed("unable to compress '" + name_ + "': " + ZSTD_getErrorName(remaining));
    if (out.pos > 0)
      if (Status s = sink({out_.data(), out.pos}); !s.ok()) return s;
    if (end ? remaining == 0 : in.pos == in.size) return Status::Ok();
  }
}

// ---------------------------------------------------------------------------------------------
// ZstdDecoder

struct ZstdDecoder::Context {
  ZSTD_DCtx* dctx;
};

std::unique_ptr<ZstdDecoder> ZstdDecoder::Create() {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) return nullptr;
  std::unique_ptr<ZstdDecoder> decoder(new ZstdDecoder());
  decoder->ctx_ = new Context{dctx};
  return decoder;
}

ZstdDecoder::~ZstdDecoder() {
  if (ctx_ != nullptr) ZSTD_freeDCtx(ctx_->dctx);
  delete ctx_;
}

bool ZstdDecoder::Step(const char* in, std::size_t in_size, std::size_t* in_pos, char* out,
                       std::size_t out_size, std::size_t* out_pos) {
  ZSTD_inBuffer input{in, in_size, *in_pos};
  ZSTD_outBuffer output{out, out_size, *out_pos};
  const std::size_t hint = ZSTD_decompressStream(ctx_->dctx, &output, &input);
  const bool moved = input.pos != *in_pos || output.pos != *out_pos;
  *in_pos = input.pos;
  *out_pos = output.pos;
  if (ZSTD_isError(hint)) {
    error_ = std::string("not a valid zstd stream (") + ZSTD_getErrorName(hint) + ")";
    return false;
  }
  // A call that neither read nor wrote (at the end of the input) says nothing new: after a
  // complete frame, zstd would answer as if a next frame were starting.
  if (moved) last_hint_ = hint;
  return true;
}

std::size_t ZstdDecoder::InputChunk() { return ZSTD_DStreamInSize(); }
std::size_t ZstdDecoder::OutputChunk() { return ZSTD_DStreamOutSize(); }

}  // namespace tombstone::io

// A store with tombstones for the exports tests: recorded through 'tombstone add', then opened
// for reading as scan and scrub open it. Header-only; used by tests/src/exports and commands.
#pragma once

#include <catch2/catch.hpp>
#include <zstd.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "src/io/byte_stream.h"
#include "src/match/kind_matcher.h"
#include "src/map/data_map.h"
#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {

class ExportFixture {
 public:
  ExportFixture() : fx(dir.path()) {}

  // Records a tombstone through the CLI; `extra` e.g. {"--hold", "litigation"}.
  void Add(const std::string& request, const std::vector<std::string>& ids,
           std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"add", "--request", request};
    for (const std::string& id : ids) {
      args.push_back("--id");
      args.push_back(id);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult r = fx.Run(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
  }

  // Opens the store (read) and the key, and loads a matcher for each of `kinds`.
  std::unique_ptr<match::TombstoneMatcher> Index(const std::vector<std::string>& kinds) {
    auto k = tombstones::Key::Load(fx.key);
    REQUIRE(k.ok());
    key = std::make_unique<tombstones::Key>(std::move(k.value()));
    tombstones::Store::Options options;
    options.dir = fx.store;
    options.key = key.get();
    auto s = tombstones::Store::Open(options);
    REQUIRE(s.ok());
    store = std::move(s.value());
    auto index = match::TombstoneMatcher::Load(*store, *key, kinds);
    REQUIRE(index.ok());
    return std::move(index.value());
  }

  std::string Path(const std::string& name) const { return dir / name; }

  TempDir dir;
  StoreFixture fx;
  std::unique_ptr<tombstones::Key> key;
  std::unique_ptr<tombstones::Store> store;
};

// zstd-compresses `data` into one frame (level 3).
std::string Zstd(const std::string& data);

// Writes `content` to `path`, zstd-compressed when the name ends in .zst.
inline void WriteMaybeZstd(const std::string& path, const std::string& content) {
  WriteFile(path, io::EndsWith(path, ".zst") ? Zstd(content) : content);
}

// Reads `path`, decompressing when it ends in .zst (through io::InputFile).
inline std::string ReadMaybeZstd(const std::string& path) {
  auto in = io::InputFile::Open(path);
  REQUIRE(in.ok());
  std::string all, buf(1 << 16, '\0');
  for (;;) {
    std::size_t got = 0;
    const auto s = in.value()->Read(buf.data(), buf.size(), &got);
    REQUIRE(s.ok());
    if (got == 0) break;
    all.append(buf.data(), got);
  }
  return all;
}

inline std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  REQUIRE(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

}  // namespace tombstone::testing

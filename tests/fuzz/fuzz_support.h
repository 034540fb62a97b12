// What the fuzz targets share: a private scratch directory for the parsers that read files, and
// a small store with known tombstones for the readers that match (exports, import).
//
// Each target defines LLVMFuzzerTestOneInput. libFuzzer calls it in the fuzz build
// (TOMBSTONE_FUZZ=ON, tests/fuzz/run.sh); replay_main.cpp calls it in the normal build for every
// file of tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/ (one ctest test per
// target). A target crashes (abort) when a parser breaks its contract: libFuzzer then keeps the
// input, and a regression file pins it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstone::fuzz {

// The fuzz input as text.
inline std::string_view Text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A directory private to this process ($TMPDIR, else /tmp), removed at exit.
const std::string& ScratchDir();
// Writes `bytes` to ScratchDir()/name (replacing it) and returns its path.
std::string WriteScratch(const std::string& name, std::string_view bytes);
// Removes `path` and everything under it; ignores errors.
void RemoveAll(const std::string& path);

// Aborts with `what` on stderr when `ok` is false: a broken contract is a finding.
void Require(bool ok, const char* what, const std::string& detail = {});

// A store created once per process, with the key file beside it, holding four tombstones that
// the seed inputs name:
//   REQ-A  email alice@example.com, user_id 1      erased 2025-01-01
//   REQ-C  user_id 42, email carol@example.com     erased 2025-01-01
//   REQ-N  email new@example.com                   erased 2026-01-01 (guards keep later rows)
//   REQ-H  email held@example.com                  on legal hold
struct FixtureStore {
  std::string dir;
  std::string key_file;
  std::unique_ptr<tombstones::Key> key;
  std::unique_ptr<tombstones::Store> store;  // opened for reading (null until Reader())
};
// Created on first use; aborts when the store cannot be made.
FixtureStore& Fixture();
// Fixture() with its store open for reading.
FixtureStore& Reader();

}  // namespace tombstone::fuzz

// The store export file: a consistent copy of a whole store, compressed and checksummed.
//
// Layout (docs/store-export.md):
//   "tombstone-store-export <format> created=<RFC 3339> tool=<version>\n"   the header line
//   one zstd stream of:  ("file <size> <name>\n" <size bytes>)*  "end <count>\n"
//   "blake2b-256 <64 hex>\n"   the trailer: BLAKE2b-256 of every byte before it
// The format number changes whenever the layout does; a reader refuses a format it does not know.
#pragma once

#include <string>

#include "tombstones/tombstones.h"

namespace tombstone::store {

inline constexpr int kStoreArchiveFormat = 1;

struct ArchiveSummary {
  int files = 0;
  std::uint64_t bytes = 0;       // uncompressed
  std::uint64_t written = 0;     // the archive's size
  std::string checksum;          // hex
};

// Writes every regular file of `checkpoint_dir` (a RocksDB checkpoint: flat, no subdirectory)
// to `file`, mode 0600, through src/io/atomic_file.h: a temporary beside it (never through a
// planted link), synced, renamed, the directory synced. An existing `file` is replaced only when
// `replace`. kFailed on I/O errors, kUsage when `file` cannot be created or exists; nothing is
// left behind on failure.
tombstones::Result<ArchiveSummary> WriteStoreArchive(const std::string& checkpoint_dir,
                                                     const std::string& file, bool replace);

// Checks the header, the format and the checksum, reading the whole file. kStoreError naming
// what is wrong (truncated, corrupt, unknown format); kUsage when the file cannot be opened.
tombstones::Result<ArchiveSummary> VerifyStoreArchive(const std::string& file);

// REQUIRES: VerifyStoreArchive(file) succeeded. Extracts into `dir` (must exist, empty).
// kStoreError when the content is malformed (names with '/', sizes that do not add up).
tombstones::Status ExtractStoreArchive(const std::string& file, const std::string& dir);

}  // namespace tombstone::store

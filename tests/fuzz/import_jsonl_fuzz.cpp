// The erasure lists of 'tombstone import --format jsonl': one JSON object per line (import_run.h).
#include "tests/fuzz/import_run.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tombstone::fuzz::RunImport(tombstone::ErasureListFormat::kJsonLines,
                             tombstone::fuzz::Text(data, size));
  return 0;
}

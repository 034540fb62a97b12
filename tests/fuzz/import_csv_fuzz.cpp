// The erasure lists of 'tombstone import --format csv': the CSV reader and the rows it gives
// (import_run.h).
#include "tests/fuzz/import_run.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tombstone::fuzz::RunImport(tombstone::ErasureListFormat::kCsv, tombstone::fuzz::Text(data, size));
  return 0;
}

// 'walg' listings for 'tombstone backups import' (backups_run.h).
#include "tests/fuzz/backups_run.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tombstone::fuzz::RunBackups("walg", tombstone::fuzz::Text(data, size));
  return 0;
}

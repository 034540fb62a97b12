#include "src/io/scratch_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tombstone::io {

tombstones::Result<std::unique_ptr<ScratchDir>> ScratchDir::Create(const std::string& prefix,
                                                                   const std::string& what) {
  std::string path = prefix + "XXXXXX";
  if (::mkdtemp(path.data()) == nullptr)
    return tombstones::Status::Failed(
        "unable to " + what + ": cannot create a scratch directory (" + std::strerror(errno) + ")");
  return std::unique_ptr<ScratchDir>(new ScratchDir(std::move(path)));
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ignored;  // nothing to report to at this point; never throws
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace tombstone::io

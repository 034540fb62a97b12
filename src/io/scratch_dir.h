// A private scratch directory (mkdtemp: new, mode 0700) removed with its content when the
// object goes, however the scope is left: by an error or by an exception. Release() keeps it.
#pragma once

#include <memory>
#include <string>

#include "tombstones/tombstones.h"

namespace tombstone::io {

class ScratchDir {
 public:
  // Creates "<prefix>XXXXXX" (prefix: a path, e.g. "/srv/store.import-"). kFailed when it
  // cannot be created; the message names `what` ("import store into '/srv/store'").
  static tombstones::Result<std::unique_ptr<ScratchDir>> Create(const std::string& prefix,
                                                                const std::string& what);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // The directory is no longer removed (it was renamed into place, or is kept on purpose).
  void Release() { path_.clear(); }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace tombstone::io

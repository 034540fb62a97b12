// Writing an output file so that it appears complete or not at all, and never through a link
// someone planted: the one way this program creates files (store exports, scrub copies,
// receipt files).
//
// The bytes go to a new temporary file beside the target (same directory, so the final rename
// stays on one file system), created with O_CREAT|O_EXCL|O_NOFOLLOW under a random name: an
// existing file or symlink of that name is never opened, let alone followed. Commit() syncs the
// file, renames it over the target and syncs the directory, so that after it returns the new
// file survives a power cut. Until then the target is untouched; a failure or an uncommitted
// object removes the temporary file.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstone::io {

using tombstones::Result;
using tombstones::Status;

class AtomicFile {
 public:
  struct Options {
    // Permission bits of the new file; the umask narrows them as it does for any new file.
    // Files holding the store's hashes use 0600.
    mode_t mode = 0666;
    // Whether Commit() may replace an existing target. When false, a target that appears
    // meanwhile makes Commit() fail (kUsage) rather than be overwritten.
    bool replace = false;
  };

  // Creates the temporary file beside `path`. kUsage when it cannot be created (a missing or
  // read-only directory: the path given is wrong); the message names the target.
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& path, Options options);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes (retrying short writes). kFailed on an I/O error (a full disk).
  Status Write(std::string_view bytes);
  // fsync of the file, rename onto the target, fsync of the directory. kFailed on an I/O error,
  // kUsage when the target exists and Options::replace is false. REQUIRES: called once.
  Status Commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  AtomicFile() = default;
  Status Fail(const std::string& what, int error);

  std::string path_, temp_path_;
  Options options_;
  int fd_ = -1;
  bool committed_ = false;
};

// Create, Write and Commit in one call, for content that is already in memory.
Status WriteFileAtomically(const std::string& path, std::string_view content,
                           AtomicFile::Options options);

// fsync of a directory: what makes a rename or a new name in it durable. kFailed on an error.
Status SyncDirectory(const std::string& dir);

// Puts directory `fresh` at `target` (same file system; a trailing '/' is ignored): an existing
// `target` is first renamed to `aside`, put back if `fresh` cannot be placed, and removed once it
// is; the parent directory is synced. kFailed naming what could not be moved.
Status ReplaceDirectory(const std::string& fresh, const std::string& target,
                        const std::string& aside);

}  // namespace tombstone::io

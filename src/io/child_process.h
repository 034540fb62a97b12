// A program whose standard output the exports read as a stream: `pg_restore -f -`, which turns
// a custom, directory or tar pg_dump archive into the plain SQL that the dump reader reads.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::io {

using tombstones::Result;
using tombstones::Status;

class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH when it holds no '/'), without a shell. Its standard input
  // is `stdin_fd` (taken over and closed here; open it O_CLOEXEC) or /dev/null when -1; its standard error goes to
  // an unnamed temporary file, read by Wait(). kUsage when it cannot be started.
  static Result<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                     int stdin_fd);
  // Stops (SIGTERM) and reaps a child still running: an error met while reading its output.
  ~ChildProcess();

  // The read end of the child's standard output; the caller owns it from then on.
  int ReleaseStdout() {
    const int fd = stdout_fd_;
    stdout_fd_ = -1;
    return fd;
  }

  // Waits for the child. Ok when it exited with status 0; otherwise kUsage: "<program> failed
  // (exit status N): <its last line on stderr>".
  Status Wait();

 private:
  ChildProcess() = default;
  std::string program_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
};

}  // namespace tombstone::io

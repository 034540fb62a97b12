#include "src/io/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

extern char** environ;

namespace tombstone::io {
namespace {

std::string Errno() { return std::strerror(errno); }

// The last non-empty line of what the child wrote to stderr, at most 300 bytes of it.
std::string LastLine(int fd) {
  std::string all;
  char buf[4096];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) {
    all.append(buf, static_cast<std::size_t>(n));
    if (all.size() > 65536) all.erase(0, all.size() - 4096);
  }
  while (!all.empty() && (all.back() == '\n' || all.back() == '\r')) all.pop_back();
  const std::size_t nl = all.rfind('\n');
  std::string line = nl == std::string::npos ? all : all.substr(nl + 1);
  if (line.size() > 300) line = line.substr(0, 300) + "...";
  return line.empty() ? "no message" : line;
}

}  // namespace

Result<std::unique_ptr<ChildProcess>> ChildProcess::Start(const std::vector<std::string>& argv,
                                                          int stdin_fd) {
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->program_ = argv.at(0);
  const std::string what = "unable to run '" + child->program_ + "': ";
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    if (stdin_fd >= 0) ::close(stdin_fd);
    return Status::Usage(what + Errno());
  }
  child->stdout_fd_ = out[0];
  std::FILE* err = std::tmpfile();
  if (err != nullptr) {
    child->stderr_fd_ = ::fcntl(::fileno(err), F_DUPFD_CLOEXEC, 3);
    std::fclose(err);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  else
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (child->stderr_fd_ >= 0) posix_spawn_file_actions_adddup2(&actions, child->stderr_fd_, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = ::posix_spawnp(&child->pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (stdin_fd >= 0) ::close(stdin_fd);
  if (rc != 0) {
    child->pid_ = -1;
    return Status::Usage(what + std::strerror(rc),
                         "install PostgreSQL's client programs (postgresql-client-15), or set "
                         "PG_BINDIR to the directory holding pg_restore");
  }
  return child;
}

ChildProcess::~ChildProcess() {
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

Status ChildProcess::Wait() {
  int status = 0;
  pid_t got;
  while ((got = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (got < 0) return Status::Usage("unable to wait for '" + program_ + "': " + Errno());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  const std::string how = WIFEXITED(status)
                              ? "exit status " + std::to_string(WEXITSTATUS(status))
                              : "signal " + std::to_string(WTERMSIG(status));
  return Status::Usage(program_ + " failed (" + how + "): " +
                       (stderr_fd_ >= 0 ? LastLine(stderr_fd_) : "no message"));
}

}  // namespace tombstone::io

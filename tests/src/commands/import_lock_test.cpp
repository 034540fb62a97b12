// 'import -' and 'add --ids-from -' read their input before they take the store's write lock
// (issue 18): while they wait for a slow producer, every other writer (another add, a replay
// recording its receipt) proceeds.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

// The program in a child process whose standard input is a pipe this process writes.
struct Child {
  pid_t pid = -1;
  int input = -1;  // write end of its standard input

  static Child Start(const std::vector<std::string>& args) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    Child child;
    child.pid = ::fork();
    REQUIRE(child.pid >= 0);
    if (child.pid == 0) {
      ::dup2(fds[0], 0);
      ::close(fds[0]);
      ::close(fds[1]);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      std::vector<char*> argv;
      const std::string binary = Binary();
      argv.push_back(const_cast<char*>(binary.c_str()));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[0]);
    child.input = fds[1];
    return child;
  }
  // Whether it has a file of `dir` open: it has opened the store.
  bool HasOpen(const std::string& dir) const {
    std::error_code ec;
    for (const auto& fd :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
      const auto target = std::filesystem::read_symlink(fd.path(), ec);
      if (!ec && target.string().rfind(dir + "/", 0) == 0) return true;
    }
    return false;
  }
  // Writes `text` to its standard input, closes it, and waits for its exit code.
  int Finish(const std::string& text) {
    REQUIRE(::write(input, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(input);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

void WaitUntilOpen(const Child& child, const std::string& store) {
  for (int i = 0; i < 200 && !child.HasOpen(store); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(child.HasOpen(store));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // past the open: reading stdin
}

TEST_CASE("a writer can add while 'import -' still waits for its input", "[cli][store]") {
  TempDir dir;
  StoreFixture f(dir.path());
  std::vector<std::string> args = f.Globals();
  args.insert(args.end(), {"import", "-", "--format", "csv"});
  Child importer = Child::Start(args);
  WaitUntilOpen(importer, f.store);

  const RunResult added = f.Run({"add", "--request", "REQ-ADD", "--id", "user_id:1"});  // no wait
  CHECK(added.code == 0);
  CHECK(added.err.empty());

  CHECK(importer.Finish("request,kind,value,erased_at\nREQ-IMPORT,user_id,2,2026-01-01\n") == 0);
  const RunResult listed = f.Run({"list", "--format", "csv"});
  CHECK_THAT(listed.out, Catch::Contains("REQ-ADD") && Catch::Contains("REQ-IMPORT"));
}

TEST_CASE("a writer can add while 'add --ids-from -' still waits for its input", "[cli][store]") {
  TempDir dir;
  StoreFixture f(dir.path());
  std::vector<std::string> args = f.Globals();
  args.insert(args.end(), {"add", "--request", "REQ-SLOW", "--ids-from", "-"});
  Child slow = Child::Start(args);
  WaitUntilOpen(slow, f.store);
  CHECK(f.Run({"add", "--request", "REQ-FAST", "--id", "user_id:1"}).code == 0);
  CHECK(slow.Finish("user_id:2\n") == 0);
  CHECK(f.Run({"show", "REQ-SLOW"}).code == 0);
}

TEST_CASE("import says 'tombstone' for one", "[cli]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult one = f.Run({"import", "-", "--format", "csv"},
                              "request,kind,value,erased_at\nR1,user_id,1,2026-01-01\n");
  CHECK(one.out == "imported 1 tombstone from standard input\n");
  const RunResult two = f.Run({"import", "-", "--format", "csv"},
                              "request,kind,value,erased_at\nR1,user_id,1,2026-01-01\n"
                              "R2,user_id,2,2026-01-01\nR3,user_id,3,2026-01-01\n");
  CHECK(two.out == "imported 2 tombstones from standard input (1 already recorded)\n");
}

}  // namespace
}  // namespace tombstone::testing

// The store across processes: a locked store, a reader beside a writer, and durability of an
// acknowledged add when the process is killed (SIGKILL) right after it returned.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "src/cli/app.h"
#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

using tombstone::testing::Binary;
using tombstone::testing::StoreFixture;
using tombstone::testing::TempDir;

namespace {

std::string Quote(const std::string& s) { return "'" + s + "'"; }

std::string Globals(const StoreFixture& fx) {
  return " --store " + Quote(fx.store) + " --key-file " + Quote(fx.key) + " ";
}

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("a store locked by another process's writer is exit 4 with a clear message",
          "[cli][store]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  auto key = tombstones::Key::Load(fx.key);
  REQUIRE(key.ok());
  tombstones::Store::Options options;
  options.dir = fx.store;
  options.mode = tombstones::Store::Mode::kWrite;
  options.key = &key.value();
  auto writer = tombstones::Store::Open(options);  // this process now holds the lock
  REQUIRE(writer.ok());

  const std::string err = dir / "err";
  const int code = Shell(Binary() + Globals(fx) + "--lock-timeout 0.3 add --request R --id user_id:1 2> " +
                         Quote(err));
  CHECK(code == 4);
  CHECK_THAT(tombstone::testing::ReadFile(err),
             Catch::Contains("unable to lock store") && Catch::Contains("another tombstone process is writing"));
  // Readers are not blocked by the writer.
  CHECK(Shell(Binary() + Globals(fx) + "list > /dev/null") == 0);
}

TEST_CASE("list works in another process while a writer adds", "[cli][store]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  // A writer process adding 150 tombstones one by one, each synced; after the 75th it waits on a
  // FIFO, so that at least one list runs while the writer is midway, whatever the scheduling.
  const std::string fifo = dir / "midway";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string add = Binary() + Globals(fx) +
                          "--lock-timeout 30 add --request req-$i --id user_id:$i > /dev/null || "
                          "exit 1; ";
  const std::string script = dir / "writer.sh";
  tombstone::testing::WriteFile(script, "for i in $(seq 1 75); do " + add + "done\nread go < " +
                                            Quote(fifo) + "\nfor i in $(seq 76 150); do " + add +
                                            "done\n");
  const pid_t writer = ::fork();
  REQUIRE(writer >= 0);
  if (writer == 0) {
    ::execl("/bin/sh", "sh", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // A failed REQUIRE must not leave the writer waiting on the FIFO forever.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid <= 0) return;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } reaper{writer};
  const auto list = [&] {
    const auto listed = fx.Run({"list", "--format", "csv"});
    INFO(listed.err);
    REQUIRE(listed.code == 0);
    return static_cast<std::size_t>(std::count(listed.out.begin(), listed.out.end(), '\n')) - 1;
  };
  std::size_t last = 0, midway = 0;
  int status = 0;
  while (::waitpid(writer, &status, WNOHANG) == 0) {
    const std::size_t rows = list();
    CHECK(rows >= last);  // never goes back
    last = rows;
    if (midway != 0) continue;
    // Opening the FIFO without blocking succeeds once the writer waits on it (a reader is there).
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd < 0) continue;
    midway = list();  // the writer process is alive, between its 75th and 76th add
    CHECK(::write(fd, "go\n", 3) == 3);
    ::close(fd);
  }
  reaper.pid = 0;
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(midway == 75);
  const auto final_list = fx.Run({"list", "--format", "csv"});
  CHECK(std::count(final_list.out.begin(), final_list.out.end(), '\n') == 151);
}

TEST_CASE("an acknowledged add survives SIGKILL right after it returned", "[cli][store]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  SECTION("the CLI: the add process exits 0, then its shell is killed at once") {
    const int code = Shell("sh -c " + Quote(Binary() + Globals(fx) +
                                            "add --request DUR-1 --id user_id:7 > /dev/null && kill -9 $$"));
    CHECK(code == 128 + SIGKILL);  // the inner shell was killed, after add returned 0
    CHECK(fx.Run({"show", "DUR-1"}).code == 0);
  }
  SECTION("the library: the process dies with the store still open, nothing flushed or closed") {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      auto key = tombstones::Key::Load(fx.key);
      tombstones::Store::Options options;
      options.dir = fx.store;
      options.mode = tombstones::Store::Mode::kWrite;
      options.key = &key.value();
      auto store = tombstones::Store::Open(options);
      if (!store.ok()) ::_exit(3);
      tombstones::Tombstone t;
      t.request_id = "DUR-2";
      t.identifiers.push_back({"user_id", tombstones::Normalizer::kExact,
                               key->HashIdentifier("user_id", "8"), {}});
      t.erased_at = tombstones::Now();
      if (!store.value()->Add({t}).ok()) ::_exit(4);
      ::raise(SIGKILL);  // no destructor, no close, no flush
      ::_exit(5);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    CHECK(fx.Run({"show", "DUR-2"}).code == 0);
  }
}

// Issue 15, finding 4: no input makes the program end outside the exit-code catalogue. A small
// .zst expanding to one endless line is refused (exit 2) within bounded memory, where it used to
// end with SIGABRT (exit 134) after std::bad_alloc. (The top-level catch is tested in
// tests/src/cli/app_test.cpp.)
#include <sys/wait.h>
#include <zstd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

// Runs the binary under a memory limit (KiB); returns its exit code, or 128 + signal. A virtual
// memory limit (ulimit -v), except in the AddressSanitizer build, whose shadow memory needs terabytes
// of address space: there ASan's own heap limit stands in for it (an allocation past it fails as
// std::bad_alloc, as under ulimit).
RunResult RunLimited(long limit_kib, const std::vector<std::string>& args, const std::string& dir,
                     const std::string& input_file = "/dev/null") {
#ifdef __SANITIZE_ADDRESS__
  const char* asan = std::getenv("ASAN_OPTIONS");
  std::string command = "ASAN_OPTIONS='" + std::string(asan != nullptr ? asan : "") +
                        ":malloc_limit_mb=" + std::to_string(limit_kib / 1024) +
                        ":allocator_may_return_null=1' exec '" + Binary() + "'";
#else
  // One malloc arena: each thread's arena reserves 64 MiB of address space, and how many threads
  // (RocksDB's, zstd's) run at once varies, which made the limit's margin vary with the load.
  std::string command = "ulimit -v " + std::to_string(limit_kib) + "; MALLOC_ARENA_MAX=1 exec '" +
                        Binary() + "'";
#endif
  for (const std::string& a : args) command += " '" + a + "'";
  command += " < '" + input_file + "' > '" + dir + "/out' 2> '" + dir + "/err'";
  const int status = std::system(("sh -c \"" + command + "\"").c_str());
  RunResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(dir + "/out");
  r.err = ReadFile(dir + "/err");
  return r;
}

// `header` then `size` bytes of 'a' and no newline, zstd-compressed as one frame (a few KiB).
void WriteEndlessLine(const std::string& path, const std::string& header, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, 1);
  std::string chunk(1 << 20, 'a');
  std::vector<char> buf(ZSTD_CStreamOutSize());
  const auto feed = [&](std::string_view data, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    for (;;) {
      ZSTD_outBuffer o{buf.data(), buf.size(), 0};
      const std::size_t rest = ZSTD_compressStream2(ctx, &o, &in, mode);
      REQUIRE_FALSE(ZSTD_isError(rest));
      out.write(buf.data(), static_cast<std::streamsize>(o.pos));
      if (mode == ZSTD_e_end ? rest == 0 : in.pos == in.size) break;
    }
  };
  feed(header, ZSTD_e_continue);
  for (std::size_t left = size; left > 0; left -= std::min(left, chunk.size()))
    feed(std::string_view(chunk).substr(0, std::min(left, chunk.size())), ZSTD_e_continue);
  feed({}, ZSTD_e_end);
  ZSTD_freeCCtx(ctx);
}

TEST_CASE("a small .zst expanding to one endless line is refused within bounded memory",
          "[exports]") {
  TempDir dir;
  StoreFixture f(dir.path());
  REQUIRE(f.Run({"add", "--request", "R-1", "--ids-from", "-"}, "email:a@example.com\n").code == 0);
  const std::string file = dir / "endless.csv.zst";
  WriteEndlessLine(file, "email\n", std::size_t{600} << 20);  // 600 MiB in one line
  CHECK(std::filesystem::file_size(file) < 100 * 1024);
  std::vector<std::string> args = f.Globals();
  for (const char* a : {"scrub", "--column", "email=email"}) args.push_back(a);
  args.push_back(file);
  args.push_back(dir / "out.csv");
  const RunResult r = RunLimited(1 << 20, args, dir.path());  // 1 GiB of address space
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("line 2 is longer than 128 MiB") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out.csv"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

}  // namespace
}  // namespace tombstone::testing

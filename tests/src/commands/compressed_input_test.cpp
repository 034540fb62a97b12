// Identifier inputs (import, add --ids-from, backups import) are read through the one I/O layer
// (src/io/byte_stream.h): a zstd-compressed list is read as well as a plain one, from a file or
// standard input, and one cut short is refused with nothing recorded, never read as a shorter
// list.
#include <zstd.h>

#include <catch2/catch.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

std::string Compress(const std::string& text) {
  std::string z(ZSTD_compressBound(text.size()), '\0');
  const std::size_t n = ZSTD_compress(z.data(), z.size(), text.data(), text.size(), 3);
  REQUIRE(!ZSTD_isError(n));
  z.resize(n);
  return z;
}

std::string List(int rows) {
  std::string text = "request,kind,value,erased_at\n";
  for (int i = 0; i < rows; ++i)
    text += "REQ-" + std::to_string(i) + ",user_id," + std::to_string(100000 + i) + ",2026-01-01\n";
  return text;
}

TEST_CASE("import reads a zstd-compressed list, from a file or standard input", "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  WriteFile(dir / "erasures.csv.zst", Compress(List(3000)));
  const RunResult from_file = f.Run({"import", dir / "erasures.csv.zst"});
  INFO(from_file.err);
  CHECK(from_file.code == 0);
  const RunResult from_stdin = f.Run({"import", "-", "--format", "csv"}, Compress(List(3001)));
  INFO(from_stdin.err);
  CHECK(from_stdin.code == 0);
  const RunResult listed = f.Run({"list", "--format", "csv"});
  CHECK_THAT(listed.out, Catch::Contains("REQ-2999") && Catch::Contains("REQ-3000"));
}

TEST_CASE("a compressed list cut short is refused and nothing is recorded", "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string z = Compress(List(3000));
  WriteFile(dir / "cut.csv.zst", z.substr(0, z.size() - 8));
  const RunResult cut = f.Run({"import", dir / "cut.csv.zst"});
  CHECK(cut.code == 2);
  CHECK_THAT(cut.err, Catch::Contains("truncated zstd stream"));
  const RunResult piped = f.Run({"import", "-", "--format", "csv"}, z.substr(0, z.size() / 2));
  CHECK(piped.code == 2);
  CHECK_THAT(piped.err, Catch::Contains("unable to read 'standard input': truncated zstd stream"));
  // Cut inside the header: what was read looks like a header without its columns, but the cause
  // to report is the cut.
  const std::string small = Compress(List(1));
  const RunResult header = f.Run({"import", "-", "--format", "csv"}, small.substr(0, 20));
  CHECK(header.code == 2);
  CHECK_THAT(header.err, Catch::Contains("truncated zstd stream"));
  const RunResult jsonl = f.Run({"import", "-", "--format", "jsonl"},
                                Compress("{\"request\": \"REQ-J\", \"kind\": \"user_id\", "
                                         "\"value\": \"7\", \"erased_at\": \"2026-01-01\"}\n")
                                    .substr(0, 30));
  CHECK(jsonl.code == 2);
  CHECK_THAT(jsonl.err, Catch::Contains("truncated zstd stream"));
  const RunResult listed = f.Run({"list", "--format", "csv"});
  CHECK(listed.out.find("REQ-") == std::string::npos);
}

TEST_CASE("add --ids-from reads a compressed list and refuses a cut one", "[input]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string z = Compress("user_id:1\nuser_id:2\nemail:someone@example.com\n");
  WriteFile(dir / "ids.zst", z);
  CHECK(f.Run({"add", "--request", "REQ-Z", "--ids-from", dir / "ids.zst"}).code == 0);
  const RunResult shown = f.Run({"show", "REQ-Z", "--format", "csv"});
  CHECK(std::count(shown.out.begin(), shown.out.end(), '\n') == 4);  // a header and 3 ids
  const RunResult cut = f.Run({"add", "--request", "REQ-CUT", "--ids-from", "-"},
                              z.substr(0, z.size() - 3));
  CHECK(cut.code == 2);
  CHECK(f.Run({"show", "REQ-CUT"}).code != 0);
}

}  // namespace
}  // namespace tombstone::testing

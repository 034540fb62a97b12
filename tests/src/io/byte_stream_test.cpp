// Streaming input and output of exports: plain and zstd, line splitting, truncation refused,
// OUT appearing only complete.
#include "src/io/byte_stream.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/src/exports/export_fixture.h"
#include "tests/support/temp_dir.h"

using namespace tombstone::io;
using tombstone::testing::ReadFile;
using tombstone::testing::ReadMaybeZstd;
using tombstone::testing::TempDir;
using tombstone::testing::WriteFile;
using tombstone::testing::Zstd;

namespace {

std::vector<std::string> Lines(const std::string& path) {
  auto in = InputFile::Open(path);
  REQUIRE(in.ok());
  LineReader reader(*in.value());
  std::vector<std::string> lines;
  for (;;) {
    std::string_view line;
    REQUIRE(reader.Next(&line).ok());
    if (line.empty()) break;
    lines.emplace_back(line);
  }
  return lines;
}

Status ReadAll(const std::string& path) {
  auto in = InputFile::Open(path);
  if (!in.ok()) return in.status();
  std::string buf(4096, '\0');
  for (;;) {
    std::size_t got = 0;
    if (Status s = in.value()->Read(buf.data(), buf.size(), &got); !s.ok()) return s;
    if (got == 0) return Status::Ok();
  }
}

}  // namespace

TEST_CASE("input files are split into lines, plain or zstd, whatever their size") {
  TempDir dir;
  const std::string big(300 * 1024, 'x');  // longer than the reader's chunk
  const std::string text = "a,b\r\n" + big + "\n\nlast line without newline";
  SECTION("plain") {
    WriteFile(dir / "f.csv", text);
    CHECK(Lines(dir / "f.csv") ==
          std::vector<std::string>{"a,b\r\n", big + "\n", "\n", "last line without newline"});
  }
  SECTION("zstd by name and by magic number") {
    WriteFile(dir / "f.csv.zst", Zstd(text));
    WriteFile(dir / "f.bin", Zstd(text));
    CHECK(Lines(dir / "f.csv.zst").size() == 4);
    CHECK(Lines(dir / "f.bin")[1] == big + "\n");
    auto in = InputFile::Open(dir / "f.bin");
    REQUIRE(in.ok());
    CHECK(in.value()->compressed());
  }
  SECTION("two concatenated zstd frames read as one stream") {
    WriteFile(dir / "two.zst", Zstd("a\nb") + Zstd("c\n"));
    CHECK(Lines(dir / "two.zst") == std::vector<std::string>{"a\n", "bc\n"});
  }
  SECTION("an empty file has no lines") {
    WriteFile(dir / "empty.csv", "");
    CHECK(Lines(dir / "empty.csv").empty());
  }
}

TEST_CASE("a zstd file read in pieces smaller than its blocks comes out whole") {
  // Import reads 64 KiB at a time, the exports 128 KiB or more: a piece smaller than a zstd
  // block must not end the data early, nor make the end of the file look truncated.
  TempDir dir;
  std::string text;
  for (int i = 0; i < 40000; ++i) text += "row " + std::to_string(i * 7919 % 100003) + "\n";
  WriteFile(dir / "ids.zst", Zstd(text));
  for (const std::size_t piece : {std::size_t{1000}, std::size_t{1} << 16}) {
    auto in = InputFile::Open(dir / "ids.zst");
    REQUIRE(in.ok());
    std::string back, buf(piece, '\0');
    for (;;) {
      std::size_t got = 0;
      const Status s = in.value()->Read(buf.data(), buf.size(), &got);
      REQUIRE(s.message() == "");
      if (got == 0) break;
      back.append(buf.data(), got);
    }
    CHECK(back.size() == text.size());
    CHECK(back == text);
  }
}

TEST_CASE("a truncated or corrupt zstd file is an error naming the file") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "row " + std::to_string(i) + ",someone@example.com\n";
  const std::string z = Zstd(text);
  SECTION("cut in the middle of the frame") {
    WriteFile(dir / "cut.csv.zst", z.substr(0, z.size() / 2));
    const Status s = ReadAll(dir / "cut.csv.zst");
    CHECK(s.code() == tombstones::ExitCode::kUsage);
    CHECK(s.message() == "unable to read '" + (dir / "cut.csv.zst") + "': truncated zstd stream");
  }
  SECTION("missing only the last bytes (the frame's end)") {
    WriteFile(dir / "cut.zst", z.substr(0, z.size() - 3));
    CHECK(ReadAll(dir / "cut.zst").message() ==
          "unable to read '" + (dir / "cut.zst") + "': truncated zstd stream");
  }
  SECTION("not zstd at all but named .zst") {
    WriteFile(dir / "plain.zst", "hello\n");
    const Status s = ReadAll(dir / "plain.zst");
    CHECK(s.code() == tombstones::ExitCode::kUsage);
    CHECK_THAT(s.message(), Catch::StartsWith("unable to read '" + (dir / "plain.zst") +
                                              "': not a valid zstd stream"));
  }
  SECTION("an empty .zst file") {
    WriteFile(dir / "empty.zst", "");
    CHECK(ReadAll(dir / "empty.zst").message() ==
          "unable to read '" + (dir / "empty.zst") + "': truncated zstd stream");
  }
  SECTION("a missing file") {
    const Status s = ReadAll(dir / "nope.csv");
    CHECK(s.code() == tombstones::ExitCode::kUsage);
    CHECK(s.message() == "unable to open '" + (dir / "nope.csv") + "': No such file or directory");
  }
}

TEST_CASE("output files appear only when committed, compressed when named .zst") {
  TempDir dir;
  auto count_files = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++n;
    return n;
  };
  SECTION("uncommitted: no OUT and no temporary file left") {
    {
      auto out = OutputFile::Create(dir / "out.csv");
      REQUIRE(out.ok());
      REQUIRE(out.value()->Write("a,b\n").ok());
      CHECK(std::filesystem::exists(out.value()->temp_path()));
      CHECK_FALSE(std::filesystem::exists(dir / "out.csv"));
    }
    CHECK(count_files() == 0);
  }
  SECTION("committed plain") {
    auto out = OutputFile::Create(dir / "out.csv");
    REQUIRE(out.ok());
    std::string big;
    for (int i = 0; i < 100000; ++i) big += "line " + std::to_string(i) + "\n";
    REQUIRE(out.value()->Write(big).ok());
    REQUIRE(out.value()->Commit().ok());
    CHECK(ReadFile(dir / "out.csv") == big);
    CHECK(count_files() == 1);
  }
  SECTION("committed zstd") {
    auto out = OutputFile::Create(dir / "out.csv.zst");
    REQUIRE(out.ok());
    REQUIRE(out.value()->Write("a,b\n1,2\n").ok());
    REQUIRE(out.value()->Commit().ok());
    CHECK(ReadFile(dir / "out.csv.zst").substr(0, 4) == "\x28\xB5\x2F\xFD");
    CHECK(ReadMaybeZstd(dir / "out.csv.zst") == "a,b\n1,2\n");
  }
  SECTION("a directory that does not exist") {
    auto out = OutputFile::Create(dir / "no/such/out.csv");
    CHECK(out.status().code() == tombstones::ExitCode::kUsage);
    CHECK_THAT(out.status().message(),
               Catch::StartsWith("unable to create '" + (dir / "no/such/out.csv")));
  }
}

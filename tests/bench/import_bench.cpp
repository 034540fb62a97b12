// Bulk import benchmark: `tombstone import` of N tombstones from CSV (one email each) into a new
// store, as a child process, side by side into a hash-only store and into a sealed one (sealed
// mode: each identifier also kept under the sealing key). Prints tombstones per second and the
// store's size on disk for each.
// Usage: import_bench [ROWS ...]   (default: 100000 1000000). Not a test: nothing is asserted.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace {

std::uintmax_t DirectorySize(const std::string& dir) {
  std::uintmax_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) total += entry.file_size();
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  using tombstone::testing::Binary;
  std::vector<long> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atol(argv[i]));
  if (sizes.empty()) sizes = {100000, 1000000};

  std::printf("%-10s %-9s %10s %14s %12s %16s\n", "rows", "store", "seconds", "tombstones/s",
              "store MB", "bytes/tombstone");
  for (long rows : sizes) {
    tombstone::testing::TempDir dir;
    const std::string csv = dir / "in.csv";
    {
      std::ofstream out(csv);
      out << "request,kind,value,erased_at\n";
      for (long i = 0; i < rows; ++i)
        out << "REQ-" << i << ",email,User." << i << "@Example.com,2026-01-01T00:00:00Z\n";
    }
    for (const bool sealed : {false, true}) {
      const std::string store = dir / (sealed ? "sealed" : "store");
      std::string globals = " --store " + store + " --key-file " + dir / "key" + " ";
      if (sealed) globals += "--sealing-key-file " + dir / "sealing.key" + " ";
      const std::string init = sealed ? "init --sealed --generate-sealing-key" : "init --generate-key";
      if (std::system((Binary() + globals + init + " > /dev/null").c_str()) != 0) return 1;
      const auto start = std::chrono::steady_clock::now();
      const int status = std::system((Binary() + globals + "import " + csv + " > /dev/null").c_str());
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (status != 0) {
        std::fprintf(stderr, "import failed (status %d)\n", status);
        return 1;
      }
      const double bytes = static_cast<double>(DirectorySize(store));
      std::printf("%-10ld %-9s %10.2f %14.0f %12.1f %16.1f\n", rows, sealed ? "sealed" : "hash-only",
                  seconds, rows / seconds, bytes / 1e6, bytes / rows);
    }
  }
  return 0;
}

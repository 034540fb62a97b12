// Runs the tombstone program in-process (RunApp) or as a child process, capturing its output.
#pragma once

#include <string>
#include <vector>

namespace tombstone::testing {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

// In-process: argv without the program name; `input` is standard input.
RunResult Run(const std::vector<std::string>& args, const std::string& input = "");

// A store and key in a temporary directory, and Run() with --store/--key-file filled in.
class StoreFixture {
 public:
  explicit StoreFixture(const std::string& dir);  // runs 'init --generate-key' in dir
  RunResult Run(std::vector<std::string> args, const std::string& input = "") const;
  std::vector<std::string> Globals() const;
  std::string store;
  std::string key;
};

// The built binary (for tests that need a separate process).
std::string Binary();
// The source tree's top directory (for scripts under restore-hooks/ and test data).
std::string SourceDir();

}  // namespace tombstone::testing

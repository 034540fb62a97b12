#include "tests/support/cli_runner.h"

#include <sstream>
#include <stdexcept>

#include "src/cli/app.h"
#include "tests/support/cli_log.h"

namespace tombstone::testing {

RunResult RunWithLog(const std::vector<std::string>& args, std::string* log,
                     const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err, log_lines;
  Io io{in, out, err, false, &log_lines};
  std::vector<std::string> argv{"tombstone"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r;
  r.code = RunApp(argv, io);
  r.out = out.str();
  r.err = err.str();
  *log = log_lines.str();
  return r;
}

RunResult Run(const std::vector<std::string>& args, const std::string& input) {
  std::string log;  // apart from err: tests/support/cli_log.h
  return RunWithLog(args, &log, input);
}

StoreFixture::StoreFixture(const std::string& dir) : store(dir + "/store"), key(dir + "/key") {
  const RunResult r = testing::Run({"--store", store, "--key-file", key, "init", "--generate-key"});
  if (r.code != 0) throw std::runtime_error("init failed: " + r.err);
}

std::vector<std::string> StoreFixture::Globals() const {
  return {"--store", store, "--key-file", key, "--lock-timeout", "0"};
}

RunResult StoreFixture::Run(std::vector<std::string> args, const std::string& input) const {
  std::vector<std::string> all = Globals();
  all.insert(all.end(), args.begin(), args.end());
  return testing::Run(all, input);
}

std::string Binary() { return TOMBSTONE_BINARY; }
std::string SourceDir() { return TOMBSTONE_SOURCE_DIR; }

}  // namespace tombstone::testing

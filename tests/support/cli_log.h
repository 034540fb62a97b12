// The "command begin"/"command end" log lines of an in-process run (docs/logging.md). Run()
// (cli_runner.h) keeps them out of RunResult::err, as if stderr held the command's diagnostics
// only, so that tests compare those exactly; these runs give them apart.
#pragma once

#include <string>
#include <vector>

#include "tests/support/cli_runner.h"

namespace tombstone::testing {

// Run(args, input), the log lines in `*log`.
RunResult RunWithLog(const std::vector<std::string>& args, std::string* log,
                     const std::string& input = "");

}  // namespace tombstone::testing

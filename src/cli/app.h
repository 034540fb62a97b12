// The command-line program as a function, so that tests run it in-process by argv.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "src/cli/command.h"

namespace tombstone {

// Parses `argv` (argv[0] is the program name), runs the command and returns its exit code.
// Errors are printed to io.err as "tombstone: <message>" and an optional "HINT: ..." line.
int RunApp(const std::vector<std::string>& argv, Io& io);

// Runs `run`, the body of `command`; an exception it lets out becomes kFailed "unable to
// <command>: internal error: <kind>", the kind chosen by the exception's type ("out of memory",
// "JSON error 101", "system error (<the error code's text>)"), never its what(): that may quote
// the input (nlohmann-json, std::stol and file system errors do). Whatever `run` owned is
// destroyed before this returns, so temporary files are removed by their owners.
Status RunGuarded(std::string_view command, const std::function<Status()>& run);

// Every command, in the order 'tombstone --help' lists them.
const std::vector<const CommandSpec*>& Commands();

}  // namespace tombstone

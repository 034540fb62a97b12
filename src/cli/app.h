// The command-line program as a function, so that tests run it in-process by argv.
#pragma once

#include <string>
#include <vector>

#include "src/cli/command.h"

namespace tombstone {

// Parses `argv` (argv[0] is the program name), runs the command and returns its exit code.
// Errors are printed to io.err as "tombstone: <message>" and an optional "HINT: ..." line.
int RunApp(const std::vector<std::string>& argv, Io& io);

// Every command, in the order 'tombstone --help' lists them.
const std::vector<const CommandSpec*>& Commands();

}  // namespace tombstone

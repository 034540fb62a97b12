// tombstone verify: see verify.cpp and 'tombstone verify --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& VerifyCommand();

}  // namespace tombstone

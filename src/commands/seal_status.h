// tombstone seal status: see seal_status.cpp and 'tombstone seal status --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& SealStatusCommand();

}  // namespace tombstone

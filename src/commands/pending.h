// tombstone pending: see pending.cpp and 'tombstone pending --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& PendingCommand();

}  // namespace tombstone

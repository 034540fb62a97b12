// tombstone discover: see discover.cpp and 'tombstone discover --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& DiscoverCommand();

}  // namespace tombstone

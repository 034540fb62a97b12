// tombstone list: see list.cpp and 'tombstone list --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ListCommand();

}  // namespace tombstone

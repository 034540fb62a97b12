// tombstone add: see add.cpp and 'tombstone add --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& AddCommand();

}  // namespace tombstone

// tombstone retract: see retract.cpp and 'tombstone retract --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& RetractCommand();

}  // namespace tombstone

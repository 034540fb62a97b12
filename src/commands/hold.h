// tombstone hold: see hold.cpp and 'tombstone hold --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& HoldCommand();

}  // namespace tombstone

// tombstone replay: see replay.cpp and 'tombstone replay --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ReplayCommand();

}  // namespace tombstone

// tombstone seal enable: see seal_enable.cpp and 'tombstone seal enable --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& SealEnableCommand();

}  // namespace tombstone

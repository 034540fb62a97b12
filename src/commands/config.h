// tombstone config: see config.cpp and 'tombstone config --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ConfigCommand();

}  // namespace tombstone

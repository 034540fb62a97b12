// tombstone check: see check.cpp and 'tombstone check --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& CheckCommand();

}  // namespace tombstone

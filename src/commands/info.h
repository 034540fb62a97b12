// tombstone info: see info.cpp and 'tombstone info --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& InfoCommand();

}  // namespace tombstone

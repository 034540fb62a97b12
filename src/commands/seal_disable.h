// tombstone seal disable: see seal_disable.cpp and 'tombstone seal disable --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& SealDisableCommand();

}  // namespace tombstone

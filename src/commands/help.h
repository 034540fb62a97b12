// tombstone help: see help.cpp and 'tombstone help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& HelpCommand();

}  // namespace tombstone

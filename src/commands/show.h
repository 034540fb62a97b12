// tombstone show: see show.cpp and 'tombstone show --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ShowCommand();

}  // namespace tombstone

// tombstone init: see init.cpp and 'tombstone init --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& InitCommand();

}  // namespace tombstone

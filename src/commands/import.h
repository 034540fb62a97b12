// tombstone import: see import.cpp and 'tombstone import --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ImportCommand();

}  // namespace tombstone

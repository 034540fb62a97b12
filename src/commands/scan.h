// tombstone scan: see scan.cpp and 'tombstone scan --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ScanCommand();

}  // namespace tombstone

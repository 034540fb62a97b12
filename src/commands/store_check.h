// tombstone store check: see store_check.cpp and 'tombstone store check --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& StoreCheckCommand();

}  // namespace tombstone

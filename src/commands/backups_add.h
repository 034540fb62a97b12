// tombstone backups add: see backups_add.cpp and 'tombstone backups add --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& BackupsAddCommand();

}  // namespace tombstone

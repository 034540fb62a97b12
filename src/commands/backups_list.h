// tombstone backups list: see backups_list.cpp and 'tombstone backups list --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& BackupsListCommand();

}  // namespace tombstone

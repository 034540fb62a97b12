// tombstone backups remove: see backups_remove.cpp and 'tombstone backups remove --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& BackupsRemoveCommand();

}  // namespace tombstone

// tombstone backups import: see backups_import.cpp and 'tombstone backups import --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& BackupsImportCommand();

}  // namespace tombstone

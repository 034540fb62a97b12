// tombstone store import: see store_import.cpp and 'tombstone store import --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& StoreImportCommand();

}  // namespace tombstone

// tombstone store export: see store_export.cpp and 'tombstone store export --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& StoreExportCommand();

}  // namespace tombstone

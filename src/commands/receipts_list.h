// tombstone receipts list: see receipts_list.cpp and 'tombstone receipts list --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ReceiptsListCommand();

}  // namespace tombstone

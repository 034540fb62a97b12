// tombstone receipts head: see receipts_head.cpp and 'tombstone receipts head --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ReceiptsHeadCommand();

}  // namespace tombstone

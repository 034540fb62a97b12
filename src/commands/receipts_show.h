// tombstone receipts show: see receipts_show.cpp and 'tombstone receipts show --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ReceiptsShowCommand();

}  // namespace tombstone

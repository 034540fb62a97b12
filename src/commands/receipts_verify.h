// tombstone receipts verify: see receipts_verify.cpp and 'tombstone receipts verify --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ReceiptsVerifyCommand();

}  // namespace tombstone

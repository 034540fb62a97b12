// tombstone metrics: see metrics.cpp and 'tombstone metrics --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& MetricsCommand();

}  // namespace tombstone

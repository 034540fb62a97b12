// tombstone release: see release.cpp and 'tombstone release --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ReleaseCommand();

}  // namespace tombstone

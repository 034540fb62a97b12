// tombstone scrub: see scrub.cpp and 'tombstone scrub --help'.
#pragma once

#include "src/cli/command.h"

namespace tombstone {

const CommandSpec& ScrubCommand();

}  // namespace tombstone

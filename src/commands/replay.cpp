// STUB: not implemented yet.
#include "src/commands/replay.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'replay': not implemented in this build");
}

}  // namespace

const CommandSpec& ReplayCommand() {
  static const CommandSpec spec{"replay", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

// STUB: not implemented yet.
#include "src/commands/scrub.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'scrub': not implemented in this build");
}

}  // namespace

const CommandSpec& ScrubCommand() {
  static const CommandSpec spec{"scrub", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

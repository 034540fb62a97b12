// STUB: not implemented yet.
#include "src/commands/pending.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'pending': not implemented in this build");
}

}  // namespace

const CommandSpec& PendingCommand() {
  static const CommandSpec spec{"pending", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

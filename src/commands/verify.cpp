// STUB: not implemented yet.
#include "src/commands/verify.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'verify': not implemented in this build");
}

}  // namespace

const CommandSpec& VerifyCommand() {
  static const CommandSpec spec{"verify", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

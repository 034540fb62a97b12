// STUB: not implemented yet.
#include "src/commands/scan.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'scan': not implemented in this build");
}

}  // namespace

const CommandSpec& ScanCommand() {
  static const CommandSpec spec{"scan", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

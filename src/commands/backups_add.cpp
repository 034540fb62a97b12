// STUB: not implemented yet.
#include "src/commands/backups_add.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'backups add': not implemented in this build");
}

}  // namespace

const CommandSpec& BackupsAddCommand() {
  static const CommandSpec spec{"backups add", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

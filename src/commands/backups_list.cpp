// STUB: not implemented yet.
#include "src/commands/backups_list.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'backups list': not implemented in this build");
}

}  // namespace

const CommandSpec& BackupsListCommand() {
  static const CommandSpec spec{"backups list", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

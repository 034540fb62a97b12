// STUB: not implemented yet.
#include "src/commands/backups_import.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'backups import': not implemented in this build");
}

}  // namespace

const CommandSpec& BackupsImportCommand() {
  static const CommandSpec spec{"backups import", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

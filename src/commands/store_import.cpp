// STUB: not implemented yet.
#include "src/commands/store_import.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'store import': not implemented in this build");
}

}  // namespace

const CommandSpec& StoreImportCommand() {
  static const CommandSpec spec{"store import", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

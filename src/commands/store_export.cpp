// STUB: not implemented yet.
#include "src/commands/store_export.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'store export': not implemented in this build");
}

}  // namespace

const CommandSpec& StoreExportCommand() {
  static const CommandSpec spec{"store export", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

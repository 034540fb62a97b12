// STUB: not implemented yet.
#include "src/commands/receipts_show.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'receipts show': not implemented in this build");
}

}  // namespace

const CommandSpec& ReceiptsShowCommand() {
  static const CommandSpec spec{"receipts show", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

// STUB: not implemented yet.
#include "src/commands/receipts_list.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'receipts list': not implemented in this build");
}

}  // namespace

const CommandSpec& ReceiptsListCommand() {
  static const CommandSpec spec{"receipts list", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

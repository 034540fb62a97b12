// STUB: not implemented yet.
#include "src/commands/receipts_verify.h"

namespace tombstone {
namespace {

Status Run(Context&) {
  return Status::Usage("unable to run 'receipts verify': not implemented in this build");
}

}  // namespace

const CommandSpec& ReceiptsVerifyCommand() {
  static const CommandSpec spec{"receipts verify", "", 0, -1, "(not implemented yet)", "", nullptr, Run};
  return spec;
}

}  // namespace tombstone

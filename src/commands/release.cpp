// tombstone release: end a legal hold; the next replay applies the tombstone again.
#include "src/commands/release.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

Status Run(Context& ctx) {
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  if (Status s = opened->store->SetHold(ctx.args[0], std::nullopt); !s.ok()) return s;
  ctx.io.out << "tombstone '" << ctx.args[0] << "' is no longer on hold\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& ReleaseCommand() {
  static const CommandSpec spec{
      "release", "REQUEST", 1, 1, "end a legal hold",
      "Ends the legal hold on a tombstone: the next replay applies it.\n", nullptr, Run};
  return spec;
}

}  // namespace tombstone

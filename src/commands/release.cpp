// tombstone release: end a legal hold; the next replay applies the tombstone again. The release
// is kept in the tombstone's history.
#include "src/commands/release.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("reason", "why the hold ends (kept in the history)",
                        cxxopts::value<std::string>(), "TEXT");
}

Status Run(Context& ctx) {
  const std::string& request = ctx.args[0];
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  const std::string reason = ctx.Has("reason") ? ctx.Get<std::string>("reason") : "";
  if (Status s = opened->store->Release(request, reason, tombstones::Actor::Current()); !s.ok())
    return s;
  ctx.io.out << "tombstone '" << request << "' is no longer on hold\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& ReleaseCommand() {
  static const CommandSpec spec{
      "release", "REQUEST", 1, 1, "end a legal hold",
      "Ends the legal hold on a tombstone: the next replay applies it. The release is kept in\n"
      "the tombstone's history with the time, the operating-system user and --reason.\n"
      "A tombstone that is not on hold is exit 2; an unknown request id exit 1.\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

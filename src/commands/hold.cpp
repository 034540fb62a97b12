// tombstone hold: put a tombstone on legal hold; replay will not apply it while held.
#include "src/commands/hold.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("reason", "why the data must be kept (shown in reports and receipts)",
                        cxxopts::value<std::string>(), "TEXT");
}

Status Run(Context& ctx) {
  if (!ctx.Has("reason") || ctx.Get<std::string>("reason").empty())
    return Status::Usage("unable to hold tombstone '" + ctx.args[0] + "': --reason is required");
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  if (Status s = opened->store->SetHold(ctx.args[0], ctx.Get<std::string>("reason")); !s.ok())
    return s;
  ctx.io.out << "tombstone '" << ctx.args[0] << "' is on legal hold\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& HoldCommand() {
  static const CommandSpec spec{
      "hold", "REQUEST --reason TEXT", 1, 1, "put a tombstone on legal hold",
      "While on hold a tombstone is not applied by replay; it is counted as held in receipts\n"
      "and listed by 'pending'. 'tombstone release REQUEST' ends the hold.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

// tombstone hold: put a tombstone on legal hold, or change the reason of its hold; replay will
// not apply it while held. Every change is kept in the tombstone's history.
#include "src/commands/hold.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("reason", "why the data must be kept (shown in reports and receipts)",
                        cxxopts::value<std::string>(), "TEXT");
}

Status Run(Context& ctx) {
  const std::string& request = ctx.args[0];
  if (!ctx.Has("reason") || ctx.Get<std::string>("reason").empty())
    return Status::Usage("unable to hold tombstone '" + request + "': --reason is required");
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto outcome =
      opened->store->Hold(request, ctx.Get<std::string>("reason"), tombstones::Actor::Current());
  if (!outcome.ok()) return outcome.status();
  switch (outcome.value()) {
    case tombstones::Store::HoldOutcome::kHeld:
      ctx.io.out << "tombstone '" << request << "' is on legal hold\n";
      break;
    case tombstones::Store::HoldOutcome::kReasonChanged:
      ctx.io.out << "tombstone '" << request << "' stays on legal hold with the new reason\n";
      break;
    case tombstones::Store::HoldOutcome::kUnchanged:
      ctx.io.out << "tombstone '" << request
                 << "' is already on legal hold for that reason; nothing changed\n";
      break;
  }
  return Status::Ok();
}

}  // namespace

const CommandSpec& HoldCommand() {
  static const CommandSpec spec{
      "hold", "REQUEST --reason TEXT", 1, 1, "put a tombstone on legal hold, or change its reason",
      "While on hold a tombstone is not applied by replay; it is counted as held in receipts\n"
      "and listed by 'pending'. Holding a tombstone already on hold with another reason changes\n"
      "the reason; the hold keeps its start. Each hold and change is kept in the tombstone's\n"
      "history with the time and the operating-system user ('tombstone show REQUEST').\n"
      "'tombstone release REQUEST' ends the hold.\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

// tombstone retract: remove a tombstone recorded by mistake, and keep a record that it was.
#include "src/commands/retract.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("reason", "why the tombstone was a mistake (kept in the record)",
                        cxxopts::value<std::string>(), "TEXT");
}

Status Run(Context& ctx) {
  const std::string& request = ctx.args[0];
  if (!ctx.Has("reason") || ctx.Get<std::string>("reason").empty())
    return Status::Usage("unable to retract tombstone '" + request + "': --reason is required");
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  if (Status s = opened->store->Retract(request, ctx.Get<std::string>("reason"),
                                        tombstones::Actor::Current());
      !s.ok())
    return s;
  ctx.io.out
      << "tombstone '" << request
      << "' is retracted: replay no longer applies it; the record of the retraction is kept\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& RetractCommand() {
  static const CommandSpec spec{
      "retract", "REQUEST --reason TEXT", 1, 1, "remove a tombstone recorded by mistake",
      "Removes a tombstone recorded by mistake (the wrong subject, a test request): replay and\n"
      "verify no longer apply it, 'pending' no longer lists it, and the store's digest changes.\n"
      "A retraction record is kept instead: the request id, the time, the operating-system\n"
      "user, --reason and the tombstone's dates, but no identifier hash ('tombstone list\n"
      "--retracted'; 'tombstone show REQUEST' says it was retracted). A tombstone on legal hold\n"
      "cannot be retracted: release it first (exit 2). An unknown request id is exit 1.\n"
      "Retracting does not bring back what replays already erased.\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

// tombstone backups remove: take a mistaken entry out of the backup catalog, keeping a record.
#include "src/commands/backups_remove.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("reason", "why the entry was a mistake (kept in the record)",
                        cxxopts::value<std::string>(), "TEXT");
}

Status Run(Context& ctx) {
  const std::string& id = ctx.args[0];
  if (!ctx.Has("reason") || ctx.Get<std::string>("reason").empty())
    return Status::Usage("unable to remove backup '" + id + "': --reason is required");
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  if (Status s = opened->store->RemoveBackup(id, ctx.Get<std::string>("reason"),
                                             tombstones::Actor::Current());
      !s.ok())
    return s;
  ctx.io.out << "removed backup '" << id
             << "' from the catalog; the record of the removal is kept\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& BackupsRemoveCommand() {
  static const CommandSpec spec{
      "backups remove", "ID --reason TEXT", 1, 1,
      "remove a backup entry recorded by mistake (the record is kept)",
      "Removes one entry from the backup catalog, e.g. a mistyped 'backups add' whose missing\n"
      "expiry keeps every earlier tombstone at 'unknown'. 'pending' no longer counts it. The\n"
      "entry is kept as a removal record with the time, the operating-system user and\n"
      "--reason ('tombstone backups list --removed'). An unknown id is exit 1.\n"
      "A backup that still exists is not a mistake: give it an expiry instead ('backups add'\n"
      "with the same --id). An imported backup that its tool still lists comes back with the\n"
      "next 'backups import'.\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

// tombstone backups add: record a backup no importer knows (a disk snapshot, a pg_dump, a tape).
#include "src/commands/backups_add.h"

#include "src/cli/options.h"
#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()
      ("id", "the backup's id (1 to 200 characters; an existing id is replaced)",
       cxxopts::value<std::string>(), "ID")
      ("taken-at", "when the backup began reading data, RFC 3339", cxxopts::value<std::string>(),
       "TIME")
      ("expires-at", "when it will be deleted, RFC 3339 (default: unknown)",
       cxxopts::value<std::string>(), "TIME")
      ("retention", "how the expiry was decided, for people (e.g. 'tape rotation, 90 days')",
       cxxopts::value<std::string>(), "TEXT");
}

Result<tombstones::BackupRecord> ReadRecord(const Context& ctx) {
  if (!ctx.Has("id") || !ctx.Has("taken-at"))
    return Status::Usage("unable to add backup: --id and --taken-at are required");
  tombstones::BackupRecord b;
  b.id = ctx.Get<std::string>("id");
  b.source = "manual";
  auto taken = TimeOption(ctx, "taken-at");
  if (!taken.ok()) return taken.status();
  b.taken_at = taken.value();
  if (ctx.Has("expires-at")) {
    auto expires = TimeOption(ctx, "expires-at");
    if (!expires.ok()) return expires.status();
    if (expires.value() < b.taken_at)
      return Status::Usage("unable to add backup '" + b.id + "': --expires-at is before --taken-at");
    b.expires_at = expires.value();
  }
  b.retention = ctx.Has("retention") ? ctx.Get<std::string>("retention")
                                     : std::string(b.expires_at ? "given by hand" : "unknown");
  return b;
}

Status Run(Context& ctx) {
  auto record = ReadRecord(ctx);
  if (!record.ok()) return record.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  // The catalog's coverage shows when backups were last recorded by hand, too.
  const tombstones::SourceImport added{record->source, "", tombstones::Now()};
  if (Status s = opened->store->ImportBackups({record.value()}, {added}); !s.ok()) return s;
  ctx.io.out << "recorded backup '" << record->id << "' taken "
             << tombstones::FormatTime(record->taken_at) << ", expires "
             << (record->expires_at ? tombstones::FormatTime(*record->expires_at) : "unknown")
             << '\n';
  return Status::Ok();
}

}  // namespace

const CommandSpec& BackupsAddCommand() {
  static const CommandSpec spec{
      "backups add", "--id ID --taken-at TIME", 0, 0,
      "record a backup by hand (snapshots, dumps, tapes: anything not imported)",
      "Records one backup in the catalog: when it was taken and, when known, when it will be\n"
      "deleted. A backup with no --expires-at counts as held forever by 'tombstone pending'\n"
      "(its age-out date is 'unknown') until you give one. The same --id again replaces it.\n\n"
      "Example:\n"
      "  tombstone backups add --id dump-2026-01-31 --taken-at 2026-01-31T02:00:00Z \\\n"
      "    --expires-at 2026-04-30T00:00:00Z --retention 'monthly dump, 90 days'\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

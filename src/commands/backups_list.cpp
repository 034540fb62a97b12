// tombstone backups list: the backup catalog, oldest first.
#include "src/commands/backups_list.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/io/json_text.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("removed", "the entries removed by hand ('backups remove'), not the "
                        "catalog");
  DeclareFormatOption(options);
}

std::string Expiry(const tombstones::BackupRecord& b) {
  return b.expires_at ? tombstones::FormatTime(*b.expires_at) : "unknown";
}

// The removal records: each entry as it was, with when, by whom and why it was removed.
Status ListRemoved(Context& ctx, tombstones::Store& store, Format format) {
  auto removals = store.BackupRemovals();
  if (!removals.ok()) return removals.status();
  if (format == Format::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : removals.value())
      out.push_back(
          {{"id", r.backup.id},
           {"source", r.backup.source},
           {"taken_at", tombstones::FormatTime(r.backup.taken_at)},
           {"expires_at",
            r.backup.expires_at ? nlohmann::json(Expiry(r.backup)) : nlohmann::json()},
           {"removed_at", tombstones::FormatTime(r.actor.at)},
           {"user", r.actor.user.empty() ? nlohmann::json() : nlohmann::json(r.actor.user)},
           {"reason", r.reason}});
    ctx.io.out << io::JsonText(out, 2) << '\n';
    return Status::Ok();
  }
  Table table({"id", "source", "taken_at", "expires_at", "removed_at", "user", "reason"});
  for (const auto& r : removals.value())
    table.Add({r.backup.id, r.backup.source, tombstones::FormatTime(r.backup.taken_at),
               Expiry(r.backup), tombstones::FormatTime(r.actor.at),
               r.actor.user.empty() ? "unknown" : r.actor.user, r.reason});
  table.Print(ctx.io.out, format);
  if (format == Format::kTable)
    ctx.io.out << removals->size() << (removals->size() == 1 ? " removal\n" : " removals\n");
  return Status::Ok();
}

Status Run(Context& ctx) {
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  if (ctx.Has("removed")) return ListRemoved(ctx, *opened->store, format.value());
  auto backups = opened->store->Backups();
  if (!backups.ok()) return backups.status();
  std::vector<tombstones::BackupRecord>& list = backups.value();
  std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    return a.taken_at < b.taken_at;
  });

  if (format.value() == Format::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& b : list)
      out.push_back({{"id", b.id}, {"source", b.source}, {"taken_at", tombstones::FormatTime(b.taken_at)},
                     {"expires_at", b.expires_at ? nlohmann::json(Expiry(b)) : nlohmann::json()},
                     {"retention", b.retention}});
    ctx.io.out << io::JsonText(out, 2) << '\n';
    return Status::Ok();
  }
  Table table({"id", "source", "taken_at", "expires_at", "retention"});
  for (const auto& b : list)
    table.Add({b.id, b.source, tombstones::FormatTime(b.taken_at), Expiry(b), b.retention});
  table.Print(ctx.io.out, format.value());
  if (format.value() == Format::kTable)
    ctx.io.out << list.size() << (list.size() == 1 ? " backup\n" : " backups\n");
  return Status::Ok();
}

}  // namespace

const CommandSpec& BackupsListCommand() {
  static const CommandSpec spec{
      "backups list", "[--removed]", 0, 0, "list the backup catalog with forecast expiry dates",
      "Lists every backup in the catalog, oldest first: id, where it came from, when it was\n"
      "taken, its forecast expiry ('unknown' when none) and how that was forecast. Backups\n"
      "already expired stay listed, as history. --removed lists the entries removed by hand\n"
      "('backups remove') with when, by whom and why.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

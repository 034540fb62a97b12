// tombstone show: one tombstone in full (still no identifier in the clear).
#include "src/commands/show.h"

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/cli/tombstone_view.h"
#include "src/io/json_text.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) { DeclareFormatOption(options); }

Status Run(Context& ctx) {
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  const std::string& request = ctx.args[0];
  auto found = opened->store->Get(request);
  if (!found.ok()) return found.status();
  if (!found.value())
    return Status::Failed("unable to show tombstone '" + request + "': no such request id",
                          "'tombstone list' shows the request ids");
  const tombstones::Tombstone& t = *found.value();
  if (format.value() == Format::kJson) {
    ctx.io.out << io::JsonText(TombstoneJson(t), 2) << '\n';
    return Status::Ok();
  }
  if (format.value() == Format::kTable) {
    ctx.io.out << "request      " << t.request_id << '\n'
               << "erased_at    " << tombstones::FormatTime(t.erased_at) << '\n'
               << "recorded_at  " << tombstones::FormatTime(t.recorded_at) << '\n'
               << "hold         "
               << (t.hold_reason ? *t.hold_reason + " (since " +
                                       tombstones::FormatTime(t.held_at) + ")"
                                 : "none")
               << '\n'
               << "note         " << t.note << "\n\n";
  }
  Table ids({"kind", "normalizer", "hash"});
  for (const auto& id : t.identifiers)
    ids.Add({id.kind, std::string(tombstones::NormalizerName(id.normalizer)), id.hash.Hex()});
  ids.Print(ctx.io.out, format.value());
  return Status::Ok();
}

}  // namespace

const CommandSpec& ShowCommand() {
  static const CommandSpec spec{
      "show", "REQUEST", 1, 1, "show one tombstone: dates, hold, note, identifier hashes",
      "Shows one tombstone by request id. Identifiers appear as kind, normalizer and keyed\n"
      "hash: the store never holds them in the clear.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

// tombstone list: every tombstone (or only those on hold, or pending), or the retractions, for
// people or scripts.
#include "src/commands/list.h"

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/cli/tombstone_view.h"
#include "src/compliance/catalog_coverage.h"
#include "src/compliance/pending.h"
#include "src/io/json_text.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("held", "only tombstones on legal hold")(
      "pending",
      "only tombstones still held by an unexpired backup, or on hold ('tombstone pending')")(
      "retracted",
      "the tombstones retracted as recorded by mistake ('tombstone retract'), not "
      "the tombstones");
  DeclareFormatOption(options);
}

// The retraction records: request id, when, who, why, and the dates of what was removed.
Status ListRetracted(Context& ctx, tombstones::Store& store, Format format) {
  std::vector<tombstones::HistoryEvent> retracted;
  Status s = store.ForEachHistoryEvent([&](const tombstones::HistoryEvent& e) {
    if (e.kind == tombstones::HistoryEvent::Kind::kRetract) retracted.push_back(e);
    return true;
  });
  if (!s.ok()) return s;
  if (format == Format::kJson) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : retracted) out.push_back(HistoryEventJson(e));
    ctx.io.out << io::JsonText(out, 2) << '\n';
    return Status::Ok();
  }
  Table table({"request", "retracted_at", "user", "reason", "erased_at", "recorded_at"});
  for (const auto& e : retracted)
    table.Add({e.request_id, tombstones::FormatTime(e.actor.at), UserText(e.actor), e.reason,
               tombstones::FormatTime(e.erased_at), tombstones::FormatTime(e.recorded_at)});
  table.Print(ctx.io.out, format);
  if (format == Format::kTable)
    ctx.io.out << retracted.size() << (retracted.size() == 1 ? " retraction\n" : " retractions\n");
  return Status::Ok();
}

Status Run(Context& ctx) {
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  const bool held_only = ctx.Has("held");
  const bool pending_only = ctx.Has("pending");
  if (ctx.Has("retracted") && (held_only || pending_only))
    return Status::Usage("unable to list: --retracted lists retractions, not tombstones",
                         "use it without --held and --pending");
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  if (ctx.Has("retracted")) return ListRetracted(ctx, *opened->store, format.value());
  std::optional<compliance::PendingIndex> pending;
  if (pending_only) {
    const tombstones::Micros now = tombstones::Now();
    auto index = compliance::PendingIndex::Build(*opened->store, now);
    if (!index.ok()) return index.status();
    pending.emplace(std::move(index.value()));
    // The same computation as 'pending', resting on the same catalog: the same warnings.
    auto coverage =
        compliance::AssessStoreCatalog(*opened->store, now, compliance::kDefaultStaleAfter);
    if (!coverage.ok()) return coverage.status();
    compliance::PrintWarnings(ctx.io.err, coverage.value());
  }
  const auto wanted = [&](const tombstones::Tombstone& t) {
    return (!held_only || t.hold_reason) && (!pending || pending->Evaluate(t).pending);
  };

  if (format.value() == Format::kJson) {
    // Streamed one element at a time: the store may hold millions.
    bool first = true;
    ctx.io.out << '[';
    Status s = opened->store->ForEach([&](const tombstones::Tombstone& t) {
      if (wanted(t)) {
        ctx.io.out << (first ? "\n" : ",\n") << io::JsonText(TombstoneJson(t));
        first = false;
      }
      return true;
    });
    ctx.io.out << (first ? "]\n" : "\n]\n");
    return s;
  }
  const std::vector<std::string> headers = {"request", "erased_at", "identifiers", "hold"};
  if (format.value() == Format::kCsv) {
    WriteCsvRow(ctx.io.out, headers);
    return opened->store->ForEach([&](const tombstones::Tombstone& t) {
      if (wanted(t))
        WriteCsvRow(ctx.io.out, {t.request_id, tombstones::FormatTime(t.erased_at),
                                 IdentifierSummary(t), t.hold_reason.value_or("")});
      return true;
    });
  }
  Table table(headers);
  std::size_t count = 0;
  Status s = opened->store->ForEach([&](const tombstones::Tombstone& t) {
    if (wanted(t)) {
      table.Add({t.request_id, tombstones::FormatTime(t.erased_at), IdentifierSummary(t),
                 t.hold_reason ? "held: " + *t.hold_reason : ""});
      ++count;
    }
    return true;
  });
  if (!s.ok()) return s;
  table.Print(ctx.io.out, Format::kTable);
  ctx.io.out << count << (held_only ? " held" : "") << (pending_only ? " pending" : "")
             << (count == 1 ? " tombstone\n" : " tombstones\n");
  return Status::Ok();
}

}  // namespace

const CommandSpec& ListCommand() {
  static const CommandSpec spec{
      "list", "[--pending] [--held] [--retracted]", 0, 0,
      "list tombstones (request ids, hash prefixes, dates, holds)",
      "Lists tombstones in request-id order. Identifiers are shown as KIND:HASH-PREFIX: the\n"
      "store never holds them in the clear. Works while another process writes to the store.\n"
      "The key is not needed; when given it is checked.\n"
      "--pending keeps the tombstones that 'tombstone pending' lists (same computation, now,\n"
      "and the same warnings about the backup catalog); with --held too, only those on hold.\n"
      "--retracted lists the retraction records instead: request id, when, by whom, why, and\n"
      "the dates of the tombstone removed ('tombstone retract').\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

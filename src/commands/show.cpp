// tombstone show: one tombstone in full, with its hold history (still no identifier in the clear).
#include "src/commands/show.h"

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/cli/tombstone_view.h"
#include "src/io/json_text.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) { DeclareFormatOption(options); }

std::string HoldText(const tombstones::Tombstone& t) {
  if (!t.hold_reason) return "none";
  return *t.hold_reason + " (since " + tombstones::FormatTime(t.held_at) + ")";
}

// A request id that is not there may have been retracted: say so, with who and why.
Status NotFound(tombstones::Store& store, const std::string& request) {
  auto history = store.History(request);
  if (!history.ok()) return history.status();
  if (!history->empty() && history->back().kind == tombstones::HistoryEvent::Kind::kRetract) {
    const tombstones::HistoryEvent& e = history->back();
    return Status::Failed("unable to show tombstone '" + request + "': it was retracted at " +
                              tombstones::FormatTime(e.actor.at) + " by " + UserText(e.actor) +
                              " (" + e.reason + ")",
                          "'tombstone list --retracted' lists the retractions");
  }
  return Status::Failed("unable to show tombstone '" + request + "': no such request id",
                        "'tombstone list' shows the request ids");
}

void PrintTable(std::ostream& out, const tombstones::Tombstone& t,
                const std::vector<tombstones::HistoryEvent>& history) {
  out << "request      " << t.request_id << '\n'
      << "erased_at    " << tombstones::FormatTime(t.erased_at) << '\n'
      << "recorded_at  " << tombstones::FormatTime(t.recorded_at) << '\n'
      << "hold         " << HoldText(t) << '\n'
      << "note         " << t.note << "\n\n";
  if (history.empty()) {
    out << "history      none\n\n";
  } else {
    Table events({"at", "event", "user", "reason"});
    for (const auto& e : history)
      events.Add({tombstones::FormatTime(e.actor.at),
                  std::string(tombstones::HistoryKindName(e.kind)), UserText(e.actor), e.reason});
    events.Print(out, Format::kTable);
    out << '\n';
  }
  Table ids({"kind", "normalizer", "hash"});
  for (const auto& id : t.identifiers)
    ids.Add({id.kind, std::string(tombstones::NormalizerName(id.normalizer)), id.hash.Hex()});
  ids.Print(out, Format::kTable);
}

// One row per identifier, the tombstone's own fields repeated on each.
void PrintCsv(std::ostream& out, const tombstones::Tombstone& t) {
  WriteCsvRow(out, {"request", "erased_at", "recorded_at", "hold", "held_since", "note", "kind",
                    "normalizer", "hash"});
  for (const auto& id : t.identifiers)
    WriteCsvRow(out, {t.request_id, tombstones::FormatTime(t.erased_at),
                      tombstones::FormatTime(t.recorded_at), t.hold_reason.value_or(""),
                      t.hold_reason ? tombstones::FormatTime(t.held_at) : "", t.note, id.kind,
                      std::string(tombstones::NormalizerName(id.normalizer)), id.hash.Hex()});
}

Status Run(Context& ctx) {
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  const std::string& request = ctx.args[0];
  auto found = opened->store->Get(request);
  if (!found.ok()) return found.status();
  if (!found.value()) return NotFound(*opened->store, request);
  const tombstones::Tombstone& t = *found.value();
  auto history = opened->store->History(request);
  if (!history.ok()) return history.status();
  switch (format.value()) {
    case Format::kJson: {
      nlohmann::json j = TombstoneJson(t);
      j["history"] = nlohmann::json::array();
      for (const auto& e : history.value()) j["history"].push_back(HistoryEventJson(e));
      ctx.io.out << io::JsonText(j, 2) << '\n';
      break;
    }
    case Format::kCsv:
      PrintCsv(ctx.io.out, t);
      break;
    case Format::kTable:
      PrintTable(ctx.io.out, t, history.value());
      break;
  }
  return Status::Ok();
}

}  // namespace

const CommandSpec& ShowCommand() {
  static const CommandSpec spec{
      "show",
      "REQUEST",
      1,
      1,
      "show one tombstone: dates, hold and its history, note, hashes",
      "Shows one tombstone by request id: its dates, legal hold and note, the history of its\n"
      "holds (each hold, change of reason and release, with time, operating-system user and\n"
      "reason), and its identifiers as kind, normalizer and keyed hash: the store never holds\n"
      "them in the clear. --format csv gives one row per identifier with the tombstone's fields\n"
      "on each. A retracted request id is exit 1, saying when, by whom and why.\n",
      Declare,
      Run};
  return spec;
}

}  // namespace tombstone

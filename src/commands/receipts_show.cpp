// tombstone receipts show: one receipt in full, with its place in the hash chain.
#include "src/commands/receipts_show.h"

#include <nlohmann/json.hpp>

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/io/json_text.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("format", "output format: table (for people) or json (for scripts)",
                        cxxopts::value<std::string>()->default_value("table"), "FORMAT");
}

Result<std::uint64_t> ParseSeq(const std::string& text) {
  std::uint64_t seq = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || seq > 1'000'000'000'000ULL) {
      seq = 0;
      break;
    }
    seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (seq == 0)
    return Status::Usage("unable to show receipt '" + text + "': expected its sequence number",
                         "'tombstone receipts list' shows them");
  return seq;
}

Result<tombstones::ReceiptEntry> Find(tombstones::Store& store, std::uint64_t seq) {
  std::optional<tombstones::ReceiptEntry> found;
  Status s = store.ForEachReceipt([&](const tombstones::ReceiptEntry& e) {
    if (e.seq == seq) found = e;
    return e.seq < seq;
  });
  if (!s.ok()) return s;
  if (!found)
    return Status::Failed("unable to show receipt " + std::to_string(seq) + ": no such receipt",
                          "'tombstone receipts list' shows them");
  return *found;
}

Status Run(Context& ctx) {
  const std::string format = ctx.Get<std::string>("format");
  if (format != "table" && format != "json")
    return Status::Usage("unable to use --format '" + format + "': expected table or json");
  auto seq = ParseSeq(ctx.args[0]);
  if (!seq.ok()) return seq.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto entry = Find(*opened->store, seq.value());
  if (!entry.ok()) return entry.status();
  const tombstones::ReceiptEntry& e = entry.value();
  const nlohmann::json body = nlohmann::json::parse(e.body, nullptr, /*allow_exceptions=*/false);
  if (format == "json") {
    const nlohmann::json out = {{"seq", e.seq},
                                {"recorded_at", tombstones::FormatTime(e.recorded_at)},
                                {"prev_mac", e.prev_mac},
                                {"mac", e.mac},
                                {"receipt", body.is_discarded() ? nlohmann::json(e.body) : body}};
    ctx.io.out << io::JsonText(out, 2) << '\n';
    return Status::Ok();
  }
  ctx.io.out << "receipt      " << e.seq << '\n'
             << "recorded_at  " << tombstones::FormatTime(e.recorded_at) << '\n'
             << "mac          " << e.mac << '\n'
             << "prev_mac     " << e.prev_mac << "\n\n"
             << (body.is_discarded() ? e.body : io::JsonText(body, 2)) << '\n';
  return Status::Ok();
}

}  // namespace

const CommandSpec& ReceiptsShowCommand() {
  static const CommandSpec spec{
      "receipts show", "SEQ", 1, 1, "show one receipt in full",
      "Prints receipt SEQ (its number in 'tombstone receipts list'): the receipt JSON written\n"
      "by replay or verify, when it was recorded, and its MAC and the MAC of the receipt before\n"
      "it (the hash chain 'tombstone receipts verify' checks). The JSON holds no identifier.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

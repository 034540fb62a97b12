// tombstone receipts head: the anchor of the receipts log (count and digest of its end), to be
// kept outside the store so that 'receipts verify --expect-head' can detect a log cut back.
#include "src/commands/receipts_head.h"

#include <nlohmann/json.hpp>

#include "src/cli/store_access.h"
#include "src/io/json_text.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("format", "output format: table (for people) or json (for scripts)",
                        cxxopts::value<std::string>()->default_value("table"), "FORMAT");
}

Status Run(Context& ctx) {
  const std::string format = ctx.Get<std::string>("format");
  if (format != "table" && format != "json")
    return Status::Usage("unable to use --format '" + format + "': expected table or json");
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!opened.ok()) return opened.status();
  // Only a verified log gives an anchor worth keeping.
  auto check = opened->store->CheckReceipts(std::nullopt);
  if (!check.ok()) return check.status();
  const tombstones::ReceiptsAnchor& head = check->head;
  const std::string anchor = std::to_string(head.count) + ":" + head.digest;
  if (format == "json") {
    const nlohmann::json out = {{"count", head.count},
                                {"digest", head.digest},
                                {"anchor", anchor},
                                {"head_authenticated", check->head_authenticated}};
    ctx.io.out << io::JsonText(out, 2) << '\n';
    return Status::Ok();
  }
  ctx.io.out << "count   " << head.count << '\n'
             << "digest  " << head.digest << '\n'
             << "anchor  " << anchor << '\n';
  return Status::Ok();
}

}  // namespace

const CommandSpec& ReceiptsHeadCommand() {
  static const CommandSpec spec{
      "receipts head", "", 0, 0, "print the receipts log's anchor, to keep outside the store",
      "Verifies the receipts log (as 'receipts verify' does; needs the key), then prints its\n"
      "end: the number of receipts and the digest (the MAC of the last receipt, which seals\n"
      "every receipt before it through the chain), and both as one anchor COUNT:DIGEST.\n"
      "Keep the anchor outside the store (the monitoring system, the restore's ticket):\n"
      "'tombstone receipts verify --expect-head COUNT:DIGEST' then fails if the log no longer\n"
      "holds that receipt, which is how a log cut back to an earlier state (an older copy of\n"
      "the store, or receipts and head removed) is detected. docs/compliance.md explains what\n"
      "is detected with and without an anchor.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

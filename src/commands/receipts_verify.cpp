// tombstone receipts verify: prove that no receipt was edited or removed since it was written.
#include "src/commands/receipts_verify.h"

#include <cctype>

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()(
      "expect-head",
      "an anchor printed earlier by 'receipts head': the log must still hold that receipt",
      cxxopts::value<std::string>(), "COUNT:DIGEST");
}

// "COUNT:DIGEST": a decimal count and 64 hex digits.
Result<tombstones::ReceiptsAnchor> ParseAnchor(const std::string& text) {
  const Status bad = Status::Usage(
      "unable to parse --expect-head: expected COUNT:DIGEST (a number, ':', 64 hex digits)",
      "'tombstone receipts head' prints the anchor");
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 18 || text.size() - colon - 1 != 64)
    return bad;
  tombstones::ReceiptsAnchor anchor;
  for (std::size_t i = 0; i < colon; ++i) {
    if (text[i] < '0' || text[i] > '9') return bad;
    anchor.count = anchor.count * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  for (std::size_t i = colon + 1; i < text.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    if (!std::isxdigit(static_cast<unsigned char>(c))) return bad;
    anchor.digest.push_back(c);
  }
  return anchor;
}

Status Run(Context& ctx) {
  std::optional<tombstones::ReceiptsAnchor> expect;
  if (ctx.Has("expect-head")) {
    auto anchor = ParseAnchor(ctx.Get<std::string>("expect-head"));
    if (!anchor.ok()) return anchor.status();
    expect = anchor.value();
  }
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!opened.ok()) return opened.status();
  auto check = opened->store->CheckReceipts(expect);
  if (!check.ok()) return check.status();
  const tombstones::ReceiptsAnchor& head = check->head;
  ctx.io.out << "receipts log intact: " << head.count
             << (head.count == 1 ? " receipt" : " receipts");
  if (head.count > 0)
    ctx.io.out << ", last #" << head.count << " mac " << head.digest.substr(0, 16);
  if (expect) ctx.io.out << "; holds the anchored receipt " << expect->count;
  ctx.io.out << '\n';
  if (head.count > 0 && !check->head_authenticated)
    ctx.io.err << "tombstone: note: the receipts head carries no MAC (every receipt was "
                  "written before heads were sealed): until the next receipt is appended, a log "
                  "cut back is detected only with --expect-head\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& ReceiptsVerifyCommand() {
  static const CommandSpec spec{
      "receipts verify", "", 0, 0, "check the receipts log's hash chain (needs the key)",
      "Checks every receipt's MAC (keyed with the store's key), that each links to the one\n"
      "before it, that none is missing, and that the log ends where the store's head record\n"
      "says (the head has its own MAC): an edited, inserted or removed receipt (even the\n"
      "newest) is reported by number. Someone who can write the store's files could still\n"
      "put back an earlier state of the whole log (an older copy of the store): pass\n"
      "--expect-head with an anchor kept outside the store ('tombstone receipts head') to\n"
      "detect that too. Exit 0 when intact; 4 (store error) when not, naming the first bad\n"
      "receipt or the anchor missed.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

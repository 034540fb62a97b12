// tombstone receipts verify: prove that no receipt was edited or removed since it was written.
#include "src/commands/receipts_verify.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

Status Run(Context& ctx) {
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!opened.ok()) return opened.status();
  if (Status s = opened->store->VerifyReceipts(); !s.ok()) return s;
  std::uint64_t count = 0;
  std::uint64_t last = 0;
  std::string head_mac;
  Status s = opened->store->ForEachReceipt([&](const tombstones::ReceiptEntry& e) {
    ++count;
    last = e.seq;
    head_mac = e.mac;
    return true;
  });
  if (!s.ok()) return s;
  ctx.io.out << "receipts log intact: " << count << (count == 1 ? " receipt" : " receipts");
  if (count > 0) ctx.io.out << ", last #" << last << " mac " << head_mac.substr(0, 16);
  ctx.io.out << '\n';
  return Status::Ok();
}

}  // namespace

const CommandSpec& ReceiptsVerifyCommand() {
  static const CommandSpec spec{
      "receipts verify", "", 0, 0, "check the receipts log's hash chain (needs the key)",
      "Checks every receipt's MAC (keyed with the store's key), that each links to the one\n"
      "before it, that none is missing, and that the log ends where the store's head record\n"
      "says: an edited, inserted or removed receipt (even the newest) is reported by number.\n"
      "Exit 0 when intact; 4 (store error) when not, naming the first bad receipt.\n",
      nullptr, Run};
  return spec;
}

}  // namespace tombstone

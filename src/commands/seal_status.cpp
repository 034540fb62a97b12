// tombstone seal status: whether the store is in sealed mode, and what it covers per kind.
#include "src/commands/seal_status.h"

#include <fmt/format.h>

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

Status Run(Context& ctx) {
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto current = opened->store->SealingFingerprint();
  if (!current.ok()) return current.status();
  if (!current.value()) {
    ctx.io.out << "sealed mode: off (the store keeps keyed hashes only)\n";
    return Status::Ok();
  }
  auto coverage = opened->store->SealedCoverage();  // counts; opens nothing
  if (!coverage.ok()) return coverage.status();
  ctx.io.out << "sealed mode: on, sealing key fingerprint " << current.value()->substr(0, 16)
             << "\n\n"
             << fmt::format("{:<24} {:>12} {:>12}  {}\n", "KIND", "HASHES", "SEALED", "COVERAGE");
  for (const auto& kind : coverage->kinds())
    ctx.io.out << fmt::format("{:<24} {:>12} {:>12}  {}\n", kind.name, kind.hashes, kind.sealed,
                              kind.complete() ? "complete" : "partial");
  return Status::Ok();
}

}  // namespace

const CommandSpec& SealStatusCommand() {
  static const CommandSpec spec{
      "seal status", "", 0, 0, "whether sealed mode is on, and its coverage per kind",
      "Says whether the store is in sealed mode and, per kind, how many distinct identifier\n"
      "hashes the tombstones hold and how many of them have a sealed identifier. A kind is\n"
      "complete when every hash has one (replay may then look its subjects up through\n"
      "indexes), partial when tombstones recorded before sealed mode was turned on have not\n"
      "been added again with the sealing key. Counts only: nothing is opened, no key needed.\n",
      nullptr, Run};
  return spec;
}

}  // namespace tombstone

// tombstone seal disable: turn sealed mode off and purge every sealed identifier.
#include "src/commands/seal_disable.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

Status Run(Context& ctx) {
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto current = opened->store->SealingFingerprint();
  if (!current.ok()) return current.status();
  auto deleted = opened->store->DisableSealing();  // one write, then a full compaction
  if (!deleted.ok()) return deleted.status();
  if (!current.value() && deleted.value() == 0) {
    ctx.io.out << "sealed mode is off in store '" << opened->store->dir()
               << "'; nothing changed\n";
    return Status::Ok();
  }
  ctx.io.out << "sealed mode is off in store '" << opened->store->dir() << "': "
             << deleted.value()
             << (deleted.value() == 1 ? " sealed identifier" : " sealed identifiers")
             << " deleted and the store compacted (no file of the store directory holds them)\n"
                "copies made before (store exports, backups of the store directory) still hold "
                "them, readable with the sealing key only: destroy the sealing key file to make "
                "them unreadable too\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& SealDisableCommand() {
  static const CommandSpec spec{
      "seal disable", "", 0, 0, "turn sealed mode off and purge every sealed identifier",
      "Returns the store to hash-only: deletes every sealed identifier and the sealed-mode\n"
      "record in one synced write, then compacts the whole store, so that no table file or log\n"
      "in the store directory still holds a ciphertext. Tombstones and their hashes are\n"
      "untouched; 'add' and 'import' no longer need the sealing key. No key is needed.\n"
      "Copies made before (store exports, backups of the directory) still hold the sealed\n"
      "identifiers, readable only with the sealing key: destroying the sealing key file is\n"
      "the other way back to hash-only, for them too (docs/security.md). Exit 0 when sealed\n"
      "mode was already off.\n",
      nullptr, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

// tombstone store check: read the whole store against its checksums and its recorded count, so
// that damage is found on a schedule, not on the day of a restore.
#include "src/commands/store_check.h"

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

Status Run(Context& ctx) {
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);  // open
  if (!opened.ok()) return opened.status();
  // Sealed records are authenticated when the sealing key is given (and the store sealed).
  auto sealing_key = SealingKeyIfGiven(ctx, *opened->store);
  if (!sealing_key.ok()) return sealing_key.status();
  // every block, every record, the counts
  auto report = opened->store->VerifyIntegrity(sealing_key->get());
  if (!report.ok()) return report.status();
  ctx.io.out << "store intact: " << report->tombstones
             << (report->tombstones == 1 ? " tombstone in " : " tombstones in ")
             << report->table_files
             << (report->table_files == 1 ? " table file (" : " table files (")
             << report->table_bytes << " bytes), every block checksum verified";
  if (!report->count_recorded)
    ctx.io.out << "; no recorded count yet (a store made by an older version: the next "
                  "writing command records it)";
  ctx.io.out << '\n';
  if (report->sealed_mode) {
    ctx.io.out << "sealed mode: " << report->sealed
               << (report->sealed == 1 ? " sealed identifier" : " sealed identifiers")
               << ", each belonging to a tombstone, as many as recorded; ";
    ctx.io.out << (report->sealed_authenticated
                       ? "each one opened with the sealing key (authenticated)\n"
                       : "not authenticated (pass --sealing-key-file to open each one)\n");
  }
  return Status::Ok();
}

}  // namespace

const CommandSpec& StoreCheckCommand() {
  static const CommandSpec spec{
      "store check",
      "",
      0,
      0,
      "verify every file and checksum of the store, and its count",
      "Opens the store read-only (checking that every file its MANIFEST names is present and\n"
      "readable), reads every block of every table file against its checksum, decodes every\n"
      "tombstone and compares their number with the count the store records with each write.\n"
      "Every command that reads tombstones makes the file and count checks too, and refuses a\n"
      "damaged store; run this one on a schedule to find damage before a restore needs the store.\n"
      "In sealed mode it also checks that every sealed identifier belongs to a tombstone and\n"
      "that their number is the one recorded; with --sealing-key-file it opens each one, so\n"
      "that a changed ciphertext is found (without the key it cannot be).\n"
      "Exit 0 when intact; 4 (store error) naming what is wrong: restore the store from a copy\n"
      "made with 'tombstone store export'.\n",
      nullptr,
      Run};
  return spec;
}

}  // namespace tombstone

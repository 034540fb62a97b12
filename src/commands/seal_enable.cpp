// tombstone seal enable: turn sealed mode on for an existing store.
#include "src/commands/seal_enable.h"

#include <filesystem>

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("generate-sealing-key",
                        "write a new random sealing key to --sealing-key-file (mode 0600) first");
}

Status Run(Context& ctx) {
  if (ctx.global.sealing_key_file.empty())
    return Status::Usage("unable to turn sealed mode on: no sealing key file given",
                         "pass --sealing-key-file FILE (with --generate-sealing-key to create "
                         "a new one); keep it apart from --key-file");
  // The store first: a key is generated only for a store that can take it.
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto current = opened->store->SealingFingerprint();
  if (!current.ok()) return current.status();
  if (current.value())
    return Status::Usage("unable to turn sealed mode on in store '" + opened->store->dir() +
                             "': it is already on",
                         "'tombstone seal status' shows it");
  const bool generate = ctx.Has("generate-sealing-key");
  auto key = generate ? tombstones::SealingKey::Generate(ctx.global.sealing_key_file)
                      : LoadSealingKey(ctx);
  if (!key.ok()) return key.status();
  if (Status s = opened->store->EnableSealing(key.value()); !s.ok()) {
    std::error_code ec;
    if (generate) std::filesystem::remove(ctx.global.sealing_key_file, ec);  // a key for nothing
    return s;
  }
  auto coverage = opened->store->SealedCoverage();
  if (!coverage.ok()) return coverage.status();
  std::uint64_t unsealed = 0;
  for (const auto& kind : coverage->kinds()) unsealed += kind.hashes - kind.sealed;
  ctx.io.out << "sealed mode is on in store '" << opened->store->dir() << "'";
  if (generate)
    ctx.io.out << " with the new sealing key file '" << ctx.global.sealing_key_file
               << "' (mode 0600)";
  ctx.io.out << "\nsealing key fingerprint " << key->Fingerprint().substr(0, 16)
             << "\nthe store and the sealing key together reveal every erased identifier: keep "
                "the sealing key apart from the store and its copies (docs/security.md)\n";
  if (unsealed > 0)
    ctx.io.out << unsealed
               << (unsealed == 1 ? " identifier hash" : " identifier hashes")
               << " recorded before have no sealed identifier (the store never had their "
                  "values): add or import those requests again with the sealing key; 'tombstone "
                  "seal status' shows the coverage per kind\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& SealEnableCommand() {
  static const CommandSpec spec{
      "seal enable", "--sealing-key-file FILE", 0, 0,
      "turn sealed mode on: also keep identifiers encrypted (opt-in)",
      "Turns sealed mode on for an existing store: from now on 'add' and 'import' also keep\n"
      "each identifier encrypted (XChaCha20-Poly1305) under the sealing key in\n"
      "--sealing-key-file, and need that key; replay can then look subjects up through indexes.\n"
      "With --generate-sealing-key a new random sealing key is written first (the file must\n"
      "not exist). The store records the sealing key's fingerprint, never the key.\n"
      "Tombstones already recorded have no sealed identifier (the store only ever had their\n"
      "hashes): add or import the same requests again with the sealing key to seal them\n"
      "('tombstone seal status' shows what is covered).\n"
      "The store plus the sealing key reveal every erased identifier: keep the sealing key\n"
      "apart from the store, its exports and the hashing key (docs/security.md). Exit 2 when\n"
      "sealed mode is already on.\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

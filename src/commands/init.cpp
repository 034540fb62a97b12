// tombstone init: create a store bound to a key, generating the key when asked.
#include "src/commands/init.h"

#include <filesystem>

#include "src/cli/store_access.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("generate-key",
                        "write a new random 32-byte key to --key-file (mode 0600) first");
}

Status Run(Context& ctx) {
  auto dir = StoreDir(ctx);
  if (!dir.ok()) return dir.status();
  if (ctx.global.key_file.empty())
    return Status::Usage("unable to create store '" + dir.value() + "': no key file given",
                         "pass --key-file FILE (with --generate-key to create a new key)");
  std::error_code ec;
  if (std::filesystem::exists(dir.value(), ec) && !std::filesystem::is_empty(dir.value(), ec))
    return Status::StoreError("unable to create store '" + dir.value() +
                                  "': the directory is not empty",
                              "choose a new directory; an existing store is never overwritten");

  const bool generate = ctx.Has("generate-key");
  auto key = generate ? tombstones::Key::Generate(ctx.global.key_file) : LoadKey(ctx);
  if (!key.ok()) return key.status();
  auto store = tombstones::Store::Create(dir.value(), key.value());
  if (!store.ok()) {
    if (generate) std::filesystem::remove(ctx.global.key_file, ec);  // a key for no store
    return store.status();
  }
  ctx.io.out << "created store '" << dir.value() << "'";
  if (generate) ctx.io.out << " and key file '" << ctx.global.key_file << "' (mode 0600)";
  ctx.io.out << "\nkey fingerprint " << key->Fingerprint().substr(0, 16)
             << "\nkeep a copy of the key file apart from the store: without it the store "
                "cannot match anything\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& InitCommand() {
  static const CommandSpec spec{
      "init", "[--generate-key]", 0, 0, "create a new store bound to a secret key",
      "Creates the store directory given by --store and binds it to the key in --key-file:\n"
      "the store records the key's fingerprint and refuses any other key later. With\n"
      "--generate-key a new random key is written first (the file must not exist).\n"
      "Keep the key file apart from the store, mode 0600, and back both up.\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

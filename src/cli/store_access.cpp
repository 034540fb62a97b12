#include "src/cli/store_access.h"

#include <sys/stat.h>

namespace tombstone {

Result<std::string> StoreDir(const Context& ctx) {
  if (ctx.global.store_dir.empty())
    return Status::Usage("unable to find the store: no store directory given",
                         "pass --store DIR or set TOMBSTONE_STORE");
  return ctx.global.store_dir;
}

Result<tombstones::Key> LoadKey(const Context& ctx) {
  if (ctx.global.key_file.empty())
    return Status::Usage("unable to find the key: no key file given",
                         "pass --key-file FILE or set TOMBSTONE_KEY_FILE");
  return tombstones::Key::Load(ctx.global.key_file);
}

Result<tombstones::SealingKey> LoadSealingKey(const Context& ctx) {
  const std::string& path = ctx.global.sealing_key_file;
  if (path.empty())
    return Status::Usage("unable to find the sealing key: no sealing key file given",
                         "pass --sealing-key-file FILE or set TOMBSTONE_SEALING_KEY_FILE");
  // The point of a second key is that it can be kept, and destroyed, apart from the first.
  struct stat sealing {}, hashing {};
  if (!ctx.global.key_file.empty() && ::stat(path.c_str(), &sealing) == 0 &&
      ::stat(ctx.global.key_file.c_str(), &hashing) == 0 && sealing.st_dev == hashing.st_dev &&
      sealing.st_ino == hashing.st_ino)
    return Status::Usage("unable to use sealing key file '" + path +
                             "': it is the key file itself",
                         "the sealing key is a second key in a file of its own: create one with "
                         "--generate-sealing-key");
  return tombstones::SealingKey::Load(path);
}

Result<OpenedStore> OpenStore(const Context& ctx, tombstones::Store::Mode mode, KeyUse key_use,
                              const tombstones::SealingKey* sealing_key) {
  auto dir = StoreDir(ctx);
  if (!dir.ok()) return dir.status();
  OpenedStore opened;
  if (key_use == KeyUse::kRequired || !ctx.global.key_file.empty()) {
    auto key = LoadKey(ctx);
    if (!key.ok()) return key.status();
    opened.key = std::make_unique<tombstones::Key>(std::move(key.value()));
  }
  tombstones::Store::Options options;
  options.dir = dir.value();
  options.mode = mode;
  options.key = opened.key.get();
  options.lock_wait_seconds = ctx.global.lock_timeout;
  options.sealing_key = sealing_key;
  auto store = tombstones::Store::Open(options);
  if (!store.ok()) return store.status();
  opened.store = std::move(store.value());
  return opened;
}

Result<std::unique_ptr<tombstones::SealingKey>> SealingKeyIfGiven(const Context& ctx,
                                                                   tombstones::Store& store) {
  std::unique_ptr<tombstones::SealingKey> none;
  if (ctx.global.sealing_key_file.empty()) return none;
  auto sealed = store.SealingFingerprint();
  if (!sealed.ok()) return sealed.status();
  if (!sealed.value()) return none;
  auto key = LoadSealingKey(ctx);
  if (!key.ok()) return key.status();
  return std::make_unique<tombstones::SealingKey>(std::move(key.value()));
}

Status RequireSealingKeyIfSealed(const Context& ctx, OpenedStore* opened) {
  auto sealing = opened->store->SealingFingerprint();
  if (!sealing.ok()) return sealing.status();
  if (!sealing.value()) return Status::Ok();
  if (ctx.global.sealing_key_file.empty())
    return Status::Usage("unable to record identifiers in store '" + opened->store->dir() +
                             "': it is in sealed mode and no sealing key file was given",
                         "pass --sealing-key-file FILE or set TOMBSTONE_SEALING_KEY_FILE; to "
                         "return to hash-only, run 'tombstone seal disable' (docs/security.md)");
  auto key = LoadSealingKey(ctx);
  if (!key.ok()) return key.status();
  if (key->Fingerprint() != *sealing.value())
    return Status::StoreError("unable to open store '" + opened->store->dir() +
                                  "': the sealing key does not match the sealing key the store "
                                  "was sealed with",
                              "pass the store's own sealing key file with --sealing-key-file");
  opened->sealing_key = std::make_unique<tombstones::SealingKey>(std::move(key.value()));
  return Status::Ok();
}

}  // namespace tombstone

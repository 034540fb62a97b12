#include "src/cli/store_access.h"

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

Result<OpenedStore> OpenStore(const Context& ctx, tombstones::Store::Mode mode, KeyUse key_use) {
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
  auto store = tombstones::Store::Open(options);
  if (!store.ok()) return store.status();
  opened.store = std::move(store.value());
  return opened;
}

}  // namespace tombstone

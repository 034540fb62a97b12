// Opening the store and the key from the global options, the same way for every command.
#pragma once

#include <memory>

#include "src/cli/command.h"

namespace tombstone {

// A store with the key it was opened with (the store keeps a pointer to it: keep them together).
struct OpenedStore {
  std::unique_ptr<tombstones::Key> key;  // null when no key was needed nor given
  std::unique_ptr<tombstones::Store> store;
};

enum class KeyUse {
  kRequired,  // commands that hash identifiers or seal receipts
  kIfGiven,   // listing commands: checked when given, not needed otherwise
};

// --store or TOMBSTONE_STORE; kUsage when neither is set.
Result<std::string> StoreDir(const Context& ctx);
// --key-file or TOMBSTONE_KEY_FILE; kUsage when neither is set, kStoreError when unusable.
Result<tombstones::Key> LoadKey(const Context& ctx);
Result<OpenedStore> OpenStore(const Context& ctx, tombstones::Store::Mode mode, KeyUse key_use);

}  // namespace tombstone

// Opening the store and the key from the global options, the same way for every command.
#pragma once

#include <memory>

#include "src/cli/command.h"

namespace tombstone {

// A store with the keys it was opened with (the store keeps pointers to them: keep them
// together).
struct OpenedStore {
  std::unique_ptr<tombstones::Key> key;  // null when no key was needed nor given
  // Set by RequireSealingKeyIfSealed for a store in sealed mode; null otherwise.
  std::unique_ptr<tombstones::SealingKey> sealing_key;
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
// --sealing-key-file or TOMBSTONE_SEALING_KEY_FILE; kUsage when neither is set, kStoreError
// when unusable, or when it is the hashing key's own file (the two must be able to live apart).
Result<tombstones::SealingKey> LoadSealingKey(const Context& ctx);
// `sealing_key` (may be null) is checked against a sealed store's.
Result<OpenedStore> OpenStore(const Context& ctx, tombstones::Store::Mode mode, KeyUse key_use,
                              const tombstones::SealingKey* sealing_key = nullptr);
// For commands that read sealed identifiers when they can: the sealing key given
// (--sealing-key-file) when `store` is in sealed mode; null when it is not, or none is given.
// Errors as LoadSealingKey; whether it is the store's key the store checks where it is used.
Result<std::unique_ptr<tombstones::SealingKey>> SealingKeyIfGiven(const Context& ctx,
                                                                   tombstones::Store& store);
// For commands that record identifiers: when the store is in sealed mode, loads the sealing
// key into opened->sealing_key and checks it against the store's; kUsage with a hint when none
// is given (nothing may be recorded without its sealed form), kStoreError when it is not the
// store's. Does nothing for a store not in sealed mode (a sealing key given is not even read).
Status RequireSealingKeyIfSealed(const Context& ctx, OpenedStore* opened);

}  // namespace tombstone

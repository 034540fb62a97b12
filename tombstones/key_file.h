// Reading and writing a 32-byte secret in its own file (internal to tombstones/): the hashing
// key and the sealing key obey the same rules (docs/security.md, "The key file").
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstones::key_file {

// How messages name the file and what to do about it.
struct Role {
  std::string_view noun;         // "key file", "sealing key file"
  std::string_view option;       // "--key-file", "--sealing-key-file"
  std::string_view create_hint;  // what to run when the file does not exist
};

// Reads the 64 hex digits of `path` into *secret. kStoreError when the file is missing,
// unreadable, a symbolic link, not a regular file, owned by someone other than the running
// user or root, readable by group or others, or not 64 hex digits. The checks are made on the
// opened file; the buffer that held the text is zeroed. The caller zeroes *secret when done.
Status Read(const std::string& path, const Role& role, std::array<unsigned char, 32>* secret);

// Writes a new random secret to `path` (mode 0600, synced) and returns it in *secret. Refuses
// to overwrite an existing file or to write through a symbolic link.
Status Generate(const std::string& path, const Role& role, std::array<unsigned char, 32>* secret);

bool SodiumReady();
std::string ToHex(const unsigned char* data, std::size_t n);

// The public fingerprint of a key: the hex BLAKE2b digest of its subkey `subkey_id` in the kdf
// `context`, so that it says which key without revealing any of the key's other subkeys.
std::string Fingerprint(const std::array<unsigned char, 32>& master, std::uint64_t subkey_id,
                        const char* context);

}  // namespace tombstones::key_file

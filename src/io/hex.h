// Lowercase hexadecimal of bytes: digests and checksums in receipts, exports and messages.
#pragma once

#include <sodium.h>

#include <cstddef>
#include <string>

namespace tombstone::io {

inline std::string Hex(const unsigned char* data, std::size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, n);
  hex.pop_back();  // the terminating NUL sodium writes
  return hex;
}

}  // namespace tombstone::io

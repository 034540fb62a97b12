// Small files read at once: a data map, a configuration file. (Inputs of any size go through
// src/io/byte_stream.h instead.)
#pragma once

#include <string>

namespace tombstone::io {

// Reads the whole of `path` into *bytes. false when it cannot be opened or read, with errno's
// value in *error (ENOENT for a missing file, EIO for a read error) for the caller's message.
bool ReadWholeFile(const std::string& path, std::string* bytes, int* error);

}  // namespace tombstone::io

// Turning identifiers given by people (KIND:VALUE) into keyed hashes. The value itself never
// leaves this file: error messages name the kind and where it was read, not the value.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstone {

using tombstones::Result;
using tombstones::Status;

class IdentifierHasher {
 public:
  // All must outlive the hasher. With a sealing key (a store in sealed mode), every identifier
  // hashed also carries its sealed form (IdentifierHash::sealed), made right here so that the
  // normalized value goes no further in the clear.
  IdentifierHasher(tombstones::Store& store, const tombstones::Key& key,
                   const tombstones::SealingKey* sealing_key = nullptr)
      : store_(store), key_(key), sealing_key_(sealing_key) {}
  ~IdentifierHasher();

  // Normalizes and hashes `value` of `kind`. The kind's normalizer is the store's record of it,
  // or the default for a kind never used before. `where` ("line 3 of 'ids.txt'") goes into
  // error messages instead of the value. kUsage on an invalid kind (not quoted either), a value
  // holding a NUL byte, or one that normalizes to nothing.
  Result<tombstones::IdentifierHash> Hash(std::string_view kind, std::string_view value,
                                          const std::string& where);
  // "KIND:VALUE" form.
  Result<tombstones::IdentifierHash> HashPair(std::string_view kind_value,
                                              const std::string& where);

 private:
  tombstones::Store& store_;
  const tombstones::Key& key_;
  const tombstones::SealingKey* sealing_key_;
  std::map<std::string, tombstones::Normalizer, std::less<>> normalizers_;
  std::string scratch_;
};

}  // namespace tombstone

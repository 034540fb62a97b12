#include "src/input/identifier_input.h"

#include <algorithm>

namespace tombstone {

IdentifierHasher::~IdentifierHasher() {
  // The last value normalized: zeroed rather than left in freed memory.
  std::fill(scratch_.begin(), scratch_.end(), '\0');
}

Result<tombstones::IdentifierHash> IdentifierHasher::Hash(std::string_view kind,
                                                          std::string_view value,
                                                          const std::string& where) {
  // Neither an invalid kind nor a value is ever quoted: with shifted columns, or a missing
  // "KIND:", either may hold the identifier itself.
  if (!tombstones::IsValidKindName(kind))
    return Status::Usage("unable to read identifier (" + where +
                         "): the kind is not 1 to 64 of a-z, 0-9, '_' and '-'");
  // PostgreSQL text never holds a NUL byte: such a value could never match a row.
  if (value.find('\0') != std::string_view::npos)
    return Status::Usage("unable to read identifier (" + where + "): the " + std::string(kind) +
                         " value holds a NUL byte, which no database text can hold");
  auto it = normalizers_.find(kind);
  if (it == normalizers_.end()) {
    auto stored = store_.KindNormalizer(std::string(kind));
    if (!stored.ok()) return stored.status();
    const tombstones::Normalizer n =
        stored.value() ? *stored.value() : tombstones::DefaultNormalizerFor(kind);
    it = normalizers_.emplace(std::string(kind), n).first;
  }
  if (!tombstones::Normalize(it->second, value, &scratch_))
    return Status::Usage("unable to read identifier (" + where + "): the " + std::string(kind) +
                         " value is empty or invalid after normalizing (" +
                         std::string(tombstones::NormalizerName(it->second)) + ")");
  tombstones::IdentifierHash id;
  id.kind = std::string(kind);
  id.normalizer = it->second;
  id.hash = key_.HashIdentifier(kind, scratch_);
  if (sealing_key_ != nullptr) id.sealed = sealing_key_->Seal(id.kind, id.hash, scratch_);
  return id;
}

Result<tombstones::IdentifierHash> IdentifierHasher::HashPair(std::string_view kind_value,
                                                              const std::string& where) {
  const std::size_t colon = kind_value.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return Status::Usage("unable to read identifier (" + where + "): expected KIND:VALUE",
                         "for example email:alice@example.com or user_id:42");
  return Hash(kind_value.substr(0, colon), kind_value.substr(colon + 1), where);
}

}  // namespace tombstone

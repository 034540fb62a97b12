#include "src/exports/tombstone_index.h"

namespace tombstone::exports {

void KindMatcher::Find(std::string_view raw, std::vector<std::uint32_t>* hits) {
  if (hashes_.empty()) return;
  if (!tombstones::Normalize(normalizer_, raw, &scratch_)) return;
  const auto [first, last] = hashes_.equal_range(hasher_.Hash(scratch_));
  for (auto it = first; it != last; ++it) hits->push_back(it->second);
}

KindMatcher* TombstoneIndex::ForKind(std::string_view kind) {
  for (auto& m : matchers_)
    if (m->kind() == kind) return m.get();
  return nullptr;
}

Result<std::unique_ptr<TombstoneIndex>> TombstoneIndex::Load(
    tombstones::Store& store, const tombstones::Key& key, const std::vector<std::string>& kinds) {
  auto index = std::make_unique<TombstoneIndex>();
  for (const std::string& kind : kinds) {
    if (index->ForKind(kind) != nullptr) continue;
    auto recorded = store.KindNormalizer(kind);
    if (!recorded.ok()) return recorded.status();
    const tombstones::Normalizer n =
        recorded.value() ? *recorded.value() : tombstones::DefaultNormalizerFor(kind);
    index->matchers_.push_back(std::make_unique<KindMatcher>(kind, n, key.ForKind(kind)));
  }
  Status s = store.ForEach([&](const tombstones::Tombstone& t) {
    const auto ref = static_cast<std::uint32_t>(index->refs_.size());
    bool used = false;
    for (const auto& id : t.identifiers) {
      KindMatcher* m = index->ForKind(id.kind);
      if (m == nullptr) continue;
      m->hashes_.emplace(id.hash, ref);
      used = true;
    }
    if (used) index->refs_.push_back({t.request_id, t.erased_at, t.hold_reason.has_value()});
    return true;
  });
  if (!s.ok()) return s;
  return index;
}

}  // namespace tombstone::exports

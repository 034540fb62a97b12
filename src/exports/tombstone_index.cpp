#include "src/exports/tombstone_index.h"

#include <algorithm>

namespace tombstone::exports {

void KindMatcher::Find(std::string_view raw, std::vector<std::uint32_t>* hits) {
  if (entries_.empty()) return;
  if (!tombstones::Normalize(normalizer_, raw, &scratch_)) return;
  const tombstones::Hash128 h = hasher_.Hash(scratch_);
  for (std::size_t i = h.Low64() & mask_; slots_[i] != 0; i = (i + 1) & mask_) {
    std::size_t e = slots_[i] - 1;
    if (!(entries_[e].first == h)) continue;
    for (; e < entries_.size() && entries_[e].first == h; ++e) hits->push_back(entries_[e].second);
    return;
  }
}

void KindMatcher::Seal() {
  std::sort(entries_.begin(), entries_.end());
  std::size_t size = 16;
  while (size < 2 * entries_.size()) size *= 2;
  slots_.assign(size, 0);
  mask_ = size - 1;
  for (std::size_t e = 0; e < entries_.size(); ++e) {
    if (e > 0 && entries_[e].first == entries_[e - 1].first) continue;
    std::size_t i = entries_[e].first.Low64() & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = static_cast<std::uint32_t>(e + 1);
  }
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
      m->entries_.emplace_back(id.hash, ref);
      used = true;
    }
    if (used) index->refs_.push_back({t.request_id, t.erased_at, t.hold_reason.has_value()});
    return true;
  });
  if (!s.ok()) return s;
  for (auto& m : index->matchers_) m->Seal();
  return index;
}

}  // namespace tombstone::exports

#include "src/match/kind_matcher.h"

namespace tombstone::match {

std::optional<Hash128> ProbeHash(tombstones::Normalizer n,
                                 const tombstones::Key::KindHasher& hasher, std::string_view raw,
                                 std::string* scratch) {
  if (n == tombstones::Normalizer::kExact) {  // Normalize(kExact) is the value itself: no copy
    if (raw.empty()) return std::nullopt;
    return hasher.Hash(raw);
  }
  if (!tombstones::Normalize(n, raw, scratch)) return std::nullopt;
  return hasher.Hash(*scratch);
}

Result<tombstones::Normalizer> KindNormalizer(
    const TombstoneTable& table, const std::string& kind,
    const std::map<std::string, tombstones::Normalizer>* declared, const std::string& where) {
  const auto stored = table.kinds().find(kind);
  const bool in_map = declared != nullptr && declared->count(kind) > 0;
  if (stored != table.kinds().end()) {
    if (in_map && declared->at(kind) != stored->second)
      return Status::Usage("unable to read map '" + where + "': kind '" + kind +
                               "' is normalized as '" +
                               std::string(tombstones::NormalizerName(declared->at(kind))) +
                               "' by the map but as '" +
                               std::string(tombstones::NormalizerName(stored->second)) +
                               "' by the store",
                           "declare the kind as the store records it (tombstone list shows it)");
    return stored->second;
  }
  if (in_map) return declared->at(kind);
  return tombstones::DefaultNormalizerFor(kind);
}

Result<std::unique_ptr<TombstoneMatcher>> TombstoneMatcher::Load(
    tombstones::Store& store, const tombstones::Key& key, const std::vector<std::string>& kinds,
    const std::map<std::string, tombstones::Normalizer>* declared, const std::string& where) {
  auto table = TombstoneTable::Load(store);
  if (!table.ok()) return table.status();
  std::unique_ptr<TombstoneMatcher> m(new TombstoneMatcher(std::move(table.value())));
  for (const std::string& kind : kinds) {
    if (m->ForKind(kind) != nullptr) continue;
    auto n = KindNormalizer(m->table_, kind, declared, where);
    if (!n.ok()) return n.status();
    m->matchers_.push_back(
        std::make_unique<KindMatcher>(m->table_, kind, n.value(), key.ForKind(kind)));
  }
  return m;
}

KindMatcher* TombstoneMatcher::ForKind(std::string_view kind) {
  for (auto& m : matchers_)
    if (m->kind() == kind) return m.get();
  return nullptr;
}

}  // namespace tombstone::match

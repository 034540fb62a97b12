#include "src/replay/tombstone_set.h"

namespace tombstone::replay {

Result<TombstoneSet> TombstoneSet::Load(tombstones::Store& store) {
  TombstoneSet set;
  auto digest = store.Digest();
  if (!digest.ok()) return digest.status();
  set.digest_ = digest.value();
  set.request_ids_.reserve(set.digest_.tombstones);
  Status visited = store.ForEach([&](const tombstones::Tombstone& t) {
    const auto index = static_cast<std::uint32_t>(set.request_ids_.size());
    set.request_ids_.push_back(t.request_id);
    set.erased_at_.push_back(t.erased_at);
    set.held_.push_back(t.hold_reason.has_value());
    if (t.hold_reason) ++set.held_count_;
    for (const auto& id : t.identifiers) {
      set.kinds_.emplace(id.kind, id.normalizer);
      set.Insert(id.hash, index);
    }
    return true;
  });
  if (!visited.ok()) return visited;
  return set;
}

void TombstoneSet::Resize(std::size_t slots) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slots, Slot{});
  mask_ = slots - 1;
  hashes_ = 0;
  for (const Slot& slot : old)
    if (slot.tombstone != kNone) Insert(slot.hash, slot.tombstone);
}

bool TombstoneSet::Wins(std::uint32_t candidate, std::uint32_t incumbent) const {
  if (held_[incumbent]) return false;
  return held_[candidate] || erased_at_[candidate] > erased_at_[incumbent];
}

void TombstoneSet::Insert(const Hash128& hash, std::uint32_t tombstone) {
  if ((hashes_ + 1) * 10 > slots_.size() * 7) Resize(slots_.size() * 2);  // keep probes short
  for (std::size_t i = hash.Low64() & mask_;; i = (i + 1) & mask_) {
    Slot& slot = slots_[i];
    if (slot.tombstone == kNone) {
      slot = Slot{hash, tombstone};
      ++hashes_;
      return;
    }
    if (slot.hash != hash) continue;
    if (Wins(tombstone, slot.tombstone)) slot.tombstone = tombstone;
    return;
  }
}

}  // namespace tombstone::replay

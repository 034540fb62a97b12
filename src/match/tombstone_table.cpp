#include "src/match/tombstone_table.h"

#include <algorithm>

namespace tombstone::match {

Result<TombstoneTable> TombstoneTable::Load(tombstones::Store& store) {
  TombstoneTable set;
  // One pass over the store for both the digest and the tombstones; the table doubles as it
  // fills (the count is known only at the end).
  auto digest = store.Digest([&](const tombstones::Tombstone& t) {
    const auto index = static_cast<std::uint32_t>(set.request_ends_.size());
    set.request_arena_ += t.request_id;
    set.request_ends_.push_back(set.request_arena_.size());
    set.erased_at_.push_back(t.erased_at);
    set.held_.push_back(t.hold_reason.has_value());
    if (t.hold_reason) ++set.held_count_;
    std::uint64_t kinds = 0;
    for (const auto& id : t.identifiers) {
      set.kinds_.try_emplace(id.kind, id.normalizer);  // no node built for a known kind
      auto known = set.kind_index_.find(id.kind);
      if (known == set.kind_index_.end()) {
        known = set.kind_index_.emplace(id.kind, static_cast<int>(set.kind_names_.size())).first;
        set.kind_names_.push_back(id.kind);
        set.kind_hashes_.push_back(0);
      }
      kinds |= std::uint64_t{1} << std::min(known->second, 63);
      if (set.Insert(id.hash, index)) ++set.kind_hashes_[static_cast<std::size_t>(known->second)];
    }
    ++set.kind_sets_[kinds];
  });
  if (!digest.ok()) return digest.status();
  set.digest_ = digest.value();
  return set;
}

void TombstoneTable::Resize(std::size_t slots) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slots, Slot{});
  mask_ = slots - 1;
  hashes_ = 0;
  for (const Slot& slot : old) {
    if (slot.tombstone == kNone) continue;
    Hash128 hash;
    std::memcpy(hash.bytes.data(), &slot.lo, 8);
    std::memcpy(hash.bytes.data() + 8, &slot.hi, 8);
    Insert(hash, slot.tombstone);
  }
}

bool TombstoneTable::Wins(std::uint32_t candidate, std::uint32_t incumbent) const {
  if (held_[incumbent]) return false;
  return held_[candidate] || erased_at_[candidate] > erased_at_[incumbent];
}

bool TombstoneTable::Insert(const Hash128& hash, std::uint32_t tombstone) {
  if ((hashes_ + 1) * 10 > slots_.size() * 7) Resize(slots_.size() * 2);  // keep probes short
  std::uint64_t lo, hi;
  std::memcpy(&lo, hash.bytes.data(), 8);
  std::memcpy(&hi, hash.bytes.data() + 8, 8);
  for (std::size_t i = lo & mask_;; i = (i + 1) & mask_) {
    Slot& slot = slots_[i];
    if (slot.tombstone == kNone) {
      slot.lo = lo;
      slot.hi = hi;
      slot.tombstone = tombstone;
      ++hashes_;
      return true;
    }
    if (slot.lo != lo || slot.hi != hi) continue;
    if (Wins(tombstone, slot.tombstone)) slot.tombstone = tombstone;
    return false;
  }
}

}  // namespace tombstone::match

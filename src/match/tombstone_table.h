// The tombstones that replay, verify, discover and the exports (scan/scrub) match against: every
// identifier hash of the store in one flat open-addressing table (16-byte hash and a tombstone
// number: 20 bytes a slot, packed; at most 70% full, linear probing), loaded once per run.
// Memory grows with the number of tombstones, never with the tables scanned.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::match {

using tombstones::Hash128;
using tombstones::Micros;
using tombstones::Result;
using tombstones::Status;

class TombstoneTable {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // Reads every tombstone of `store` (one consistent snapshot of the reader) and its digest.
  static Result<TombstoneTable> Load(tombstones::Store& store);

  // The tombstone that `hash` stands for, or kNone. When several tombstones share a hash (a
  // subject erased, re-registered and erased again), one on legal hold wins, else the latest
  // erasure: the rule of a row (RowMatch), so that the winner of a hash decides a row as all
  // of its tombstones would. Thread-safe (read-only).
  std::uint32_t Find(const Hash128& hash) const {
    std::uint64_t lo, hi;
    std::memcpy(&lo, hash.bytes.data(), 8);
    std::memcpy(&hi, hash.bytes.data() + 8, 8);
    for (std::size_t i = lo & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.lo == lo && slot.hi == hi && slot.tombstone != kNone) return slot.tombstone;
      if (slot.tombstone == kNone) return kNone;
    }
  }
  // Warms the cache line `Find(hash)` reads first (issue it a few dozen lookups ahead).
  void Prefetch(const Hash128& hash) const { __builtin_prefetch(&slots_[hash.Low64() & mask_]); }

  std::string_view request_id(std::uint32_t t) const {
    const std::uint64_t begin = t == 0 ? 0 : request_ends_[t - 1];
    return std::string_view(request_arena_).substr(begin, request_ends_[t] - begin);
  }
  Micros erased_at(std::uint32_t t) const { return erased_at_[t]; }
  bool held(std::uint32_t t) const { return held_[t]; }
  std::size_t tombstones() const { return request_ends_.size(); }
  std::size_t held_count() const { return held_count_; }
  std::size_t hashes() const { return hashes_; }
  // The normalizer the store recorded for each kind it has seen.
  const std::map<std::string, tombstones::Normalizer>& kinds() const { return kinds_; }
  const tombstones::StoreDigest& digest() const { return digest_; }
  // How many tombstones have each set of kinds: bit i of a key stands for kind_names()[i]
  // (bit 63: any kind past the 63rd, rare), so that a run can say which tombstones its map can
  // match at all.
  const std::map<std::uint64_t, std::uint64_t>& kind_sets() const { return kind_sets_; }
  const std::vector<std::string>& kind_names() const { return kind_names_; }
  // How many distinct hashes the store holds for `kind` (0 for a kind it has never seen): what
  // a list of identifiers in the clear must cover before replay may look the kind up through an
  // index (src/replay/read_path.h). Hashes are keyed per kind, so a hash belongs to one kind.
  std::uint64_t kind_hashes(std::string_view kind) const {
    const auto known = kind_index_.find(kind);
    return known == kind_index_.end() ? 0 : kind_hashes_[static_cast<std::size_t>(known->second)];
  }

 private:
  // 20 bytes: the hash as two words (compared without memcmp) and the tombstone (kNone: empty).
  struct __attribute__((packed, aligned(4))) Slot {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::uint32_t tombstone = kNone;
  };
  static_assert(sizeof(Slot) == 20);
  TombstoneTable() { Resize(16); }
  void Resize(std::size_t slots);
  // Whether the hash was new to the table.
  bool Insert(const Hash128& hash, std::uint32_t tombstone);
  bool Wins(std::uint32_t candidate, std::uint32_t incumbent) const;

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t hashes_ = 0;
  // The request ids end to end (a std::string each would cost 32 bytes more a tombstone).
  std::string request_arena_;
  std::vector<std::uint64_t> request_ends_;
  std::vector<Micros> erased_at_;
  std::vector<bool> held_;
  std::size_t held_count_ = 0;
  std::map<std::string, tombstones::Normalizer> kinds_;
  std::map<std::string, int, std::less<>> kind_index_;
  std::vector<std::string> kind_names_;
  std::vector<std::uint64_t> kind_hashes_;  // by kind_index_
  std::map<std::uint64_t, std::uint64_t> kind_sets_;
  tombstones::StoreDigest digest_;
};

}  // namespace tombstone::match

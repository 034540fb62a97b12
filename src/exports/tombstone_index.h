// The tombstones of a store, indexed for matching values read from exports: per kind, the
// keyed hash of each normalized identifier -> the tombstones that hold it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::exports {

using tombstones::Micros;
using tombstones::Result;
using tombstones::Status;

// What a match needs to know about a tombstone (never the identifier).
struct TombstoneRef {
  std::string request_id;
  Micros erased_at = 0;
  bool held = false;
};

// Finds the tombstones holding a raw value of one kind. Not thread-safe (scratch buffer).
class KindMatcher {
 public:
  KindMatcher(std::string kind, tombstones::Normalizer normalizer,
              tombstones::Key::KindHasher hasher)
      : kind_(std::move(kind)), normalizer_(normalizer), hasher_(std::move(hasher)) {}
  // Appends to *hits the index (into TombstoneIndex::refs()) of every tombstone holding `raw`
  // once normalized; nothing when the value normalizes to nothing.
  void Find(std::string_view raw, std::vector<std::uint32_t>* hits);
  const std::string& kind() const { return kind_; }
  tombstones::Normalizer normalizer() const { return normalizer_; }

 private:
  friend class TombstoneIndex;
  // Sorts the entries and builds the open-addressing table over them (after loading).
  void Seal();

  std::string kind_;
  tombstones::Normalizer normalizer_;
  tombstones::Key::KindHasher hasher_;
  // (hash, tombstone) sorted by hash; slots_ (a power of two, at most half full) holds 1 + the
  // index of the first entry of each distinct hash, 0 when empty; probed linearly from Low64.
  std::vector<std::pair<tombstones::Hash128, std::uint32_t>> entries_;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
  std::string scratch_;
};

class TombstoneIndex {
 public:
  // Loads every tombstone of `store` holding an identifier of one of `kinds`. Each kind is
  // normalized with the store's recorded normalizer (a kind the store never saw cannot match;
  // it gets the default normalizer). `key` must be the store's key and outlive the index.
  static Result<std::unique_ptr<TombstoneIndex>> Load(tombstones::Store& store,
                                                      const tombstones::Key& key,
                                                      const std::vector<std::string>& kinds);

  // The matcher of `kind`, or null when the kind was not loaded.
  KindMatcher* ForKind(std::string_view kind);
  const std::vector<TombstoneRef>& refs() const { return refs_; }
  // Tombstones loaded (those with at least one identifier of a loaded kind).
  std::size_t size() const { return refs_.size(); }

 private:
  std::vector<TombstoneRef> refs_;
  std::vector<std::unique_ptr<KindMatcher>> matchers_;
};

}  // namespace tombstone::exports

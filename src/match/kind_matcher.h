// How a raw value becomes a lookup in the tombstone table: normalized with its kind's
// normalizer, then hashed with the kind's key. One rule for replay, discover and the exports.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/match/tombstone_table.h"
#include "tombstones/tombstones.h"

namespace tombstone::match {

// The keyed hash of `raw` normalized with `n`, or nullopt when it normalizes to nothing (an
// empty value, an address without '@'...). `scratch` is a buffer the call may use.
std::optional<Hash128> ProbeHash(tombstones::Normalizer n,
                                 const tombstones::Key::KindHasher& hasher, std::string_view raw,
                                 std::string* scratch);

// The normalizer that identifiers of `kind` are read with: the one the store recorded for it,
// else the one the map declares ([kinds], may be null), else the default for its name. kUsage
// when the map declares another normalizer than the store recorded (replay refuses the same:
// the map would never match what the store holds); `where` names the map in that message.
Result<tombstones::Normalizer> KindNormalizer(
    const TombstoneTable& table, const std::string& kind,
    const std::map<std::string, tombstones::Normalizer>* declared, const std::string& where);

// Finds the tombstone holding a raw value of one kind. Not thread-safe (scratch buffer).
class KindMatcher {
 public:
  KindMatcher(const TombstoneTable& table, std::string kind, tombstones::Normalizer normalizer,
              tombstones::Key::KindHasher hasher)
      : table_(table), kind_(std::move(kind)), normalizer_(normalizer), hasher_(hasher) {}
  // The tombstone (TombstoneTable::Find) holding `raw` once normalized, or kNone.
  std::uint32_t Find(std::string_view raw) {
    const auto hash = ProbeHash(normalizer_, hasher_, raw, &scratch_);
    return hash ? table_.Find(*hash) : TombstoneTable::kNone;
  }
  const std::string& kind() const { return kind_; }
  tombstones::Normalizer normalizer() const { return normalizer_; }

 private:
  const TombstoneTable& table_;
  std::string kind_;
  tombstones::Normalizer normalizer_;
  tombstones::Key::KindHasher hasher_;
  std::string scratch_;
};

// The tombstone table of a store and a matcher for each kind a job reads (the exports).
class TombstoneMatcher {
 public:
  // Loads every tombstone of `store` and a matcher for each of `kinds`, normalized as
  // KindNormalizer says (`declared`: the map's [kinds], or null; `where`: the map's path).
  // `key` must be the store's key and outlive the matcher.
  static Result<std::unique_ptr<TombstoneMatcher>> Load(
      tombstones::Store& store, const tombstones::Key& key, const std::vector<std::string>& kinds,
      const std::map<std::string, tombstones::Normalizer>* declared = nullptr,
      const std::string& where = "");

  // The matcher of `kind`, or null when the kind was not loaded.
  KindMatcher* ForKind(std::string_view kind);
  const TombstoneTable& table() const { return table_; }

 private:
  explicit TombstoneMatcher(TombstoneTable table) : table_(std::move(table)) {}
  TombstoneTable table_;
  std::vector<std::unique_ptr<KindMatcher>> matchers_;
};

}  // namespace tombstone::match

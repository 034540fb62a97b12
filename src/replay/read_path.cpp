#include "src/replay/read_path.h"

#include <set>

namespace tombstone::replay {

std::map<std::string, ClearKind> CheckClearIdentifiers(const std::vector<ClearIdentifier>& list,
                                                       const TombstoneTable& tombstones,
                                                       const tombstones::Key& key) {
  std::map<std::string, ClearKind> kinds;
  std::map<std::string, std::set<Hash128>> covered;  // distinct hashes the tombstones hold
  std::map<std::string, std::uint64_t> bad;          // entries that did not check out
  std::string normalized;
  for (const ClearIdentifier& id : list) {
    const auto normalizer = tombstones.kinds().find(id.kind);
    if (normalizer == tombstones.kinds().end()) continue;  // no tombstone of this kind
    // Normalized as the store would, and hashed to what the entry says: otherwise the entry is
    // not what it claims to be, and nothing of its kind is trusted.
    const bool normal = tombstones::Normalize(normalizer->second, id.normalized, &normalized) &&
                        normalized == id.normalized;
    if (!normal || key.HashIdentifier(id.kind, id.normalized) != id.hash) {
      ++bad[id.kind];
      continue;
    }
    if (tombstones.Find(id.hash) == TombstoneTable::kNone) continue;  // matches no tombstone
    if (covered[id.kind].insert(id.hash).second) kinds[id.kind].normalized.push_back(id.normalized);
  }
  for (const auto& [kind, normalizer] : tombstones.kinds()) {
    ClearKind& k = kinds[kind];
    const std::uint64_t want = tombstones.kind_hashes(kind);
    const std::uint64_t have = covered.count(kind) ? covered[kind].size() : 0;
    if (bad.count(kind) > 0) {
      k.why = std::to_string(bad[kind]) + " identifiers in the clear of kind '" + kind +
              "' do not match their hash or normal form";
    } else if (have < want) {
      k.why = "the identifiers in the clear cover " + std::to_string(have) + " of the " +
              std::to_string(want) + " hashes of kind '" + kind + "'";
    } else {
      k.complete = true;
    }
    if (!k.complete) k.normalized.clear();  // never used: the kind is scanned
  }
  return kinds;
}

namespace {

// The canonical decimal of an integer that fits in `bits`: what int8out and friends print.
bool CanonicalInteger(std::string_view s, int bits) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 19 || (s.front() == '0' && s.size() > 1)) return false;
  if (negative && s == "0") return false;  // printed as "0"
  std::uint64_t value = 0;  // 19 digits fit
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  const std::uint64_t limit = std::uint64_t{1} << (bits - 1);
  return negative ? value <= limit : value < limit;
}

bool CanonicalUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool HasForm(ValueForm form, std::string_view identifier) {
  switch (form) {
    case ValueForm::kText:
      return !identifier.empty() && identifier.find('\0') == std::string_view::npos;
    case ValueForm::kInt2:
      return CanonicalInteger(identifier, 16);
    case ValueForm::kInt4:
      return CanonicalInteger(identifier, 32);
    case ValueForm::kInt8:
      return CanonicalInteger(identifier, 64);
    case ValueForm::kUuid:
      return CanonicalUuid(identifier);
  }
  return false;
}

std::optional<PlanMode> ParsePlanMode(std::string_view text) {
  if (text == "auto") return PlanMode::kAuto;
  if (text == "scan") return PlanMode::kScan;
  if (text == "index") return PlanMode::kIndex;
  return std::nullopt;
}

std::string_view PlanModeName(PlanMode mode) {
  switch (mode) {
    case PlanMode::kScan: return "scan";
    case PlanMode::kIndex: return "index";
    case PlanMode::kAuto: break;
  }
  return "auto";
}

ReadCost EstimateReadCost(double pages, double tuples, std::uint64_t lookups) {
  // In sequential page reads (PostgreSQL's seq_page_cost = 1). A scanned row costs the server's
  // COPY and the client's normalize-and-hash: measured here as a twentieth of a page read. A
  // lookup is a btree descent and a heap fetch, four random reads at random_page_cost = 4; a
  // lookup query has a fixed cost of its own (planning, a round trip). Deliberately rough: the
  // choice matters only when the two differ by far, and a wrong choice costs time, never rows.
  constexpr double kRowCost = 0.05, kLookupCost = 4 * 4.0, kQueryCost = 10;
  constexpr double kRowsPerPageUnknown = 100;  // never analyzed: a guess of a narrow table
  if (pages < 0) pages = 0;
  if (tuples < 0) tuples = pages * kRowsPerPageUnknown;
  ReadCost cost;
  cost.scan = pages + tuples * kRowCost;
  cost.index = kQueryCost + static_cast<double>(lookups) * kLookupCost;
  return cost;
}

}  // namespace tombstone::replay

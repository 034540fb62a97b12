// How much of the backups that exist the catalog knows: how many entries, from which sources,
// when each source was last imported. 'pending' is only as true as the catalog: an empty
// catalog or a source not imported lately makes "nothing pending" unproven, and says so.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::compliance {

using tombstones::Micros;

struct SourceCoverage {
  enum class State {
    kCurrent,  // imported within the threshold
    kStale,    // imported, but longer ago than the threshold
    kUnknown,  // no import time recorded (imported before tombstone kept one)
    kByHand,   // 'backups add': nothing imports it, so it is not checked for staleness
  };
  std::string source;  // "pgbackrest", "barman", "walg", "manual"
  std::string scope;   // stanza or server; empty for WAL-G and manual
  std::uint64_t backups = 0;    // entries in the catalog
  std::uint64_t unexpired = 0;  // of those, unexpired at AT
  std::optional<Micros> last_import;  // manual: the last 'backups add'
  State state = State::kCurrent;
};

struct CatalogCoverage {
  Micros checked_at = 0;   // now: staleness is about the catalog as it is, whatever --at says
  Micros stale_after = 0;
  std::uint64_t backups = 0;
  std::uint64_t unexpired = 0;
  std::uint64_t removed = 0;  // entries removed by hand ('backups remove'), kept as records
  std::vector<SourceCoverage> sources;  // by source, then scope
  // One sentence per problem (empty catalog, each stale or unknown source), for stderr and
  // the report. Empty when the catalog can be trusted as far as this tool can tell.
  std::vector<std::string> warnings;
  bool trusted() const { return warnings.empty(); }
};

// A source not imported for longer than this is stale ('pending --stale-after').
inline constexpr Micros kDefaultStaleAfter = 2LL * 86400 * 1000000;

// The scope of a catalog entry: the stanza or server its id starts with ("main/20260101F" ->
// "main") for pgBackRest and Barman; empty otherwise.
std::string ScopeOf(const tombstones::BackupRecord& b);
// "pgbackrest 'main'", "walg", "manual".
std::string SourceName(const SourceCoverage& s);
std::string_view StateName(SourceCoverage::State s);  // "current", "stale", "unknown", "by hand"

CatalogCoverage AssessCatalog(const std::vector<tombstones::BackupRecord>& catalog,
                              const std::vector<tombstones::SourceImport>& imports,
                              std::uint64_t removed, Micros at, Micros now, Micros stale_after);

// Reads what AssessCatalog needs from `store`.
tombstones::Result<CatalogCoverage> AssessStoreCatalog(tombstones::Store& store, Micros at,
                                                       Micros stale_after);

// Each warning as "tombstone: warning: <sentence>" on its own line.
void PrintWarnings(std::ostream& err, const CatalogCoverage& c);

// "3 days", "1 day", "5 hours": a duration for people, rounded down.
std::string Duration(Micros d);

}  // namespace tombstone::compliance

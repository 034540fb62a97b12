#include "src/compliance/catalog_coverage.h"

#include <map>
#include <tuple>

namespace tombstone::compliance {
namespace {

constexpr Micros kHour = 3600LL * 1000000;
constexpr Micros kDay = 24 * kHour;

std::string Plural(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string Warning(const SourceCoverage& s, Micros now, Micros stale_after) {
  if (s.state == SourceCoverage::State::kUnknown)
    return SourceName(s) + " has no recorded import time (imported before tombstone kept one): "
           "import it again so that its age can be checked";
  return SourceName(s) + " was last imported " + tombstones::FormatTime(*s.last_import) + ", " +
         Duration(now - *s.last_import) + " ago (more than " + Duration(stale_after) +
         "): backups taken since are not in the catalog";
}

}  // namespace

std::string ScopeOf(const tombstones::BackupRecord& b) {
  if (b.source != "pgbackrest" && b.source != "barman") return "";
  const std::size_t slash = b.id.find('/');
  return slash == std::string::npos ? "" : b.id.substr(0, slash);
}

std::string SourceName(const SourceCoverage& s) {
  return s.scope.empty() ? s.source : s.source + " '" + s.scope + "'";
}

std::string_view StateName(SourceCoverage::State s) {
  switch (s) {
    case SourceCoverage::State::kCurrent: return "current";
    case SourceCoverage::State::kStale: return "stale";
    case SourceCoverage::State::kUnknown: return "unknown";
    case SourceCoverage::State::kByHand: return "by hand";
  }
  return "?";
}

std::string Duration(Micros d) {
  if (d < 0) d = 0;
  if (d >= 2 * kDay || d % kDay == 0)
    return Plural(static_cast<std::uint64_t>(d / kDay), "day", "days");
  return Plural(static_cast<std::uint64_t>(d / kHour), "hour", "hours");
}

CatalogCoverage AssessCatalog(const std::vector<tombstones::BackupRecord>& catalog,
                              const std::vector<tombstones::SourceImport>& imports,
                              std::uint64_t removed, Micros at, Micros now, Micros stale_after) {
  CatalogCoverage c;
  c.checked_at = now;
  c.stale_after = stale_after;
  c.removed = removed;
  std::map<std::tuple<std::string, std::string>, SourceCoverage> sources;
  const auto entry = [&](const std::string& source, const std::string& scope) -> SourceCoverage& {
    SourceCoverage& s = sources[{source, scope}];
    s.source = source;
    s.scope = scope;
    return s;
  };
  for (const auto& b : catalog) {
    // Manual entries are one source: each 'backups add' stands alone.
    SourceCoverage& s = entry(b.source, ScopeOf(b));
    ++s.backups;
    ++c.backups;
    if (!b.expires_at || *b.expires_at > at) {
      ++s.unexpired;
      ++c.unexpired;
    }
  }
  for (const auto& i : imports) {
    SourceCoverage& s = entry(i.source, i.scope);
    if (!s.last_import || *s.last_import < i.imported_at) s.last_import = i.imported_at;
  }
  if (c.backups == 0)
    c.warnings.push_back(
        "the backup catalog is empty: no backup is known to hold an erased subject, so none "
        "shows as pending because of a backup; record them with 'tombstone backups import' or "
        "'backups add'");
  for (auto& [key, s] : sources) {
    if (s.source == "manual") s.state = SourceCoverage::State::kByHand;
    else if (!s.last_import) s.state = SourceCoverage::State::kUnknown;
    else if (now - *s.last_import > stale_after) s.state = SourceCoverage::State::kStale;
    else s.state = SourceCoverage::State::kCurrent;
    if (s.state == SourceCoverage::State::kStale || s.state == SourceCoverage::State::kUnknown)
      c.warnings.push_back(Warning(s, now, stale_after));
    c.sources.push_back(std::move(s));
  }
  return c;
}

void PrintWarnings(std::ostream& err, const CatalogCoverage& c) {
  for (const std::string& w : c.warnings) err << "tombstone: warning: " << w << '\n';
}

tombstones::Result<CatalogCoverage> AssessStoreCatalog(tombstones::Store& store, Micros at,
                                                       Micros stale_after) {
  auto catalog = store.Backups();
  if (!catalog.ok()) return catalog.status();
  auto imports = store.SourceImports();
  if (!imports.ok()) return imports.status();
  auto removals = store.BackupRemovals();
  if (!removals.ok()) return removals.status();
  return AssessCatalog(catalog.value(), imports.value(), removals->size(), at, tombstones::Now(),
                       stale_after);
}

}  // namespace tombstone::compliance

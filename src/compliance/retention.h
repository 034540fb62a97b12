// The expiry forecast: when will each listed backup be deleted by its tool's retention?
//
// The rules (docs/compliance.md has them in prose, with their sources):
//   pgBackRest count N  a full expires, with its diffs and incrs, when the Nth newer full completes
//   pgBackRest time N   a full expires N days after the next newer full completed
//   Barman redundancy N a backup is obsolete once N newer backups exist
//   Barman window W     a backup is obsolete W after the next newer backup ended
//   WAL-G               no policy in the tool: the operator's 'delete retain FULL N' (count, like
//                       pgBackRest) or 'delete before' run with an age of N days (time: a full and
//                       its deltas expire N days after the last of them finished)
// The newest backups have no newer one yet: with --full-every (the backup schedule) the forecast
// assumes the next fulls arrive on schedule; without it their expiry is unknown. Backups exempt
// from retention (barman keep, WAL-G permanent) never expire: their expiry is unknown too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/compliance/backup_sources.h"

namespace tombstone::compliance {

struct RetentionPolicy {
  enum class Rule { kCount, kTime };
  Rule rule = Rule::kCount;
  int count = 0;                          // kCount: full backups kept
  Micros window = 0;                      // kTime: days (or a recovery window) as micros
  std::optional<Micros> full_every;       // the full-backup schedule, when known
  Micros margin = 0;                      // added to every forecast: the expire run's lag
  std::string text;                       // the policy as the user gave it, for people
};

// One BackupRecord per listed backup (source set, taken_at = started_at), with expires_at
// forecast as of `now`. A forecast already past at `now` means the tool has not run its expire
// yet although the backup is eligible: it still exists, and when it will go is unknown, so
// expires_at is left empty ("overdue" in the retention text) until a later import no longer
// lists it.
std::vector<tombstones::BackupRecord> ForecastExpiry(const SourceListing& listing,
                                                     const RetentionPolicy& policy, Micros now);

// "30", "30d", "4 weeks", "RECOVERY WINDOW OF 2 WEEKS", "3 months" (a month is 31 days: the
// forecast must not come too early) -> micros, at most 36600 days. kUsage naming `option`
// otherwise. A forecast past the year 9999 is that year's end, never a wrapped date.
Result<Micros> ParseDays(const std::string& text, const std::string& option);

}  // namespace tombstone::compliance

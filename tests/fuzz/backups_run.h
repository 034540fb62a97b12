// A backup tool's JSON listing: the parser of src/compliance/backup_sources.h, then the expiry
// forecast that 'backups import' makes from what it parsed, under a count and a time rule.
// Every time parsed or forecast stays within the years 0000 to 9999 (tombstones.h).
#pragma once

#include "src/compliance/backup_sources.h"
#include "src/compliance/retention.h"
#include "tests/fuzz/fuzz_support.h"

namespace tombstone::fuzz {

inline bool InRange(tombstones::Micros t) {
  return t >= tombstones::kMinTime && t <= tombstones::kMaxTime;
}

inline void RunBackups(const char* from, std::string_view json) {
  using namespace tombstone::compliance;
  auto listing = ParseListing(from, json, "fuzz.json");
  if (!listing.ok()) {
    const auto code = listing.status().code();
    Require(code == tombstones::ExitCode::kUsage || code == tombstones::ExitCode::kFailed,
            "a listing error is neither usage nor failed");
    Require(listing.status().message().starts_with("unable to "),
            "a listing error does not say 'unable to'");
    return;
  }
  for (const SourceBackup& b : listing->backups) {
    Require(!b.id.empty() && !b.full_id.empty(), "a backup without an id parsed");
    Require(InRange(b.started_at) && InRange(b.finished_at), "a backup time out of range parsed");
  }
  constexpr tombstones::Micros kDay = 86400LL * 1000000;
  const tombstones::Micros now = 1767225600LL * 1000000;  // 2026-01-01
  RetentionPolicy count;
  count.count = 2;
  count.full_every = 7 * kDay;
  RetentionPolicy time;
  time.rule = RetentionPolicy::Rule::kTime;
  time.window = 36600 * kDay;  // the largest --retention-full the command accepts
  time.full_every = 36600 * kDay;
  time.margin = 36600 * kDay;
  for (const RetentionPolicy* policy : {&count, &time}) {
    const auto records = ForecastExpiry(listing.value(), *policy, now);
    Require(records.size() == listing->backups.size(), "a forecast lost a backup");
    for (const tombstones::BackupRecord& r : records)
      Require(InRange(r.taken_at) && (!r.expires_at || InRange(*r.expires_at)),
              "a forecast out of range");
  }
}

}  // namespace tombstone::fuzz

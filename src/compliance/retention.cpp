// The expiry forecast (rules in retention.h and docs/compliance.md).
#include "src/compliance/retention.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace tombstone::compliance {
namespace {

constexpr Micros kDay = 86400LL * 1000000;
// The longest period any option may give (ParseDays): about a century.
constexpr std::int64_t kMaxDays = 36600;

// Forecasts add counts of periods to times: with the largest counts the tools allow, that
// passes year 9999 (and int64). Such a forecast is "year 9999", never a wrapped date.
Micros Clamp(Micros t) { return std::clamp(t, tombstones::kMinTime, tombstones::kMaxTime); }
Micros Plus(Micros a, Micros b) {
  Micros r = 0;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? tombstones::kMaxTime : tombstones::kMinTime;
  return Clamp(r);
}
Micros Times(Micros a, Micros n) {
  Micros r = 0;
  if (__builtin_mul_overflow(a, n, &r)) return tombstones::kMaxTime;  // both are positive here
  return Clamp(r);
}

struct Forecast {
  std::optional<Micros> at;
  std::string basis;  // why, for people
};

// The retention units in finishing order: every full backup (Barman: every backup).
std::vector<const SourceBackup*> Units(const SourceListing& listing) {
  std::vector<const SourceBackup*> units;
  for (const SourceBackup& b : listing.backups)
    if (b.kind == BackupKind::kFull) units.push_back(&b);
  std::stable_sort(units.begin(), units.end(), [](const SourceBackup* a, const SourceBackup* b) {
    return a->finished_at < b->finished_at;
  });
  return units;
}

std::string Ordinal(int n) {
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                       : n % 10 == 1                     ? "st"
                       : n % 10 == 2                     ? "nd"
                       : n % 10 == 3                     ? "rd"
                                                         : "th";
  return std::to_string(n) + suffix;
}

std::string Days(Micros m) {
  return m % kDay == 0 ? std::to_string(m / kDay) + "d" : std::to_string(m / 1000000) + "s";
}

Forecast ForecastUnit(const std::vector<const SourceBackup*>& units, std::size_t i,
                      const RetentionPolicy& policy) {
  const std::size_t newest = units.size() - 1;
  if (policy.rule == RetentionPolicy::Rule::kCount) {
    const std::size_t target = i + static_cast<std::size_t>(policy.count);
    if (target <= newest)
      return {units[target]->finished_at,
              "when the " + Ordinal(policy.count) + " newer backup '" + units[target]->id +
                  "' completed"};
    if (!policy.full_every)
      return {std::nullopt, "needs " + std::to_string(target - newest) +
                                " more full backup(s); pass --full-every to forecast"};
    return {Plus(units[newest]->finished_at,
                 Times(static_cast<Micros>(target - newest), *policy.full_every)),
            "when the " + Ordinal(policy.count) + " newer full is due (full every " +
                Days(*policy.full_every) + ")"};
  }
  if (i < newest)
    return {Plus(units[i + 1]->finished_at, policy.window),
            Days(policy.window) + " after the next backup '" + units[i + 1]->id + "' completed"};
  if (!policy.full_every)
    return {std::nullopt, "no newer full backup yet; pass --full-every to forecast"};
  return {Plus(Plus(units[newest]->finished_at, *policy.full_every), policy.window),
          Days(policy.window) + " after the next full is due (full every " +
              Days(*policy.full_every) + ")"};
}

}  // namespace

std::vector<tombstones::BackupRecord> ForecastExpiry(const SourceListing& listing,
                                                     const RetentionPolicy& policy, Micros now) {
  const std::vector<const SourceBackup*> units = Units(listing);
  std::map<std::string, Forecast> by_full;
  for (std::size_t i = 0; i < units.size(); ++i)
    by_full[units[i]->id] = ForecastUnit(units, i, policy);

  std::vector<tombstones::BackupRecord> records;
  for (const SourceBackup& b : listing.backups) {
    tombstones::BackupRecord r;
    r.id = b.id;
    r.source = listing.source;
    r.taken_at = b.started_at;
    Forecast f;
    if (b.kept) {
      f.basis = "exempt from retention (keep/permanent): never expires by itself";
    } else if (auto it = by_full.find(b.full_id); it == by_full.end()) {
      f.basis = "its full backup '" + b.full_id + "' is not listed";
    } else {
      f = it->second;
      if (b.kind != BackupKind::kFull) f.basis = "with its full '" + b.full_id + "', " + f.basis;
    }
    if (f.at) {
      *f.at = Plus(*f.at, policy.margin);
      if (*f.at < now) {  // eligible, yet still there: gone at an expire run we cannot date
        f.basis += "; overdue since " + tombstones::FormatTime(*f.at) + ", still listed at import";
        f.at.reset();
      }
    }
    r.expires_at = f.at;
    r.retention = policy.text + ": " + f.basis;
    records.push_back(std::move(r));
  }
  return records;
}

Result<Micros> ParseDays(const std::string& text, const std::string& option) {
  std::string t;
  for (char c : text) t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (t.rfind("recovery window of", 0) == 0) t = t.substr(18);
  std::size_t pos = t.find_first_not_of(' ');
  std::size_t end = pos;
  while (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end]))) ++end;
  const auto bad = [&] {
    return Status::Usage("unable to parse " + option +
                         ": expected N, Nd, 'N days', 'N weeks' or 'N months' (at most " +
                         std::to_string(kMaxDays) + " days)");
  };
  if (pos == std::string::npos || end == pos || end - pos > 6) return bad();
  std::int64_t n = 0;
  for (std::size_t i = pos; i < end; ++i) n = n * 10 + (t[i] - '0');  // at most 6 digits
  std::string unit = t.substr(end);
  unit.erase(0, unit.find_first_not_of(' '));
  std::int64_t days = 0;
  if (unit.empty() || unit == "d" || unit == "day" || unit == "days")
    days = n;
  else if (unit == "w" || unit == "week" || unit == "weeks")
    days = n * 7;
  else if (unit == "m" || unit == "month" || unit == "months")
    days = n * 31;
  else
    return bad();
  if (days > kMaxDays) return bad();
  return days * kDay;
}

}  // namespace tombstone::compliance

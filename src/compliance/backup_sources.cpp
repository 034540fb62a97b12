// Parsers for the backup listings of pgBackRest, Barman and WAL-G (JSON, nlohmann-json).
#include "src/compliance/backup_sources.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

namespace tombstone::compliance {
namespace {

using nlohmann::json;
constexpr Micros kSecond = 1000000;

// The listing's own words (labels, stanza names, status messages) appear in messages only when
// they look like what the tools write: a label or a name, never arbitrary text.
bool SafeName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
        c != ':')
      return false;
  return true;
}

// "backup 3 ('20260301-020000F')", or "backup 3" when the label is not a plain name.
std::string Nth(const std::string& what, std::size_t index, std::string_view name = {}) {
  std::string out = what + " " + std::to_string(index + 1);
  if (SafeName(name)) out += " ('" + std::string(name) + "')";
  return out;
}

Status Malformed(const std::string& tool, const std::string& where, const std::string& cause) {
  return Status::Usage("unable to read " + tool + " listing '" + where + "': " + cause,
                       "pass the JSON printed by the tool itself (docs/compliance.md)");
}

Result<json> ParseJson(std::string_view text, const std::string& tool, const std::string& where) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded()) return doc;
  // Again, for the position: the parser's own message may quote the text.
  std::size_t byte = 0;
  try {
    const json again = json::parse(text.begin(), text.end());
    (void)again;
  } catch (const json::parse_error& e) {
    byte = e.byte;
  } catch (const json::exception&) {
  }
  if (byte == 0 || byte > text.size() + 1) return Malformed(tool, where, "not valid JSON");
  const std::string_view before = text.substr(0, byte - 1);
  const std::size_t line =
      1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t newline = before.rfind('\n');
  const std::size_t column = newline == std::string_view::npos ? byte : byte - 1 - newline;
  return Malformed(tool, where, "not valid JSON (line " + std::to_string(line) + ", column " +
                                    std::to_string(column) + ")");
}

// A member of `object`, or null when absent (json::value() throws on a type it did not expect).
const json& Member(const json& object, const char* name) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

enum class Epoch { kOk, kMissing, kOutOfRange };

// Epoch seconds given as a number or as a string of digits (Barman's *_timestamp fields),
// within the years 0000 to 9999: a larger number would overflow (1e20 became 1970).
Epoch EpochSeconds(const json& v, Micros* out) {
  constexpr std::int64_t kMinSeconds = tombstones::kMinTime / kSecond;
  constexpr std::int64_t kMaxSeconds = tombstones::kMaxTime / kSecond;
  std::int64_t seconds = 0;
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxSeconds)) return Epoch::kOutOfRange;
    seconds = static_cast<std::int64_t>(v.get<std::uint64_t>());
  } else if (v.is_number_integer()) {
    seconds = v.get<std::int64_t>();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < static_cast<double>(kMinSeconds) ||
        d > static_cast<double>(kMaxSeconds))
      return Epoch::kOutOfRange;
    seconds = static_cast<std::int64_t>(d);
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    const std::string_view digits(s.data(), s.find('.') == std::string::npos ? s.size() : s.find('.'));
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (ec == std::errc::result_out_of_range) return Epoch::kOutOfRange;
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
      return Epoch::kMissing;
  } else {
    return Epoch::kMissing;
  }
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return Epoch::kOutOfRange;
  *out = seconds * kSecond;
  return Epoch::kOk;
}

bool Rfc3339(const json& v, Micros* out) {
  if (!v.is_string()) return false;
  auto t = tombstones::ParseTime(v.get_ref<const std::string&>());
  if (!t.ok()) return false;
  *out = t.value();
  return true;
}

std::string Text(const json& object, const char* field) {
  const json& v = Member(object, field);
  return v.is_string() ? v.get<std::string>() : std::string();
}

Status ReadPgBackRestBackup(const json& b, const std::string& stanza, const std::string& where,
                            const std::string& what, SourceBackup* out) {
  const std::string label = Text(b, "label");
  const std::string type = Text(b, "type");
  const json& timestamp = Member(b, "timestamp");
  if (label.empty() || !timestamp.is_object())
    return Malformed("pgbackrest", where, what + " has no label or timestamp");
  const Epoch start = EpochSeconds(Member(timestamp, "start"), &out->started_at);
  const Epoch stop = EpochSeconds(Member(timestamp, "stop"), &out->finished_at);
  if (start == Epoch::kOutOfRange || stop == Epoch::kOutOfRange)
    return Malformed("pgbackrest", where, what + " has a timestamp outside the years 0000 to 9999");
  if (start != Epoch::kOk || stop != Epoch::kOk)
    return Malformed("pgbackrest", where, what + " has no start/stop timestamp");
  out->id = stanza + "/" + label;
  if (type == "full") {
    out->kind = BackupKind::kFull;
    out->full_id = out->id;
    return Status::Ok();
  }
  if (type != "diff" && type != "incr")
    return Malformed("pgbackrest", where,
                     what + " has an unknown type (expected full, diff or incr)");
  out->kind = type == "diff" ? BackupKind::kDiff : BackupKind::kIncr;
  // A dependent label is "<full label>_<own label>" (labels are made that way by pgBackRest).
  out->full_id = stanza + "/" + label.substr(0, label.find('_'));
  return Status::Ok();
}

}  // namespace

Result<SourceListing> ParsePgBackRestInfo(std::string_view text, const std::string& where) {
  auto doc = ParseJson(text, "pgbackrest", where);
  if (!doc.ok()) return doc.status();
  if (!doc->is_array())
    return Malformed("pgbackrest", where, "expected an array of stanzas ('info --output=json')");
  SourceListing listing;
  listing.source = "pgbackrest";
  for (std::size_t si = 0; si < doc->size(); ++si) {
    const json& stanza = (*doc)[si];
    const std::string name = Text(stanza, "name");
    if (name.empty()) return Malformed("pgbackrest", where, Nth("stanza", si) + " has no name");
    const std::string stanza_what = Nth("stanza", si, name);
    listing.scopes.push_back(name);
    const json& status = Member(stanza, "status");
    const json& code_value = Member(status, "code");
    const std::int64_t code = code_value.is_number_integer() ? code_value.get<std::int64_t>() : 0;
    // 0 ok; 2 no valid backups (nothing to import); anything else leaves the backups unknown.
    // The status message is the tool's text: not repeated here.
    if (code != 0 && code != 2)
      return Status::Failed("unable to read pgbackrest " + stanza_what + " in '" + where +
                                "': status " + std::to_string(code),
                            "run 'pgbackrest info' and fix the repository first");
    const json& backups = Member(stanza, "backup");
    if (backups.is_null()) continue;
    if (!backups.is_array())
      return Malformed("pgbackrest", where, stanza_what + ": 'backup' is not an array");
    for (std::size_t bi = 0; bi < backups.size(); ++bi) {
      const json& b = backups[bi];
      const std::string what = stanza_what + ", " + Nth("backup", bi, Text(b, "label"));
      if (!b.is_object()) return Malformed("pgbackrest", where, what + " is not an object");
      SourceBackup backup;
      if (Status s = ReadPgBackRestBackup(b, name, where, what, &backup); !s.ok()) return s;
      listing.backups.push_back(std::move(backup));
    }
  }
  return listing;
}

Result<SourceListing> ParseBarmanList(std::string_view text, const std::string& where) {
  auto doc = ParseJson(text, "barman", where);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object())
    return Malformed("barman", where, "expected an object of servers ('-f json list-backups')");
  SourceListing listing;
  listing.source = "barman";
  std::size_t si = 0;
  for (const auto& [server, backups] : doc->items()) {
    const std::string server_what = Nth("server", si++, server);
    listing.scopes.push_back(server);
    if (!backups.is_array())
      return Malformed("barman", where, server_what + " is not an array of backups");
    for (std::size_t bi = 0; bi < backups.size(); ++bi) {
      const json& b = backups[bi];
      const std::string id = Text(b, "backup_id");
      const std::string what = server_what + ", " + Nth("backup", bi, id);
      if (id.empty()) return Malformed("barman", where, what + " has no id");
      const std::string status = Text(b, "status");
      // Only these hold a restorable copy; FAILED, EMPTY, STARTED... are not backups yet.
      if (status != "DONE" && status != "WAITING_FOR_WALS") {
        ++listing.skipped;
        continue;
      }
      SourceBackup backup;
      backup.id = server + "/" + id;
      backup.full_id = backup.id;
      const Epoch end = EpochSeconds(Member(b, "end_time_timestamp"), &backup.finished_at);
      if (end == Epoch::kOutOfRange)
        return Malformed("barman", where,
                         what + " has an end_time_timestamp outside the years 0000 to 9999");
      if (end != Epoch::kOk) return Malformed("barman", where, what + " has no end_time_timestamp");
      // list-backups gives no start time: the end is the best known bound (docs/compliance.md).
      const Epoch begin = EpochSeconds(Member(b, "begin_time_timestamp"), &backup.started_at);
      if (begin == Epoch::kOutOfRange)
        return Malformed("barman", where,
                         what + " has a begin_time_timestamp outside the years 0000 to 9999");
      if (begin != Epoch::kOk) backup.started_at = backup.finished_at;
      backup.kept = Text(b, "retention_status").rfind("KEEP", 0) == 0;
      listing.backups.push_back(std::move(backup));
    }
  }
  return listing;
}

Result<SourceListing> ParseWalgList(std::string_view text, const std::string& where) {
  auto doc = ParseJson(text, "walg", where);
  if (!doc.ok()) return doc.status();
  if (!doc->is_array())
    return Malformed("walg", where, "expected an array of backups ('backup-list --json --detail')");
  SourceListing listing;
  listing.source = "walg";
  std::map<std::string, std::size_t> by_name;
  for (std::size_t bi = 0; bi < doc->size(); ++bi) {
    const json& b = (*doc)[bi];
    const std::string name = Text(b, "backup_name");
    const std::string what = Nth("backup", bi, name);
    if (name.empty()) return Malformed("walg", where, what + " has no backup_name");
    SourceBackup backup;
    backup.id = name;
    const bool detailed = Rfc3339(Member(b, "finish_time"), &backup.finished_at);
    if (!detailed && !Rfc3339(Member(b, "time"), &backup.finished_at))
      return Malformed("walg", where, what + " has no time (RFC 3339, years 0000 to 9999)");
    if (!Rfc3339(Member(b, "start_time"), &backup.started_at))
      backup.started_at = backup.finished_at;
    const json& permanent = Member(b, "is_permanent");
    backup.kept = permanent.is_boolean() && permanent.get<bool>();
    // Delta backups are named base_<wal>_D_<wal of the backup they are a delta of>.
    const std::size_t delta = name.find("_D_");
    backup.kind = delta == std::string::npos ? BackupKind::kFull : BackupKind::kIncr;
    backup.full_id = delta == std::string::npos ? name : "base_" + name.substr(delta + 3);
    // Keyed by "base_<wal>": how a delta names the backup it is a delta of.
    by_name.emplace(name.substr(0, delta), listing.backups.size());
    listing.backups.push_back(std::move(backup));
  }
  // A delta of a delta depends on the full at the end of its chain. Until resolved, a delta's
  // full_id is the "base_<wal>" of the backup it is a delta of.
  for (SourceBackup& b : listing.backups) {
    for (int hops = 0; hops < 1000 && b.kind != BackupKind::kFull; ++hops) {
      auto parent = by_name.find(b.full_id);
      if (parent == by_name.end()) break;  // not listed: the forecast will say so
      const SourceBackup& p = listing.backups[parent->second];
      if (p.kind == BackupKind::kFull) {
        b.full_id = p.id;
        break;
      }
      b.full_id = "base_" + p.id.substr(p.id.find("_D_") + 3);
    }
  }
  return listing;
}

Result<SourceListing> ParseListing(std::string_view from, std::string_view json_text,
                                   const std::string& where) {
  if (from == "pgbackrest") return ParsePgBackRestInfo(json_text, where);
  if (from == "barman") return ParseBarmanList(json_text, where);
  if (from == "walg") return ParseWalgList(json_text, where);
  return Status::Usage("unable to import backups: unknown --from",
                       "expected pgbackrest, barman or walg");
}

}  // namespace tombstone::compliance

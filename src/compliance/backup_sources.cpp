// Parsers for the backup listings of pgBackRest, Barman and WAL-G (JSON, nlohmann-json).
#include "src/compliance/backup_sources.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <map>

namespace tombstone::compliance {
namespace {

using nlohmann::json;
constexpr Micros kSecond = 1000000;

Status Malformed(const std::string& tool, const std::string& where, const std::string& cause) {
  return Status::Usage("unable to read " + tool + " listing '" + where + "': " + cause,
                       "pass the JSON printed by the tool itself (docs/compliance.md)");
}

Result<json> ParseJson(std::string_view text, const std::string& tool, const std::string& where) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Malformed(tool, where, "not valid JSON");
  return doc;
}

// Epoch seconds given as a number or as a string of digits (Barman's *_timestamp fields).
bool EpochSeconds(const json& v, Micros* out) {
  std::int64_t seconds = 0;
  if (v.is_number_integer()) {
    seconds = v.get<std::int64_t>();
  } else if (v.is_number_float()) {
    seconds = static_cast<std::int64_t>(v.get<double>());
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    const std::string_view digits(s.data(), s.find('.') == std::string::npos ? s.size() : s.find('.'));
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return false;
  } else {
    return false;
  }
  *out = seconds * kSecond;
  return true;
}

bool Rfc3339(const json& v, Micros* out) {
  if (!v.is_string()) return false;
  auto t = tombstones::ParseTime(v.get_ref<const std::string&>());
  if (!t.ok()) return false;
  *out = t.value();
  return true;
}

std::string Text(const json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status ReadPgBackRestBackup(const json& b, const std::string& stanza, const std::string& where,
                            SourceBackup* out) {
  const std::string label = Text(b, "label");
  const std::string type = Text(b, "type");
  if (label.empty() || !b.contains("timestamp") || !b["timestamp"].is_object())
    return Malformed("pgbackrest", where, "a backup of stanza '" + stanza +
                                              "' has no label or timestamp");
  if (!EpochSeconds(b["timestamp"].value("start", json()), &out->started_at) ||
      !EpochSeconds(b["timestamp"].value("stop", json()), &out->finished_at))
    return Malformed("pgbackrest", where, "backup '" + label + "' has no start/stop timestamp");
  out->id = stanza + "/" + label;
  if (type == "full") {
    out->kind = BackupKind::kFull;
    out->full_id = out->id;
    return Status::Ok();
  }
  if (type != "diff" && type != "incr")
    return Malformed("pgbackrest", where, "backup '" + label + "' has unknown type '" + type + "'");
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
  for (const json& stanza : doc.value()) {
    const std::string name = stanza.is_object() ? Text(stanza, "name") : "";
    if (name.empty()) return Malformed("pgbackrest", where, "a stanza has no name");
    listing.scopes.push_back(name);
    const json status = stanza.value("status", json::object());
    const int code = status.is_object() ? status.value("code", 0) : 0;
    // 0 ok; 2 no valid backups (nothing to import); anything else leaves the backups unknown.
    if (code != 0 && code != 2)
      return Status::Failed("unable to read pgbackrest stanza '" + name + "' in '" + where +
                                "': status " + std::to_string(code) + " (" +
                                Text(status, "message") + ")",
                            "run 'pgbackrest info' and fix the repository first");
    const json backups = stanza.value("backup", json::array());
    if (!backups.is_array()) return Malformed("pgbackrest", where, "'backup' is not an array");
    for (const json& b : backups) {
      if (!b.is_object()) return Malformed("pgbackrest", where, "a backup is not an object");
      SourceBackup backup;
      if (Status s = ReadPgBackRestBackup(b, name, where, &backup); !s.ok()) return s;
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
  for (const auto& [server, backups] : doc->items()) {
    listing.scopes.push_back(server);
    if (!backups.is_array())
      return Malformed("barman", where, "server '" + server + "' is not an array of backups");
    for (const json& b : backups) {
      const std::string id = b.is_object() ? Text(b, "backup_id") : "";
      if (id.empty()) return Malformed("barman", where, "a backup of '" + server + "' has no id");
      const std::string status = Text(b, "status");
      // Only these hold a restorable copy; FAILED, EMPTY, STARTED... are not backups yet.
      if (status != "DONE" && status != "WAITING_FOR_WALS") {
        ++listing.skipped;
        continue;
      }
      SourceBackup backup;
      backup.id = server + "/" + id;
      backup.full_id = backup.id;
      if (!EpochSeconds(b.value("end_time_timestamp", json()), &backup.finished_at))
        return Malformed("barman", where, "backup '" + id + "' has no end_time_timestamp");
      // list-backups gives no start time: the end is the best known bound (docs/compliance.md).
      if (!EpochSeconds(b.value("begin_time_timestamp", json()), &backup.started_at))
        backup.started_at = backup.finished_at;
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
  for (const json& b : doc.value()) {
    const std::string name = b.is_object() ? Text(b, "backup_name") : "";
    if (name.empty()) return Malformed("walg", where, "a backup has no backup_name");
    SourceBackup backup;
    backup.id = name;
    const bool detailed = Rfc3339(b.value("finish_time", json()), &backup.finished_at);
    if (!detailed && !Rfc3339(b.value("time", json()), &backup.finished_at))
      return Malformed("walg", where, "backup '" + name + "' has no time");
    if (!Rfc3339(b.value("start_time", json()), &backup.started_at))
      backup.started_at = backup.finished_at;
    backup.kept = b.value("is_permanent", false);
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
  return Status::Usage("unable to import backups: unknown --from '" + std::string(from) + "'",
                       "expected pgbackrest, barman or walg");
}

}  // namespace tombstone::compliance

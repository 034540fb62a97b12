// Backup listings of pgBackRest, Barman and WAL-G, read from the JSON those tools print.
//
// Each parser turns one tool's listing into SourceBackups: what the retention forecast
// (retention.h) needs and nothing more. Shapes and field meanings are in
// ../shared/reference/postgres-restore-tooling.md and docs/compliance.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::compliance {

using tombstones::Micros;
using tombstones::Result;
using tombstones::Status;

enum class BackupKind { kFull, kDiff, kIncr };  // a WAL-G delta is kIncr

struct SourceBackup {
  std::string id;           // "<stanza or server>/<label>"; WAL-G: the backup name
  BackupKind kind = BackupKind::kFull;
  std::string full_id;      // the full backup this one depends on; its own id for a full
  Micros started_at = 0;    // when the backup began reading data (Barman: unknown, = finished_at)
  Micros finished_at = 0;
  bool kept = false;        // exempt from retention (barman keep, WAL-G permanent)
};

struct SourceListing {
  std::string source;                 // "pgbackrest", "barman", "walg"
  std::vector<std::string> scopes;    // stanzas / servers listed; WAL-G: empty
  std::vector<SourceBackup> backups;  // in the tool's order
  int skipped = 0;                    // listed but holding no usable data (failed backups)
};

// Each parser fails with kUsage naming `where` (a file name or "standard input") when the text
// is not the tool's JSON. pgBackRest: a stanza whose status is an error other than "no valid
// backups" fails too, since its backups cannot be known.
Result<SourceListing> ParsePgBackRestInfo(std::string_view json, const std::string& where);
Result<SourceListing> ParseBarmanList(std::string_view json, const std::string& where);
Result<SourceListing> ParseWalgList(std::string_view json, const std::string& where);

// Dispatches on "pgbackrest" | "barman" | "walg"; kUsage for another name.
Result<SourceListing> ParseListing(std::string_view from, std::string_view json,
                                   const std::string& where);

}  // namespace tombstone::compliance

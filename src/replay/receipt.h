// The receipt of one replay or verify (docs/receipt.md): JSON with the tool version, the store
// digest, the snapshot's identity, per-table counts, timings, the verification result and the
// exit code. It names tables and request ids, never an identifier.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "src/pg/catalog.h"
#include "src/pg/session.h"
#include "src/replay/fence.h"
#include "src/replay/side_effects.h"
#include "src/replay/scan.h"
#include "src/match/tombstone_table.h"

namespace tombstone::replay {

using match::TombstoneTable;
using tombstones::Hash128;
using tombstones::Micros;

// Which restored state the run saw. Fields the server no longer knows (or that the role may not
// read) are empty.
struct Snapshot {
  std::string database, server_version, label;
  std::optional<std::string> system_identifier, replay_timestamp, lsn;
  std::optional<long> timeline;
  bool in_recovery = false;
};
Result<Snapshot> ReadSnapshot(pg::Session& session, const std::string& label);

struct RunRecord {
  std::string command;  // "replay" or "verify"
  bool dry_run = false;
  // Whether the run's changes were committed. A run that did not commit records no row and no
  // tombstone as applied, whatever it tried.
  bool committed = false;
  std::string verify_method;  // "counts", "full", or "scan" (verify)
  tombstones::Micros started_at = 0, finished_at = 0;
  int exit_code = 0;
  std::string verification;  // "clean", "residue", "not run", "failed"
  std::string message;       // the error, when there was one (no identifiers)
  Snapshot snapshot;
  std::vector<const TableScan*> scans;
  const Plan* plan = nullptr;  // the refreshed views and the sources kept under anonymize
  FenceState fence;  // a clean replay lifts it right after the receipt is recorded
  std::map<std::string, double> timings;  // step -> seconds
  // What ties the receipt to its inputs: the map (path and BLAKE2b-256 of its bytes), the store's
  // key fingerprint, who ran it where, and the backup restored when a restore hook knows it.
  std::string map_path, map_digest;
  std::string key_fingerprint;
  std::string host, os_user;
  std::string backup_source, backup_id;
  std::string target;  // the configuration's target (--target); empty without one
  bool drill = false;  // --drill: a disaster-recovery drill, not a restore for service
  std::vector<ServerChange> server_changes;      // rows the server changed in unmapped tables
  std::vector<pg::ServerAction> server_actions;  // triggers and rules on the mapped tables
};

// Which tombstones the map can match at all: those with at least one kind that some match source
// of the plan reads. The others cannot be re-applied by this map, whatever the data holds.
struct KindCoverage {
  std::vector<std::string> kinds_matched;             // kinds with a match source
  std::uint64_t covered = 0;                          // tombstones with such a kind
  std::map<std::string, std::uint64_t> not_covered;  // kind -> tombstones with no matched kind
  std::uint64_t not_covered_total = 0;
};
KindCoverage CoverageOf(const Plan& plan, const TombstoneTable& tombstones);

// A verify receipt lists the request ids still present up to this many (tombstones_present has
// the count): enough for any real residue, bounded when a whole unreplayed backup is verified.
inline constexpr std::size_t kReceiptRequestIds = 10000;

// Distinct tombstones behind the rows changed (replay) or still present (verify).
std::vector<std::uint32_t> TombstonesBehind(const RunRecord& run);

std::string ReceiptJson(const RunRecord& run, const TombstoneTable& tombstones);

// The per-table table for people (stdout).
void PrintTables(std::ostream& out, const RunRecord& run);

}  // namespace tombstone::replay

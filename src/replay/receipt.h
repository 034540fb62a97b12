// The receipt of one replay or verify (docs/receipt.md): JSON with the tool version, the store
// digest, the snapshot's identity, per-table counts, timings, the verification result and the
// exit code. It names tables and request ids, never an identifier.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "src/pg/session.h"
#include "src/replay/fence.h"
#include "src/replay/scan.h"
#include "src/replay/tombstone_set.h"

namespace tombstone::replay {

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
};

// A verify receipt lists the request ids still present up to this many (tombstones_present has
// the count): enough for any real residue, bounded when a whole unreplayed backup is verified.
inline constexpr std::size_t kReceiptRequestIds = 10000;

// Distinct tombstones behind the rows changed (replay) or still present (verify).
std::vector<std::uint32_t> TombstonesBehind(const RunRecord& run);

std::string ReceiptJson(const RunRecord& run, const TombstoneSet& tombstones);

// The per-table table for people (stdout).
void PrintTables(std::ostream& out, const RunRecord& run);

}  // namespace tombstone::replay

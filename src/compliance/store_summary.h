// One summary of a store, for 'tombstone info' and 'tombstone metrics': the tombstones (total,
// held, retracted), what is pending and when it ages out, the backup catalog's coverage, and per
// target the last replay and the last drill, read from the receipts log.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/compliance/catalog_coverage.h"
#include "src/compliance/pending.h"
#include "tombstones/tombstones.h"

namespace tombstone::compliance {

// The outcome of one receipt, as far as monitoring cares.
struct RunOutcome {
  std::uint64_t seq = 0;      // the receipt's position in the log
  Micros finished_at = 0;
  int exit_code = -1;
  std::string verification;   // "clean", "residue", "failed", ...
  std::string database;       // the database it ran on
  bool ok() const { return exit_code == 0; }
};

// What a receipt body is, for the per-target view.
struct ReceiptKind {
  enum class Kind {
    kOther,   // a verify, a dry run, or not a receipt
    kReplay,  // a replay for service (not a dry run, not a drill)
    kDrill,   // a replay run by a disaster-recovery drill
  };
  Kind kind = Kind::kOther;
  std::string target;  // "" when the run named no target
  RunOutcome outcome;  // seq left 0
};
// A drill is a replay receipt with "drill": true (replay --drill; the drill script passes it);
// a receipt older than that field is a drill when its snapshot label starts with "drill " (the
// label drill.sh has always given). docs/receipt.md.
ReceiptKind ClassifyReceipt(const std::string& body);

struct TargetRuns {
  std::string target;  // "" for runs that named no target
  bool configured = false;
  std::optional<RunOutcome> last_replay, last_drill;
};

struct StoreSummary {
  Micros at = 0;
  std::string key_fingerprint;
  std::optional<std::string> sealing_fingerprint;  // sealed mode on: its key's fingerprint
  std::uint64_t tombstones = 0, held = 0, retracted = 0;
  PendingSummary pending;
  CatalogCoverage catalog;
  std::optional<Micros> newest_backup;  // taken_at of the newest backup in the catalog
  std::uint64_t receipts = 0;
  std::vector<TargetRuns> targets;  // the configured ones in their order, then the others by name
};

// Reads everything from `store` at time `now`. `configured` are the configuration's targets:
// each is listed even when no receipt names it. Store errors are returned.
tombstones::Result<StoreSummary> Summarize(tombstones::Store& store, Micros now,
                                           const std::vector<std::string>& configured);

}  // namespace tombstone::compliance

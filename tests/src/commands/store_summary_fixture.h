// A busy store for the info and metrics tests: tombstones (one held, one retracted), a backup
// catalog, and receipts of replays, drills, a dry run and a verify for several targets.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

namespace tombstone::testing {

inline nlohmann::json Receipt(const char* command, const char* target, int exit_code,
                              const char* finished_at, const char* database) {
  return {{"receipt_version", 2},
          {"command", command},
          {"dry_run", false},
          {"committed", exit_code == 0 && std::string(command) == "replay"},
          {"exit_code", exit_code},
          {"verification", exit_code == 0 ? "clean" : "residue"},
          {"started_at", finished_at},
          {"finished_at", finished_at},
          {"target", target == nullptr ? nlohmann::json(nullptr) : nlohmann::json(target)},
          {"drill", false},
          {"database", {{"name", database}}},
          {"snapshot", {{"label", "restore"}}}};
}

// Fills the store of `f`; returns the path of a configuration naming targets main and idle.
inline std::string MakeBusyStore(const StoreFixture& f, const TempDir& dir) {
  // R-1, R-2 (held), R-4 (retracted): only in full-1, which ages out on 2099-01-01; R-3: in
  // both, and full-2 has no expiry forecast, so its age-out is unknown.
  for (const char* r : {"R-1", "R-2", "R-3", "R-4"})
    REQUIRE(f.Run({"add", "--request", r, "--id", std::string("user_id:") + r, "--erased-at",
                   std::string(r) == "R-3" ? "2026-01-25T00:00:00Z" : "2025-12-25T00:00:00Z"})
                .code == 0);
  REQUIRE(f.Run({"hold", "R-2", "--reason", "litigation"}).code == 0);
  REQUIRE(f.Run({"retract", "R-4", "--reason", "recorded by mistake"}).code == 0);
  REQUIRE(f.Run({"backups", "add", "--id", "full-1", "--taken-at", "2025-12-20T00:00:00Z",
                 "--expires-at", "2099-01-01T00:00:00Z"})
              .code == 0);
  REQUIRE(f.Run({"backups", "add", "--id", "full-2", "--taken-at", "2026-01-20T00:00:00Z"})
              .code == 0);  // no forecast
  nlohmann::json dry = Receipt("replay", "main", 0, "2026-02-03T00:00:00Z", "app");
  dry["dry_run"] = true;
  nlohmann::json drill = Receipt("replay", "main", 0, "2026-02-01T12:00:00Z", "app");
  drill["drill"] = true;
  nlohmann::json old_drill = Receipt("replay", nullptr, 0, "2026-01-15T00:00:00Z", "app");
  old_drill.erase("drill");
  old_drill.erase("target");
  old_drill["snapshot"]["label"] = "drill 20260115; replayed to n/a";
  const std::vector<nlohmann::json> receipts = {
      Receipt("replay", "main", 0, "2026-02-01T00:00:00Z", "app"),          // 1
      Receipt("replay", "we\"ird\\name", 0, "2026-02-01T00:00:00Z", "x"),  // 2
      Receipt("replay", "main", 3, "2026-02-02T00:00:00Z", "shop"),         // 3
      dry,                                                                  // 4
      drill,                                                                // 5
      Receipt("verify", nullptr, 0, "2026-02-04T00:00:00Z", "app"),         // 6
      old_drill,                                                            // 7
      Receipt("verify", "main", 3, "2026-02-05T00:00:00Z", "app"),          // 8
  };
  auto key = tombstones::Key::Load(f.key);
  REQUIRE(key.ok());
  tombstones::Store::Options o;
  o.dir = f.store;
  o.mode = tombstones::Store::Mode::kWrite;
  o.key = &key.value();
  auto store = tombstones::Store::Open(o);
  REQUIRE(store.ok());
  for (const nlohmann::json& r : receipts) REQUIRE(store.value()->AppendReceipt(r.dump()).ok());
  const std::string config = dir / "tombstone.conf";
  WriteFile(config,
            "[target.main.database.app]\nmap = \"/etc/tombstone/app.toml\"\n"
            "[target.main.database.shop]\nmap = \"/etc/tombstone/shop.toml\"\n"
            "[target.idle.database.app]\nmap = \"/etc/tombstone/app.toml\"\n");
  return config;
}

}  // namespace tombstone::testing

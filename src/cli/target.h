// Which database(s) replay and verify work on: --dsn and --map, or a target of the
// configuration file (--target NAME [--database DB]). docs/configuration.md, "Targets".
#pragma once

#include <string>
#include <vector>

#include "src/cli/command.h"

namespace tombstone {

// One database to replay or verify.
struct JobInput {
  std::string target;    // the configured target's name; empty without --target
  std::string database;  // its configured database; empty without --target
  std::string dsn;       // "" : the libpq environment
  std::string map;       // the data map's path
  std::string receipt;   // --receipt FILE; with several databases FILE with "-DB" before its
                         // extension (receipt.json -> receipt-app.json); empty without it
};

// Declares --target and --database.
void DeclareTargetOptions(cxxopts::Options& options);

// Without --target: one input from --dsn and --map (--map required). With --target NAME: every
// database the target names, in the file's order, or only --database DB; --dsn and --map given
// as well win over the file (command line > file) and then need --database when the target has
// several databases. kUsage when the target or the database is not configured.
Result<std::vector<JobInput>> ResolveJobInputs(const Context& ctx, const std::string& command);

// The configured target `name`; kUsage naming the configuration file (or its absence).
Result<const config::Target*> FindTarget(const Context& ctx, const std::string& name);

}  // namespace tombstone

// The global settings from their three places: the command line wins over the environment,
// which wins over the configuration file (docs/configuration.md).
#pragma once

#include <optional>
#include <string>

#include "src/cli/command.h"

namespace tombstone {

// What the command line said (before or after the command name; after wins).
struct GlobalArgs {
  std::optional<std::string> store, key_file, sealing_key_file, lock_timeout, config;
  std::optional<LogLevel> log_level;  // -q, -v
};

// Reads the configuration file (--config, else TOMBSTONE_CONFIG, else the default path, which
// may be missing) and applies, setting by setting, the command line, else the environment
// (TOMBSTONE_STORE, TOMBSTONE_KEY_FILE, TOMBSTONE_SEALING_KEY_FILE, TOMBSTONE_LOCK_TIMEOUT; an
// empty variable counts as
// unset), else the file, else the default. Records where each came from in `origin`.
// kUsage for an unreadable or malformed file (a named one must exist) or a bad value.
Result<GlobalOptions> ResolveGlobals(const GlobalArgs& args);

// "command line", "environment (TOMBSTONE_STORE)", "configuration", "default" per setting name
// ("store", "key-file", "sealing-key-file", "lock-timeout", "log-level", "config").
const std::string& OriginOf(const GlobalOptions& globals, const std::string& setting);

}  // namespace tombstone

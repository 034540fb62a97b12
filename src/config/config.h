// The configuration file (docs/configuration.md): global settings and named targets, like
// pgBackRest's stanzas. TOML, read with toml++. Nothing here reads the environment or the
// command line: src/cli/globals.h applies the precedence (command line > environment > file).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::config {

using tombstones::Result;
using tombstones::Status;

// Where the configuration is read from when neither --config nor TOMBSTONE_CONFIG names one.
inline constexpr std::string_view kDefaultPath = "/etc/tombstone/tombstone.conf";

// How much a command says on stderr. -q/-v and `log-level` set it.
enum class LogLevel { kError, kWarn, kInfo, kDebug };
// "error", "warn", "info", "debug"; nullopt for anything else.
std::optional<LogLevel> ParseLogLevel(std::string_view text);
std::string_view LogLevelName(LogLevel level);

// One database of a target: how to reach it and the data map that describes it.
struct Database {
  std::string name;  // the PostgreSQL database name
  std::string dsn;   // its own `dsn`, else the target's with dbname=NAME; "" when neither (libpq env)
  std::string map;   // absolute path of its data map
  int line = 0;      // of its [target.T.database.NAME] section
};

// A cluster that replay, verify and the post-restore step know by name.
struct Target {
  std::string name;
  std::string pgdata;  // the cluster's data directory (the restore hooks use it); may be empty
  std::string dsn;     // a connection to the cluster (any database); may be empty
  std::vector<Database> databases;  // in the file's order; at least one
  const Database* Find(std::string_view database) const;
};

struct Config {
  std::string path;  // the file read; empty when there was none (the default path is missing)
  std::optional<std::string> store, key_file, sealing_key_file;
  std::optional<double> lock_timeout;
  std::optional<LogLevel> log_level;
  std::vector<Target> targets;  // in the file's order
  const Target* Find(std::string_view target) const;
};

// A day at most: a longer wait is a mistake (the same bound as --lock-timeout).
inline constexpr double kMaxLockTimeout = 86400;

// Parses `text` as the configuration file `path`. Unknown keys, wrong types, relative paths,
// targets without databases: kUsage "unable to read configuration 'PATH': line N: <cause>".
// No message ever quotes a value of the file (a DSN may hold a password).
Result<Config> Parse(const std::string& text, const std::string& path);

// Reads the file at `path`. When `must_exist` is false (the default path) a missing file is an
// empty Config; otherwise, as every unreadable file, kUsage "unable to read configuration ...".
Result<Config> Load(const std::string& path, bool must_exist);

}  // namespace tombstone::config

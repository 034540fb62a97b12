// What every command is made of, and what it is given when it runs.
#pragma once

// Repeated options (--id) keep commas: identifiers may contain them. Include cxxopts only here.
#define CXXOPTS_VECTOR_DELIMITER '\0'
#include <cxxopts.hpp>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/config/config.h"
#include "tombstones/tombstones.h"

namespace tombstone {

using tombstones::ExitCode;
using tombstones::Result;
using tombstones::Status;

// The streams a command talks through; tests pass string streams.
struct Io {
  std::istream& in;
  std::ostream& out;  // results, for people or scripts
  std::ostream& err;  // diagnostics and progress
  bool err_is_terminal = false;
  // The "command begin"/"command end" log lines (docs/logging.md); null: `err`, as in the
  // program. Tests give a stream of their own, so that what they compare in `err` stays the
  // command's diagnostics.
  std::ostream* log = nullptr;
};

using config::LogLevel;

// Options every command accepts (before or after the command name), with env fallbacks and the
// configuration file's settings below those (src/cli/globals.h, docs/configuration.md).
struct GlobalOptions {
  std::string store_dir;     // --store, TOMBSTONE_STORE, store
  std::string key_file;      // --key-file, TOMBSTONE_KEY_FILE, key-file
  std::string sealing_key_file;  // --sealing-key-file, TOMBSTONE_SEALING_KEY_FILE,
                                 // sealing-key-file: sealed mode only (docs/security.md)
  double lock_timeout = 10;  // --lock-timeout, TOMBSTONE_LOCK_TIMEOUT, lock-timeout: seconds a
                             // writer waits for the store's lock
  LogLevel log_level = LogLevel::kInfo;  // log-level in the configuration; -q (kWarn), -v
                                         // (kDebug) over it, the last one given wins
  config::Config config;     // the configuration file read (--config, TOMBSTONE_CONFIG)
  std::map<std::string, std::string> origin;  // setting -> where its value came from
};

struct Context {
  Io io;
  GlobalOptions global;
  const cxxopts::ParseResult* options = nullptr;  // the command's parsed options
  std::vector<std::string> args;                  // the command's positional arguments

  template <class T>
  T Get(const std::string& name) const { return (*options)[name].as<T>(); }
  bool Has(const std::string& name) const { return options->count(name) > 0; }
};

struct CommandSpec {
  std::string_view name;         // "add", "backups import"
  std::string_view args;         // positional synopsis, e.g. "REQUEST"; empty when none
  int min_args = 0;
  int max_args = 0;              // -1: any number
  std::string_view summary;      // one line for 'tombstone --help'
  std::string_view description;  // what 'tombstone NAME --help' teaches, before the options
  void (*declare)(cxxopts::Options& options) = nullptr;  // may be null: no own options
  Status (*run)(Context& ctx) = nullptr;
  // True for a command that changes something (the store, a database, a file it writes): the
  // dispatch logs "command begin" and "command end" at INFO around it (DEBUG for the others).
  // The begin line shows every option: an option that may carry an identifier or other
  // personal data must be listed as redacted in src/cli/command_log.cpp (a test checks that
  // every option of these commands is listed there). Positional arguments are shown as given:
  // such a command must take nothing personal positionally (file names, request ids).
  bool logs_begin_end = false;
};

}  // namespace tombstone

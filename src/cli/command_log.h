// The log lines on stderr, in pgBackRest's format, so that a cron mail or the journal shows what
// ran: "command begin" with the options given (secrets and personal data redacted) and
// "command end" with the exit code and the duration. The format is documented and stable
// (docs/logging.md): scripts may parse it.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "src/cli/command.h"

namespace tombstone {

// How the begin line shows an option's value.
enum class LoggedValue {
  kAsGiven,   // paths, times, numbers, request ids, names of formats
  kDsn,       // a connection string: pg::RedactDsn (password and sslpassword <redacted>)
  kRedacted,  // may carry an identifier or other personal data: "<redacted>"
};

// How --`option` of `command` ("add", "backups add") is shown; `*listed` (when not null) says
// whether the table in command_log.cpp lists it. An option it does not list is shown as
// <redacted>: a new option leaks nothing until someone decides.
LoggedValue LoggedValueOf(std::string_view command, std::string_view option,
                          bool* listed = nullptr);

// "2026-12-02 05:10:00.123 P00   INFO: " + `text` + "\n" (the level right-aligned in 6
// columns, as pgBackRest writes it), the time local, when `level` is within
// `threshold` (kInfo lets kError, kWarn and kInfo through); nothing otherwise.
void WriteLogLine(std::ostream& out, LogLevel threshold, LogLevel level, std::string_view text);

// The begin and end lines of one command run. Thread-compatible; one per run.
class CommandLog {
 public:
  explicit CommandLog(std::ostream& out) : out_(out) {}

  // "<name> command begin <version>: --store=DIR --key-file=FILE [--sealing-key-file=FILE, when
  // given] [--lock-timeout=S, when not the default] <options
  // as given, in their order> <positional arguments>": at INFO for a spec that logs_begin_end,
  // DEBUG for the others, written when globals.log_level lets it through (the end line then
  // too). `declared` and `parsed` are the command's options and their parse
  // (globals given after the command name are in it too, and shown once, from `globals`).
  void Begin(const CommandSpec& spec, const cxxopts::Options& declared,
             const GlobalOptions& globals, const cxxopts::ParseResult& parsed,
             const std::vector<std::string>& args);

  // "<name> command end: completed successfully, exit 0 (12ms)" or "... aborted with exit N
  // (12ms)", at the level of the begin line. Nothing when Begin was not called (a usage error
  // found while parsing options, or --help).
  void End(int exit_code);

 private:
  std::ostream& out_;
  LogLevel threshold_ = LogLevel::kInfo;
  LogLevel level_ = LogLevel::kDebug;
  std::string name_;
  bool began_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace tombstone

#include "src/cli/command_log.h"

#include <fmt/format.h>

#include <ctime>
#include <ostream>

#include "src/pg/dsn.h"

namespace tombstone {
namespace {

struct LoggedOption {
  std::string_view command;  // "" for every command
  std::string_view option;
  LoggedValue shown;
};

// Every option of the commands that log their begin line, and how its value is shown. An
// entry for one command comes before the entry for all of them. Free text that describes an
// erasure (a note, a hold or retraction reason) may name the person: redacted with the
// identifiers. What the program itself prints in messages (request ids, backup ids, paths,
// table and column names) is shown.
constexpr LoggedOption kLoggedOptions[] = {
    // global options
    {"", "store", LoggedValue::kAsGiven},
    {"", "key-file", LoggedValue::kAsGiven},
    {"", "sealing-key-file", LoggedValue::kAsGiven},
    {"", "lock-timeout", LoggedValue::kAsGiven},
    {"", "config", LoggedValue::kAsGiven},
    // init
    {"", "generate-key", LoggedValue::kAsGiven},
    {"", "sealed", LoggedValue::kAsGiven},
    {"", "generate-sealing-key", LoggedValue::kAsGiven},
    // add: --id is an identifier; backups add and remove take a backup's id under that name
    {"backups add", "id", LoggedValue::kAsGiven},
    {"backups remove", "id", LoggedValue::kAsGiven},
    {"", "id", LoggedValue::kRedacted},
    {"", "request", LoggedValue::kAsGiven},
    {"", "ids-from", LoggedValue::kAsGiven},
    {"", "erased-at", LoggedValue::kAsGiven},
    {"", "hold", LoggedValue::kRedacted},
    {"", "note", LoggedValue::kRedacted},
    // hold, release, retract, backups remove
    {"", "reason", LoggedValue::kRedacted},
    // import, scrub
    {"", "format", LoggedValue::kAsGiven},
    // replay, verify
    {"", "dsn", LoggedValue::kDsn},
    {"", "map", LoggedValue::kAsGiven},
    {"", "receipt", LoggedValue::kAsGiven},
    {"", "snapshot-label", LoggedValue::kAsGiven},
    {"", "backup-id", LoggedValue::kAsGiven},
    {"", "backup-source", LoggedValue::kAsGiven},
    {"", "db-lock-timeout", LoggedValue::kAsGiven},
    {"", "dry-run", LoggedValue::kAsGiven},
    {"", "verify", LoggedValue::kAsGiven},
    {"", "jobs", LoggedValue::kAsGiven},
    {"", "plan", LoggedValue::kAsGiven},
    // backups add, backups import
    {"", "taken-at", LoggedValue::kAsGiven},
    {"", "expires-at", LoggedValue::kAsGiven},
    {"", "retention", LoggedValue::kAsGiven},
    {"", "from", LoggedValue::kAsGiven},
    {"", "retention-full", LoggedValue::kAsGiven},
    {"", "retention-full-type", LoggedValue::kAsGiven},
    {"", "redundancy", LoggedValue::kAsGiven},
    {"", "recovery-window", LoggedValue::kAsGiven},
    {"", "retain-full", LoggedValue::kAsGiven},
    {"", "retain-days", LoggedValue::kAsGiven},
    {"", "full-every", LoggedValue::kAsGiven},
    {"", "margin", LoggedValue::kAsGiven},
    // store import, store export, scrub
    {"", "force", LoggedValue::kAsGiven},
    {"", "type", LoggedValue::kAsGiven},
    {"", "all-matches", LoggedValue::kAsGiven},
    {"", "column", LoggedValue::kAsGiven},
    // replay, verify with a configured target (docs/configuration.md)
    {"", "target", LoggedValue::kAsGiven},
    {"", "database", LoggedValue::kAsGiven},
    {"", "drill", LoggedValue::kAsGiven},
};

// Options the begin line leaves out: said once from GlobalOptions, or how much is logged.
bool ShownFromGlobals(std::string_view option) {
  return option == "store" || option == "key-file" || option == "sealing-key-file" ||
         option == "lock-timeout" ||
         option == "quiet" || option == "verbose" || option == "help";
}

// A value as one word of the line: in double quotes (with \" \\ \n \r \t and \xNN escapes)
// when it holds a space, a quote, a backslash or a control character, so that every log line
// stays one line and splits back into its words.
std::string Word(std::string_view value) {
  bool plain = !value.empty();
  for (const char c : value)
    if (c == ' ' || c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      plain = false;
  if (plain) return std::string(value);
  std::string word = "\"";
  for (const char c : value) {
    switch (c) {
      case '"': word += "\\\""; break;
      case '\\': word += "\\\\"; break;
      case '\n': word += "\\n"; break;
      case '\r': word += "\\r"; break;
      case '\t': word += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          word += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
          word += c;
    }
  }
  return word + "\"";
}

std::string Shown(std::string_view command, std::string_view option, std::string_view value) {
  switch (LoggedValueOf(command, option)) {
    case LoggedValue::kAsGiven: return Word(value);
    case LoggedValue::kDsn: return Word(pg::RedactDsn(value));
    case LoggedValue::kRedacted: break;
  }
  return "<redacted>";
}

bool IsFlag(const cxxopts::Options& declared, const std::string& option) {
  for (const std::string& group : declared.groups())
    for (const cxxopts::HelpOptionDetails& o : declared.group_help(group).options)
      if (!o.l.empty() && o.l.front() == option) return o.is_boolean;
  return false;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "ERROR";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kDebug: return "DEBUG";
  }
  return "INFO";
}

}  // namespace

LoggedValue LoggedValueOf(std::string_view command, std::string_view option, bool* listed) {
  for (const LoggedOption& o : kLoggedOptions) {
    if (o.option == option && (o.command.empty() || o.command == command)) {
      if (listed != nullptr) *listed = true;
      return o.shown;
    }
  }
  if (listed != nullptr) *listed = false;
  return LoggedValue::kRedacted;
}

void WriteLogLine(std::ostream& out, LogLevel threshold, LogLevel level, std::string_view text) {
  if (level > threshold) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                          now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
  // pgBackRest's layout: its longest level name (DETAIL) sets the width.
  out << fmt::format("{}.{:03d} P00 {:>6}: {}\n", stamp, millis, LevelName(level), text)
      << std::flush;
}

void CommandLog::Begin(const CommandSpec& spec, const cxxopts::Options& declared,
                       const GlobalOptions& globals, const cxxopts::ParseResult& parsed,
                       const std::vector<std::string>& args) {
  began_ = true;
  threshold_ = globals.log_level;
  start_ = std::chrono::steady_clock::now();
  name_ = std::string(spec.name);
  level_ = spec.logs_begin_end ? LogLevel::kInfo : LogLevel::kDebug;
  if (level_ > threshold_) return;

  std::string text = fmt::format("{} command begin {}:", spec.name, tombstones::Version());
  if (!globals.store_dir.empty()) text += " --store=" + Word(globals.store_dir);
  if (!globals.key_file.empty()) text += " --key-file=" + Word(globals.key_file);
  if (!globals.sealing_key_file.empty())
    text += " --sealing-key-file=" + Word(globals.sealing_key_file);
  if (globals.lock_timeout != GlobalOptions().lock_timeout)
    text += fmt::format(" --lock-timeout={}", globals.lock_timeout);
  for (const cxxopts::KeyValue& kv : parsed.arguments()) {
    if (kv.key() == "args" || ShownFromGlobals(kv.key())) continue;
    text += " --" + kv.key();
    // A flag shows as "--dry-run"; only an explicit "--dry-run=false" carries a value.
    if (!(kv.value() == "true" && IsFlag(declared, kv.key())))
      text += "=" + Shown(spec.name, kv.key(), kv.value());
  }
  for (const std::string& arg : args) text += " " + Word(arg);
  WriteLogLine(out_, threshold_, level_, text);
}

void CommandLog::End(int exit_code) {
  if (!began_) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - start_).count();
  const std::string outcome = exit_code == 0 ? "completed successfully, exit 0"
                                             : fmt::format("aborted with exit {}", exit_code);
  WriteLogLine(out_, threshold_, level_,
               fmt::format("{} command end: {} ({}ms)", name_, outcome, elapsed));
}

}  // namespace tombstone

// Argument parsing and dispatch: global options, then the command, then its own options.
#include "src/cli/app.h"

#include <cxxabi.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <new>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <system_error>
#include <typeinfo>

#include "src/cli/command_log.h"
#include "src/cli/globals.h"
#include "src/cli/help_text.h"
#include "src/cli/options.h"

namespace tombstone {
namespace {

constexpr std::string_view kGlobalHelp =
    "Global options (also accepted after the command name):\n"
    "  --store DIR            the store directory (env TOMBSTONE_STORE)\n"
    "  --key-file FILE        the secret key file, mode 0600 (env TOMBSTONE_KEY_FILE)\n"
    "  --sealing-key-file FILE\n"
    "                         the sealing key file of a store in sealed mode, mode 0600 (env\n"
    "                         TOMBSTONE_SEALING_KEY_FILE; docs/security.md)\n"
    "  --lock-timeout SECS    how long a writing command waits for another writer (default 10,\n"
    "                         at most 86400; env TOMBSTONE_LOCK_TIMEOUT)\n"
    "  --config FILE          the configuration file (env TOMBSTONE_CONFIG; default\n"
    "                         /etc/tombstone/tombstone.conf when it exists): settings and targets;\n"
    "                         the command line wins over the environment, which wins over it\n"
    "  -q, --quiet            no \"command begin\"/\"command end\" log lines on stderr (log level\n"
    "                         warn); errors and results are printed as always\n"
    "  -v, --verbose          log level debug: begin and end lines for every command\n"
    "                         (docs/logging.md)\n"
    "  -h, --help             this help; 'tombstone help COMMAND' or 'tombstone COMMAND --help'\n"
    "                         for a command\n"
    "  --version              print the version\n";

constexpr std::string_view kExitCodes =
    "Exit codes: 0 done and clean; 1 failed, nothing changed; 2 usage or configuration error;\n"
    "3 tombstoned subjects remain; 4 store error (missing, locked, corrupt, wrong key).\n";

void PrintOverview(std::ostream& out) {
  out << "tombstone: keep a record of erased subjects (keyed hashes only) and re-apply every\n"
         "erasure to a restored PostgreSQL database before it returns to service.\n\n"
         "Usage: tombstone [--config FILE] [--store DIR] [--key-file FILE] [-q|-v] COMMAND\n"
         "                 [OPTIONS] [ARGS]\n\n"
         "Commands:\n";
  for (const CommandSpec* c : Commands()) {
    const std::string usage = fmt::format("{} {}", c->name, c->args);
    if (usage.size() <= 26)
      out << fmt::format("  {:<26} {}\n", usage, c->summary);
    else  // a long synopsis gets its own line, so that the summaries stay in one column
      out << fmt::format("  {}\n  {:<26} {}\n", usage, "", c->summary);
  }
  out << '\n' << kGlobalHelp << '\n' << kExitCodes;
}

void DeclareGlobals(cxxopts::Options& options) {
  options.add_options("Global")
      ("store", "the store directory (env TOMBSTONE_STORE)", cxxopts::value<std::string>(), "DIR")
      ("key-file", "the secret key file, mode 0600 (env TOMBSTONE_KEY_FILE)",
       cxxopts::value<std::string>(), "FILE")
      ("sealing-key-file", "the sealing key file of a store in sealed mode, mode 0600 (env "
       "TOMBSTONE_SEALING_KEY_FILE)", cxxopts::value<std::string>(), "FILE")
      ("lock-timeout", "seconds a writing command waits for another writer (0 to 86400; env "
       "TOMBSTONE_LOCK_TIMEOUT)", cxxopts::value<std::string>(), "SECS")
      ("config", "the configuration file (env TOMBSTONE_CONFIG; default "
       "/etc/tombstone/tombstone.conf when it exists)", cxxopts::value<std::string>(), "FILE")
      ("q,quiet", "no command begin/end log lines (log level warn)")
      ("v,verbose", "log level debug: begin/end lines for every command")
      ("h,help", "show this help");
}

// Reads "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i past what it used.
bool TakeGlobal(const std::vector<std::string>& argv, std::size_t* i, std::string_view name,
                std::string* value, Status* error) {
  const std::string& token = argv[*i];
  const std::string flag = "--" + std::string(name);
  if (token == flag) {
    if (*i + 1 >= argv.size()) {
      *error = Status::Usage("unable to parse options: " + flag + " needs a value");
      return true;
    }
    *value = argv[*i + 1];
    *i += 2;
    return true;
  }
  if (token.rfind(flag + "=", 0) == 0) {
    *value = token.substr(flag.size() + 1);
    *i += 1;
    return true;
  }
  return false;
}

// The exception's C++ type, e.g. "pqxx::data_exception": chosen by the program, not the input.
std::string ExceptionType(const std::exception& e) {
  int status = 0;
  char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
  std::string type = status == 0 && name != nullptr ? name : typeid(e).name();
  std::free(name);
  return type;
}

// A day at most: a longer wait is a mistake, and "inf" or "1e308" would overflow the clock.
Status CheckLockTimeout(const std::string& text) {
  return ParseSeconds(text, config::kMaxLockTimeout, "--lock-timeout").status();
}

// Finds the command named by argv[*i] (and argv[*i+1] for two-word commands).
const CommandSpec* FindCommand(const std::vector<std::string>& argv, std::size_t* i) {
  for (const CommandSpec* c : Commands()) {
    const std::size_t space = c->name.find(' ');
    if (space == std::string_view::npos) {
      if (argv[*i] == c->name) return ++*i, c;
    } else if (argv[*i] == c->name.substr(0, space) && *i + 1 < argv.size() &&
               argv[*i + 1] == c->name.substr(space + 1)) {
      *i += 2;
      return c;
    }
  }
  return nullptr;
}

// What went wrong, in words that cannot hold a value from the input: an exception's what()
// may (nlohmann-json and std::stol quote what they parsed, a file system error names paths),
// so only its kind is told, and for system errors the code's fixed description.
std::string DescribeCurrentException() {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return "out of memory";
  } catch (const std::system_error& e) {  // std::filesystem::filesystem_error too
    return "system error (" + e.code().message() + ")";
  } catch (const nlohmann::json::exception& e) {
    return "JSON error " + std::to_string(e.id);
  } catch (const std::out_of_range&) {
    return "a value out of range";
  } catch (const std::invalid_argument&) {
    return "an invalid value";
  } catch (const std::exception& e) {
    return "unexpected exception (" + ExceptionType(e) + ")";
  } catch (...) {
    return "unexpected exception of an unknown type";
  }
}

void PrintError(const Status& s, std::ostream& err) {
  err << "tombstone: " << s.message() << '\n';
  if (!s.hint().empty()) err << "HINT: " << s.hint() << '\n';
}

// `word` as a log level when it is -q, --quiet, -v or --verbose; nullopt otherwise.
std::optional<LogLevel> LogLevelFlag(std::string_view word) {
  if (word == "-q" || word == "--quiet") return LogLevel::kWarn;
  if (word == "-v" || word == "--verbose") return LogLevel::kDebug;
  return std::nullopt;
}

Status RunCommand(const CommandSpec& spec, std::vector<std::string> rest, GlobalArgs args,
                  Io& io, CommandLog* log, bool* printed_help) {
  const std::string program = "tombstone " + std::string(spec.name);
  cxxopts::Options options(program, std::string(spec.summary));
  options.custom_help("[OPTIONS]");
  options.positional_help(std::string(spec.args));
  if (spec.declare != nullptr) spec.declare(options);
  DeclareGlobals(options);
  options.add_options("Positional")("args", "", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"args"});

  std::vector<const char*> cargv{program.c_str()};
  for (const std::string& s : rest) cargv.push_back(s.c_str());
  cxxopts::ParseResult parsed;
  try {
    parsed = options.parse(static_cast<int>(cargv.size()), cargv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    return Status::Usage("unable to parse options of '" + std::string(spec.name) +
                             "': " + e.what(),
                         "see 'tombstone " + std::string(spec.name) + " --help'");
  }
  if (parsed.count("help")) {
    std::vector<std::string> groups;
    for (const std::string& g : options.groups())
      if (g != "Positional") groups.push_back(g);
    io.out << HelpText(options, program, std::string(spec.summary), std::string(spec.args), groups)
           << '\n' << spec.description;
    if (!spec.description.empty() && spec.description.back() != '\n') io.out << '\n';
    *printed_help = true;
    return Status::Ok();
  }
  if (parsed.count("store")) args.store = parsed["store"].as<std::string>();
  if (parsed.count("key-file")) args.key_file = parsed["key-file"].as<std::string>();
  if (parsed.count("sealing-key-file"))
    args.sealing_key_file = parsed["sealing-key-file"].as<std::string>();
  if (parsed.count("config")) args.config = parsed["config"].as<std::string>();
  if (parsed.count("lock-timeout")) {
    args.lock_timeout = parsed["lock-timeout"].as<std::string>();
    if (Status s = CheckLockTimeout(*args.lock_timeout); !s.ok()) return s;
  }
  for (const cxxopts::KeyValue& kv : parsed.arguments()) {  // the last -q or -v wins
    if (kv.key() == "quiet") args.log_level = LogLevel::kWarn;
    if (kv.key() == "verbose") args.log_level = LogLevel::kDebug;
  }
  auto globals = ResolveGlobals(args);  // command line > environment > configuration file
  if (!globals.ok()) return globals.status();

  Context ctx{io, std::move(globals.value()), &parsed, {}};
  if (parsed.count("args")) ctx.args = parsed["args"].as<std::vector<std::string>>();
  const int n = static_cast<int>(ctx.args.size());
  if (n < spec.min_args || (spec.max_args >= 0 && n > spec.max_args)) {
    const std::string what = n < spec.min_args ? "missing argument" : "unexpected argument '" +
                                                                          ctx.args.back() + "'";
    return Status::Usage("unable to run '" + std::string(spec.name) + "': " + what,
                         "usage: tombstone " + std::string(spec.name) + " " +
                             std::string(spec.args) + " [OPTIONS]");
  }
  log->Begin(spec, options, ctx.global, parsed, ctx.args);
  return spec.run(ctx);
}

}  // namespace

Status RunGuarded(std::string_view command, const std::function<Status()>& run) {
  try {
    return run();
  } catch (...) {
    // What `run` owned is destroyed by now: temporary files and directories are removed by
    // their owners, a transaction is rolled back with its session.
    return Status::Failed("unable to " + std::string(command) + ": internal error: " +
                          DescribeCurrentException());
  }
}

int RunApp(const std::vector<std::string>& argv, Io& io) {
  GlobalArgs globals;  // the environment and the configuration file apply in RunCommand
  std::size_t i = 1;
  Status error;
  while (i < argv.size() && argv[i].rfind("-", 0) == 0) {
    std::string value;
    if (argv[i] == "-h" || argv[i] == "--help") {
      PrintOverview(io.out);
      return 0;
    }
    if (argv[i] == "--version") {
      io.out << "tombstone " << tombstones::Version() << '\n';
      return 0;
    }
    if (const auto level = LogLevelFlag(argv[i])) {
      globals.log_level = *level;
      ++i;
      continue;
    }
    if (TakeGlobal(argv, &i, "store", &value, &error)) {
      globals.store = value;
    } else if (TakeGlobal(argv, &i, "key-file", &value, &error)) {
      globals.key_file = value;
    } else if (TakeGlobal(argv, &i, "sealing-key-file", &value, &error)) {
      globals.sealing_key_file = value;
    } else if (TakeGlobal(argv, &i, "config", &value, &error)) {
      globals.config = value;
    } else if (TakeGlobal(argv, &i, "lock-timeout", &value, &error)) {
      globals.lock_timeout = value;
      if (error.ok()) error = CheckLockTimeout(value);
    } else {
      error = Status::Usage("unable to parse options: unknown global option '" + argv[i] + "'",
                            "see 'tombstone --help'");
    }
    if (!error.ok()) {
      PrintError(error, io.err);
      return static_cast<int>(error.code());
    }
  }
  if (i >= argv.size()) {
    PrintOverview(io.err);
    return static_cast<int>(ExitCode::kUsage);
  }
  const CommandSpec* spec = FindCommand(argv, &i);
  if (spec == nullptr) {
    PrintError(Status::Usage("unable to run '" + argv[i] + "': no such command",
                             "see 'tombstone --help' for the list of commands"),
               io.err);
    return static_cast<int>(ExitCode::kUsage);
  }
  bool printed_help = false;
  CommandLog log(io.log != nullptr ? *io.log : io.err);
  const Status s = RunGuarded(spec->name, [&] {
    return RunCommand(*spec, std::vector<std::string>(argv.begin() + i, argv.end()), globals, io,
                      &log, &printed_help);
  });
  if (!s.ok()) PrintError(s, io.err);
  log.End(static_cast<int>(s.code()));  // after the error, as pgBackRest does
  return static_cast<int>(s.code());
}

}  // namespace tombstone

// src/cli/command_log and the dispatch around it (issue 19): a command that changes something
// logs "command begin" with its options (identifiers, free text about an erasure and DSN
// passwords redacted) and "command end: ... exit N" on stderr, pgBackRest-style; -q drops them,
// -v adds them for every command. Format: docs/logging.md.
#include "src/cli/command_log.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "src/cli/app.h"
#include "src/cli/options.h"
#include "tests/support/cli_log.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

// One log line: local time with milliseconds, process P00, the level right-aligned in 6.
const std::regex kLine(
    R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} P00 ( ERROR|  WARN|  INFO| DEBUG): (.*))");

struct LogLine {
  std::string level;
  std::string text;
};

// Every line of `log`, parsed; a line that is not in the format fails the test.
std::vector<LogLine> Lines(const std::string& log) {
  std::vector<LogLine> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    INFO(line);
    REQUIRE(std::regex_match(line, m, kLine));
    lines.push_back({m[1], m[2]});
  }
  return lines;
}

struct Logged {
  int code = -1;
  std::string err;
  std::string log;
};

// fx.Run(args), with the log lines apart.
Logged RunLogged(const StoreFixture& fx, const std::vector<std::string>& args) {
  std::vector<std::string> all = fx.Globals();
  all.insert(all.end(), args.begin(), args.end());
  Logged l;
  const RunResult r = RunWithLog(all, &l.log);
  l.code = r.code;
  l.err = r.err;
  return l;
}

std::string Begin(const std::string& command) {
  return command + " command begin " + std::string(tombstones::Version()) + ":";
}

const std::regex kEndOk(R"(\S+( \S+)? command end: completed successfully, exit 0 \(\d+ms\))");

TEST_CASE("every option of a command that logs its begin line is listed as shown or redacted",
          "[cli][log]") {
  int logging = 0;
  for (const CommandSpec* spec : Commands()) {
    if (!spec->logs_begin_end || spec->declare == nullptr) continue;
    ++logging;
    cxxopts::Options options("tombstone", "");
    spec->declare(options);
    for (const std::string& group : options.groups())
      for (const cxxopts::HelpOptionDetails& o : options.group_help(group).options) {
        INFO(spec->name << " --" << o.l.front());
        bool listed = false;
        (void)LoggedValueOf(spec->name, o.l.front(), &listed);
        CHECK(listed);
      }
  }
  CHECK(logging >= 14);
  CHECK(LoggedValueOf("add", "id") == LoggedValue::kRedacted);
  CHECK(LoggedValueOf("backups add", "id") == LoggedValue::kAsGiven);
  CHECK(LoggedValueOf("replay", "dsn") == LoggedValue::kDsn);
  bool listed = true;
  CHECK(LoggedValueOf("add", "some-new-option", &listed) == LoggedValue::kRedacted);
  CHECK_FALSE(listed);
}

TEST_CASE("the commands that change something are the ones that log begin and end",
          "[cli][log]") {
  std::vector<std::string> logging;
  for (const CommandSpec* spec : Commands())
    if (spec->logs_begin_end) logging.emplace_back(spec->name);
  CHECK(logging == std::vector<std::string>{"init", "add", "import", "hold", "release", "retract",
                                            "replay", "verify", "backups add", "backups import",
                                            "backups remove", "seal enable", "seal disable",
                                            "store export", "store import", "scrub"});
}

TEST_CASE("add logs begin and end, with identifiers and free text redacted", "[cli][log]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  const Logged r = RunLogged(fx, {"add", "--request", "REQ-1", "--id", "email:Alice@Example.com",
                              "--id", "user_id:4242", "--note", "Alice asked by phone",
                              "--hold", "case Alice v. ACME"});
  INFO(r.err << r.log);
  REQUIRE(r.code == 0);
  CHECK(r.err.empty());
  const std::vector<LogLine> lines = Lines(r.log);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].level == "  INFO");
  CHECK(lines[0].text == Begin("add") + " --store=" + fx.store + " --key-file=" + fx.key +
                             " --lock-timeout=0 --request=REQ-1 --id=<redacted> --id=<redacted>"
                             " --note=<redacted> --hold=<redacted>");
  CHECK(lines[1].level == "  INFO");
  CHECK(std::regex_match(lines[1].text, kEndOk));
  for (const char* secret : {"lice", "4242", "phone", "ACME"})
    CHECK(r.log.find(secret) == std::string::npos);
}

TEST_CASE("a failed command logs its exit code after the error, which stays as it was",
          "[cli][log]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  const Logged r = RunLogged(fx, {"release", "NOPE", "--reason", "done with Bob"});
  CHECK(r.code == 1);
  CHECK(r.err ==
        "tombstone: unable to find tombstone 'NOPE': no such request id\n"
        "HINT: 'tombstone list' shows the request ids\n");
  const std::vector<LogLine> lines = Lines(r.log);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == Begin("release") + " --store=" + fx.store + " --key-file=" + fx.key +
                             " --lock-timeout=0 --reason=<redacted> NOPE");
  CHECK(std::regex_match(lines[1].text,
                         std::regex(R"(release command end: aborted with exit 1 \(\d+ms\))")));
}

TEST_CASE("a DSN's password is redacted and values with spaces are quoted on one line",
          "[cli][log]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  // The map does not exist: replay stops before connecting, after the begin line. The DSN is
  // shown as RedactDsn shows it: libpq's keywords in libpq's order.
  const Logged r =
      RunLogged(fx, {"replay", "--dsn", "host=/nonexistent dbname=app password=s3cret-pw", "--map",
              dir / "no map.toml", "--snapshot-label", "drill \"7\"\nsecond line", "--dry-run"});
  INFO(r.err << r.log);
  CHECK(r.code == 2);
  const std::vector<LogLine> lines = Lines(r.log);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == Begin("replay") + " --store=" + fx.store + " --key-file=" + fx.key +
                             " --lock-timeout=0 --dsn=\"password=<redacted> dbname=app "
                             "host=/nonexistent\" --map=\"" + dir / "no map.toml" +
                             "\" --snapshot-label=\"drill \\\"7\\\"\\nsecond line\" --dry-run");
  CHECK(r.log.find("s3cret") == std::string::npos);
  CHECK(lines[1].text.find("replay command end: aborted with exit 2 (") == 0);
}

TEST_CASE("-q drops the begin and end lines, -v adds them for read-only commands", "[cli][log]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  SECTION("a read-only command logs nothing at the default level") {
    const Logged r = RunLogged(fx, {"list"});
    CHECK(r.code == 0);
    CHECK(r.log.empty());
  }
  SECTION("-q or --quiet, before or after the command name") {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"-q", "hold", "R", "--reason", "x"},
                                               {"hold", "R", "--reason", "x", "--quiet"},
                                               {"--quiet", "backups", "add", "--id", "b1",
                                                "--taken-at", "2026-01-01T00:00:00Z"}}) {
      const Logged r = RunLogged(fx, args);
      CHECK(r.log.empty());
      if (r.code != 0)  // hold R fails: its error is printed whatever the level
        CHECK(r.err ==
              "tombstone: unable to find tombstone 'R': no such request id\n"
              "HINT: 'tombstone list' shows the request ids\n");
    }
  }
  SECTION("-v or --verbose logs begin and end of every command at DEBUG") {
    const Logged r = RunLogged(fx, {"list", "-v", "--format", "json"});
    CHECK(r.code == 0);
    const std::vector<LogLine> lines = Lines(r.log);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].level == " DEBUG");
    CHECK(lines[0].text == Begin("list") + " --store=" + fx.store + " --key-file=" + fx.key +
                               " --lock-timeout=0 --format=json");
    CHECK(lines[1].level == " DEBUG");
    CHECK(std::regex_match(lines[1].text, kEndOk));
  }
  SECTION("the last of -q and -v wins") {
    CHECK(Lines(RunLogged(fx, {"-q", "list", "--verbose"}).log).size() == 2);
    CHECK(RunLogged(fx, {"-v", "init", "-q"}).log.empty());
  }
}

TEST_CASE("a usage error or --help logs no begin line", "[cli][log]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  const Logged bad = RunLogged(fx, {"add", "--request", "R", "--no-such-option"});
  CHECK(bad.code == 2);
  CHECK(bad.log.empty());
  const Logged help = RunLogged(fx, {"add", "--help"});
  CHECK(help.code == 0);
  CHECK(help.log.empty());
}

TEST_CASE("the program writes the log lines to stderr, around the error", "[cli][log]") {
  TempDir dir;
  StoreFixture fx(dir.path());
  const std::string err = dir / "stderr";
  const std::string command = "'" + Binary() + "' --store '" + fx.store + "' --key-file '" +
                              fx.key + "' retract NOPE --reason r 2>'" + err + "'";
  const int status = std::system(command.c_str());
  CHECK((WIFEXITED(status) ? WEXITSTATUS(status) : -1) == 1);
  const std::string text = ReadFile(err);
  INFO(text);
  const std::regex whole(
      R"(\S+ \S+ P00   INFO: retract command begin [^\n]*: --store=\S+ --key-file=\S+ )"
      R"(--reason=<redacted> NOPE\n)"
      R"(tombstone: unable to [^\n]*'NOPE'[^\n]*\n(HINT: [^\n]*\n)?)"
      R"(\S+ \S+ P00   INFO: retract command end: aborted with exit 1 \(\d+ms\)\n)");
  CHECK(std::regex_match(text, whole));
}

TEST_CASE("a log line is written only within the threshold", "[cli][log]") {
  std::ostringstream out;
  WriteLogLine(out, LogLevel::kWarn, LogLevel::kInfo, "hidden");
  CHECK(out.str().empty());
  WriteLogLine(out, LogLevel::kWarn, LogLevel::kWarn, "shown");
  const std::vector<LogLine> lines = Lines(out.str());
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].level == "  WARN");
  CHECK(lines[0].text == "shown");
}

}  // namespace
}  // namespace tombstone::testing

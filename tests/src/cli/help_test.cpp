// 'tombstone help [COMMAND]' and --help: the same text; each option's default said once.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "src/cli/app.h"
#include "tests/support/cli_runner.h"

namespace tombstone::testing {
namespace {

TEST_CASE("'help' prints the overview, and 'help COMMAND' the command's --help", "[cli]") {
  const RunResult overview = Run({"help"});
  CHECK(overview.code == 0);
  CHECK(overview.out == Run({"--help"}).out);
  CHECK_THAT(overview.out, Catch::Contains("  help [COMMAND]"));
  for (const CommandSpec* c : Commands()) {
    std::vector<std::string> words;
    std::istringstream name{std::string(c->name)};
    for (std::string w; name >> w;) words.push_back(w);
    std::vector<std::string> help{"help"};
    help.insert(help.end(), words.begin(), words.end());
    std::vector<std::string> flag = words;
    flag.push_back("--help");
    INFO(c->name);
    const RunResult by_word = Run(help);
    CHECK(by_word.code == 0);
    CHECK(by_word.out == Run(flag).out);
    CHECK_THAT(by_word.out, Catch::Contains(std::string(c->summary)));
  }
  SECTION("the first word of two-word commands lists them") {
    const RunResult r = Run({"help", "backups"});
    CHECK(r.code == 0);
    CHECK_THAT(r.out,
               Catch::Contains("  backups remove  ") && Catch::Contains("  backups add     "));
  }
  SECTION("an unknown command is a usage error") {
    const RunResult r = Run({"help", "nope"});
    CHECK(r.code == 2);
    CHECK(r.err == "tombstone: unable to show help for 'nope': no such command\n"
                   "HINT: see 'tombstone help' for the list of commands\n");
  }
}

TEST_CASE("every option's default is printed once in --help", "[cli]") {
  const std::regex option_start("^  (-[a-z], |    )--");
  for (const CommandSpec* c : Commands()) {
    std::vector<std::string> argv;
    std::istringstream name{std::string(c->name)};
    for (std::string w; name >> w;) argv.push_back(w);
    argv.push_back("--help");
    const RunResult r = Run(argv);
    REQUIRE(r.code == 0);
    // Each option's entry: its first line and the wrapped lines after it.
    std::vector<std::string> entries;
    std::istringstream all(r.out);
    for (std::string line; std::getline(all, line);) {
      if (std::regex_search(line, option_start)) entries.push_back(line);
      else if (!entries.empty() && line.rfind("                ", 0) == 0) entries.back() += line;
    }
    for (const std::string& entry : entries) {
      INFO(c->name << ": " << entry);
      std::size_t n = 0;
      for (auto at = entry.find("default"); at != std::string::npos;
           at = entry.find("default", at + 1))
        ++n;
      CHECK(n <= 1);
      CHECK(entry.find("(default: \"\")") == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace tombstone::testing

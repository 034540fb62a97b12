// Where each global setting comes from: the command line wins over the environment, which wins
// over the configuration file (docs/configuration.md, "Precedence").
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <optional>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

using nlohmann::json;

// Sets (or unsets) an environment variable for the scope, and puts the old value back.
class EnvVar {
 public:
  EnvVar(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~EnvVar() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// The settings in force, as 'tombstone config --format json' reports them.
json Settings(std::vector<std::string> args) {
  args.insert(args.end(), {"config", "--format", "json"});
  const RunResult r = Run(args);
  INFO(r.err);
  REQUIRE(r.code == 0);
  return json::parse(r.out)["settings"];
}

struct Precedence {
  const char* setting;   // name in the file and after --
  const char* env;       // its environment variable
  std::string file, environment, command_line;  // three values, in the file's syntax
};

TEST_CASE("global settings: command line > environment > configuration file > default",
          "[config]") {
  TempDir dir;
  EnvVar no_config("TOMBSTONE_CONFIG", std::nullopt);
  const std::vector<Precedence> cases = {
      {"store", "TOMBSTONE_STORE", dir / "file-store", dir / "env-store", dir / "cli-store"},
      {"key-file", "TOMBSTONE_KEY_FILE", dir / "file-key", dir / "env-key", dir / "cli-key"},
      {"lock-timeout", "TOMBSTONE_LOCK_TIMEOUT", "30", "40", "50"},
  };
  for (const Precedence& c : cases) {
    DYNAMIC_SECTION(c.setting) {
      const bool number = std::string(c.setting) == "lock-timeout";
      const auto value = [&](const std::string& v) { return number ? json(std::stod(v)) : json(v); };
      WriteFile(dir / "t.conf", std::string(c.setting) + " = " +
                                    (number ? c.file : "\"" + c.file + "\"") + "\n");
      const std::vector<std::string> config = {"--config", dir / "t.conf"};
      EnvVar unset(c.env, std::nullopt);
      json s = Settings({});
      CHECK(s[c.setting]["origin"] == "default");
      s = Settings(config);
      CHECK(s[c.setting]["value"] == value(c.file));
      CHECK(s[c.setting]["origin"] == "configuration");
      {
        EnvVar env(c.env, c.environment);
        s = Settings(config);
        CHECK(s[c.setting]["value"] == value(c.environment));
        CHECK(s[c.setting]["origin"] == std::string("environment (") + c.env + ")");
        std::vector<std::string> cli = config;
        cli.insert(cli.end(), {std::string("--") + c.setting, c.command_line});
        s = Settings(cli);
        CHECK(s[c.setting]["value"] == value(c.command_line));
        CHECK(s[c.setting]["origin"] == "command line");
      }
      {
        EnvVar empty(c.env, "");  // an empty variable counts as unset
        CHECK(Settings(config)[c.setting]["value"] == value(c.file));
      }
    }
  }
}

TEST_CASE("global settings: the configured store and key are the ones commands use",
          "[config]") {
  TempDir dir;
  StoreFixture f(dir.path());
  EnvVar no_config("TOMBSTONE_CONFIG", std::nullopt);
  EnvVar no_store("TOMBSTONE_STORE", std::nullopt);
  EnvVar no_key("TOMBSTONE_KEY_FILE", std::nullopt);
  WriteFile(dir / "t.conf", "store = \"" + f.store + "\"\nkey-file = \"" + f.key + "\"\n");
  REQUIRE(Run({"--config", dir / "t.conf", "add", "--request", "R-1", "--id", "user_id:1"}).code ==
          0);
  CHECK(Run({"--config", dir / "t.conf", "show", "R-1"}).code == 0);
  {
    EnvVar env("TOMBSTONE_CONFIG", dir / "t.conf");  // the environment names the file too
    CHECK(Run({"show", "R-1"}).code == 0);
    // the environment's store wins over the file's: a store that does not exist
    EnvVar store("TOMBSTONE_STORE", dir / "elsewhere");
    const RunResult missing = Run({"show", "R-1"});
    CHECK(missing.code == 4);
    CHECK(missing.err.find(dir / "elsewhere") != std::string::npos);
    // and the command line's over both (after the command name too)
    CHECK(Run({"show", "R-1", "--store", f.store}).code == 0);
  }
}

TEST_CASE("global settings: a named configuration file must exist and be valid", "[config]") {
  TempDir dir;
  EnvVar no_config("TOMBSTONE_CONFIG", std::nullopt);
  const RunResult missing = Run({"--config", dir / "none.conf", "config"});
  CHECK(missing.code == 2);
  CHECK(missing.err.find("tombstone: unable to read configuration '" + (dir / "none.conf") +
                         "': No such file or directory\n") == 0);
  {
    EnvVar env("TOMBSTONE_CONFIG", dir / "none.conf");
    CHECK(Run({"config"}).code == 2);
  }
  WriteFile(dir / "typo.conf", "stroe = \"/var/lib/tombstone\"\n");
  const RunResult typo = Run({"list", "--config", dir / "typo.conf"});
  CHECK(typo.code == 2);
  CHECK(typo.err.find("unable to read configuration '" + (dir / "typo.conf") +
                      "': line 1: unknown key 'stroe' in the global settings") !=
        std::string::npos);
  // --help needs no configuration
  CHECK(Run({"list", "--config", dir / "typo.conf", "--help"}).code == 0);
}

TEST_CASE("tombstone config lists targets with DSN passwords redacted", "[config][security]") {
  TempDir dir;
  EnvVar no_config("TOMBSTONE_CONFIG", std::nullopt);
  WriteFile(dir / "t.conf",
            "[target.main]\ndsn = \"host=/run/postgresql user=postgres password=hunter2\"\n"
            "[target.main.database.app]\nmap = \"/etc/tombstone/app.toml\"\n"
            "[target.main.database.shop]\nmap = \"/etc/tombstone/shop.toml\"\n"
            "dsn = \"postgresql://u:hunter2@db/shop\"\n"
            "[target.other.database.x]\nmap = \"/m.toml\"\n");
  for (const char* format : {"text", "json", "tsv"}) {
    const RunResult r = Run({"--config", dir / "t.conf", "config", "--format", format});
    INFO(format << "\n" << r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("hunter2") == std::string::npos);
  }
  const RunResult tsv =
      Run({"--config", dir / "t.conf", "config", "--target", "main", "--format", "tsv"});
  CHECK(tsv.out == "main\tapp\t/etc/tombstone/app.toml\nmain\tshop\t/etc/tombstone/shop.toml\n");
  const RunResult text = Run({"--config", dir / "t.conf", "config"});
  CHECK(text.out.find("password=<redacted>") != std::string::npos);
  const RunResult unknown = Run({"--config", dir / "t.conf", "config", "--target", "nope"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("unable to find target 'nope' in configuration") != std::string::npos);
  CHECK(unknown.err.find("HINT: its targets: main, other") != std::string::npos);
}

}  // namespace
}  // namespace tombstone::testing

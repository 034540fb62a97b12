// The configuration file: what it accepts, and every refusal naming the file and the line,
// never quoting a value (a DSN may hold a password).
#include <catch2/catch.hpp>

#include "src/config/config.h"
#include "tests/support/temp_dir.h"

namespace tombstone::config {
namespace {

constexpr const char* kPath = "/etc/tombstone/tombstone.conf";

TEST_CASE("configuration: globals and targets are read in the file's order", "[config]") {
  auto c = Parse(R"(store = "/var/lib/tombstone/store"
key-file = "/etc/tombstone/key"
lock-timeout = 30
log-level = "warn"

[target.zeta]
pgdata = "/var/lib/postgresql/15/main"
dsn = "host=/run/postgresql user=postgres password=s3cret"

[target.zeta.database.shop]
map = "/etc/tombstone/maps/shop.toml"

[target.zeta.database.app]
map = "/etc/tombstone/maps/app.toml"
dsn = "host=db1 dbname=app"

[target.alpha.database.billing]
map = "/etc/tombstone/maps/billing.toml"
)",
                 kPath);
  REQUIRE(c.ok());
  CHECK(c->path == kPath);
  CHECK(c->store == "/var/lib/tombstone/store");
  CHECK(c->key_file == "/etc/tombstone/key");
  CHECK(c->lock_timeout == 30);
  CHECK(c->log_level == LogLevel::kWarn);
  REQUIRE(c->targets.size() == 2);
  CHECK(c->targets[0].name == "zeta");  // file order, not toml++'s sorted order
  CHECK(c->targets[1].name == "alpha");
  const Target& zeta = c->targets[0];
  CHECK(zeta.pgdata == "/var/lib/postgresql/15/main");
  REQUIRE(zeta.databases.size() == 2);
  CHECK(zeta.databases[0].name == "shop");
  CHECK(zeta.databases[0].map == "/etc/tombstone/maps/shop.toml");
  // the target's connection, to this database
  CHECK(zeta.databases[0].dsn ==
        "user=postgres password=s3cret host=/run/postgresql dbname=shop");
  CHECK(zeta.databases[1].dsn == "host=db1 dbname=app");  // its own
  CHECK(c->targets[1].databases[0].dsn == "dbname=billing");  // the libpq environment
  CHECK(c->Find("alpha") == &c->targets[1]);
  CHECK(c->Find("nope") == nullptr);
  CHECK(zeta.Find("app") == &zeta.databases[1]);
}

TEST_CASE("configuration: an empty file sets nothing", "[config]") {
  auto c = Parse("", kPath);
  REQUIRE(c.ok());
  CHECK(!c->store);
  CHECK(!c->lock_timeout);
  CHECK(c->targets.empty());
}

struct Refusal {
  const char* what;
  const char* text;
  const char* message;
};

TEST_CASE("configuration: mistakes are refused with the line, never silently ignored",
          "[config]") {
  const std::vector<Refusal> cases = {
      {"a misspelt global", "store = \"/s\"\nkey_file = \"/k\"\n",
       "line 2: unknown key 'key_file' in the global settings"},
      {"a misspelt target key", "[target.main]\npgdta = \"/d\"\n[target.main.database.app]\n"
                                "map = \"/m.toml\"\n",
       "line 2: unknown key 'pgdta' in [target.main]"},
      {"a misspelt database key", "[target.main.database.app]\nmap = \"/m\"\nmaps = \"/n\"\n",
       "line 3: unknown key 'maps' in [target.main.database.app]"},
      {"a relative store", "store = \"store\"\n",
       "line 1: 'store' in the global settings must be an absolute path"},
      {"a relative map", "[target.t.database.d]\nmap = \"m.toml\"\n",
       "line 2: 'map' in [target.t.database.d] must be an absolute path"},
      {"a database without a map", "[target.t.database.d]\ndsn = \"host=x\"\n",
       "line 1: [target.t.database.d] needs 'map'"},
      {"a target without databases", "[target.t]\npgdata = \"/d\"\n",
       "line 1: [target.t] names no database"},
      {"a lock timeout out of range", "lock-timeout = 86401\n",
       "line 1: 'lock-timeout' must be a number of seconds from 0 to 86400"},
      {"a lock timeout as text", "lock-timeout = \"10\"\n",
       "line 1: 'lock-timeout' must be a number of seconds"},
      {"an unknown log level", "\n\nlog-level = \"verbose\"\n",
       "line 3: 'log-level' must be one of error, warn, info, debug"},
      {"a DSN libpq cannot parse",
       "[target.t]\ndsn = \"host=x password='unclosed\"\n[target.t.database.d]\nmap = \"/m\"\n",
       "line 2: 'dsn' in [target.t]: the connection string is not valid"},
      {"a syntax error", "store = \"/s\"\nkey-file = /k\n", "line 2: "},
  };
  for (const Refusal& c : cases) {
    INFO(c.what);
    auto r = Parse(c.text, kPath);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == tombstones::ExitCode::kUsage);
    CHECK(r.status().message().rfind(std::string("unable to read configuration '") + kPath +
                                         "': ",
                                     0) == 0);
    CHECK(r.status().message().find(c.message) != std::string::npos);
  }
}

TEST_CASE("configuration: no message quotes a password of the file", "[config][security]") {
  const std::vector<std::string> texts = {
      // a syntax error on the password's own line (toml++ would quote what it saw)
      "[target.t]\ndsn = \"host=x password=hunter2\" hunter2\n",
      "[target.t]\ndsn = 'host=x password=hunter2\n",
      "[target.t]\ndsn = \"host=x password='hunter2\"\n[target.t.database.d]\nmap = \"/m\"\n",
      "[target.t]\ndsn = \"postgresql://u:hunter2@h@x/db\"\n[target.t.database.d]\nmap = \"/m\"\n",
      "[target.t.database.d]\nmap = \"/m\"\ndsn = 7\npassword = \"hunter2\"\n",
  };
  for (const std::string& text : texts) {
    INFO(text);
    auto r = Parse(text, kPath);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("hunter2") == std::string::npos);
    CHECK(r.status().message().find(" line ") != std::string::npos);
  }
}

TEST_CASE("configuration: the default path may be missing, a named file may not", "[config]") {
  testing::TempDir dir;
  auto absent = Load(dir / "nothing.conf", /*must_exist=*/false);
  REQUIRE(absent.ok());
  CHECK(absent->path.empty());
  auto named = Load(dir / "nothing.conf", /*must_exist=*/true);
  REQUIRE_FALSE(named.ok());
  CHECK(named.status().code() == tombstones::ExitCode::kUsage);
  CHECK(named.status().message() ==
        "unable to read configuration '" + (dir / "nothing.conf") + "': No such file or directory");
  testing::WriteFile(dir / "bad.conf", "store = \"/s\"\n\nstroe = \"/t\"\n");
  auto bad = Load(dir / "bad.conf", /*must_exist=*/false);  // present: read, and refused
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "unable to read configuration '" + (dir / "bad.conf") +
                                      "': line 3: unknown key 'stroe' in the global settings");
}

TEST_CASE("configuration: log levels by name", "[config]") {
  CHECK(ParseLogLevel("error") == LogLevel::kError);
  CHECK(ParseLogLevel("warn") == LogLevel::kWarn);
  CHECK(ParseLogLevel("info") == LogLevel::kInfo);
  CHECK(ParseLogLevel("debug") == LogLevel::kDebug);
  CHECK(!ParseLogLevel("warning"));
  CHECK(!ParseLogLevel("INFO"));
  CHECK(LogLevelName(LogLevel::kDebug) == "debug");
}

}  // namespace
}  // namespace tombstone::config

// The data map parser: the brief's example parses; each kind of mistake names its line.
#include <catch2/catch.hpp>

#include "src/map/data_map.h"
#include "tests/support/temp_dir.h"

using tombstone::Action;
using tombstone::AnonymizeSet;
using tombstone::ParseDataMap;

namespace {

constexpr const char* kBriefExample = R"([kinds]
email = "email"        # kind name = normalizer
user_id = "exact"

[[table]]
name = "public.users"
match = [ { column = "id", kind = "user_id" }, { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"

[[table]]
name = "public.events"
match = [ { column = "user_id", kind = "user_id" }, { expr = "payload->>'email'", kind = "email" } ]
action = "delete"

[[table]]
name = "invoices"
match = [ { column = "customer_id", kind = "user_id" } ]
action = "anonymize"
set = { billing_name = "null", billing_email = "redact", vat_number = "hash", note = "'it''s gone'", amount = 0 }

[[table]]
name = "public.audit_log"
match = [ { column = "actor_id", kind = "user_id" } ]
action = "retain"
reason = "security log, 1 year, legal obligation"
)";

// Parses `text` expecting failure; returns the message.
std::string ErrorOf(const std::string& text) {
  auto map = ParseDataMap(text, "map.toml");
  REQUIRE_FALSE(map.ok());
  CHECK(map.status().code() == tombstones::ExitCode::kUsage);
  return map.status().message();
}

}  // namespace

TEST_CASE("the brief's example map parses into tables, matches and strategies", "[map]") {
  auto map = ParseDataMap(kBriefExample, "map.toml");
  REQUIRE(map.ok());
  CHECK(map->kinds.at("email") == tombstones::Normalizer::kEmail);
  CHECK(map->kinds.at("user_id") == tombstones::Normalizer::kExact);
  REQUIRE(map->tables.size() == 4);

  const auto& users = map->tables[0];
  CHECK(users.schema == "public");
  CHECK(users.name == "users");
  CHECK(users.line == 5);
  CHECK(users.action == Action::kDelete);
  CHECK(users.created_at == "created_at");
  REQUIRE(users.match.size() == 2);
  CHECK(users.match[1].column == "email");
  CHECK(users.match[1].kind == "email");
  CHECK(users.match[1].line == 7);

  const auto& events = map->tables[1];
  CHECK(events.match[1].expr == "payload->>'email'");
  CHECK(events.match[1].column.empty());

  const auto& invoices = map->tables[2];
  CHECK(invoices.schema == "public");
  CHECK(invoices.action == Action::kAnonymize);
  REQUIRE(invoices.set.size() == 5);
  for (const auto& set : invoices.set) {
    CHECK(set.line == 20);
    if (set.column == "billing_name") CHECK(set.strategy == AnonymizeSet::Strategy::kNull);
    if (set.column == "billing_email") CHECK(set.strategy == AnonymizeSet::Strategy::kRedact);
    if (set.column == "vat_number") CHECK(set.strategy == AnonymizeSet::Strategy::kHash);
    if (set.column == "note") {
      CHECK(set.strategy == AnonymizeSet::Strategy::kLiteral);
      CHECK(set.literal == "it's gone");
    }
    if (set.column == "amount") CHECK(set.literal == "0");
  }
  CHECK(map->tables[3].action == Action::kRetain);
  CHECK(map->tables[3].reason == "security log, 1 year, legal obligation");
  CHECK_FALSE(map->csv.has_value());
}

TEST_CASE("a mistaken map is a usage error naming the line and the cause", "[map]") {
  const std::string kinds = "[kinds]\nemail = \"email\"\n";  // lines 1-2
  SECTION("TOML syntax") {
    CHECK_THAT(ErrorOf(kinds + "[[table]\n"), Catch::Contains("map.toml': line 3:"));
  }
  SECTION("unknown normalizer") {
    CHECK_THAT(ErrorOf("[kinds]\nemail = \"soundex\"\n"),
               Catch::Contains("line 2: kind 'email' has unknown normalizer 'soundex'"));
  }
  SECTION("kind not declared") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"id\", kind = "
                               "\"user_id\" } ]\naction = \"delete\"\n"),
               Catch::Contains("line 5: kind 'user_id' in table 'users' is not declared in [kinds]"));
  }
  SECTION("both column and expr") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"a\", expr = "
                               "\"b\", kind = \"email\" } ]\naction = \"delete\"\n"),
               Catch::Contains("line 5: a match of table 'users' needs exactly one of"));
  }
  SECTION("unknown action") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"e\", kind = "
                               "\"email\" } ]\naction = \"purge\"\n"),
               Catch::Contains("line 6: table 'users': unknown action 'purge'"));
  }
  SECTION("anonymize without set") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"e\", kind = "
                               "\"email\" } ]\naction = \"anonymize\"\n"),
               Catch::Contains("line 3: table 'users': action \"anonymize\" needs set"));
  }
  SECTION("unknown strategy") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"e\", kind = "
                               "\"email\" } ]\naction = \"anonymize\"\nset = { name = \"blur\" }\n"),
               Catch::Contains("line 7: unknown strategy 'blur' for column 'name'"));
  }
  SECTION("set on a delete table") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"e\", kind = "
                               "\"email\" } ]\naction = \"delete\"\nset = { name = \"null\" }\n"),
               Catch::Contains("line 7: table 'users': 'set' is only for action \"anonymize\""));
  }
  SECTION("unknown key") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"e\", kind = "
                               "\"email\" } ]\naction = \"delete\"\nwhere = \"x\"\n"),
               Catch::Contains("line 7: unknown key 'where' in table 'users'"));
  }
  SECTION("table mapped twice") {
    const std::string table = "[[table]]\nname = \"public.users\"\nmatch = [ { column = \"e\", "
                              "kind = \"email\" } ]\naction = \"delete\"\n";
    CHECK_THAT(ErrorOf(kinds + table + table), Catch::Contains("line 7: table 'public.users' is mapped twice"));
  }
  SECTION("nothing to match") {
    CHECK_THAT(ErrorOf(kinds), Catch::Contains("nothing to match"));
  }
  SECTION("keep outside an anonymize table") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"e\", kind = "
                               "\"email\", keep = \"why\" } ]\naction = \"delete\"\n"),
               Catch::Contains("line 5: 'keep' in table 'users' is only for action \"anonymize\""));
  }
  SECTION("an empty keep reason") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"e\", kind = "
                               "\"email\", keep = \"\" } ]\naction = \"anonymize\"\n"
                               "set = { name = \"null\" }\n"),
               Catch::Contains("'keep' in a match of table 'users' must be a non-empty string"));
  }
  SECTION("a guard zone without a guard") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\nmatch = [ { column = \"e\", kind = "
                               "\"email\" } ]\naction = \"delete\"\ncreated_at_zone = \"UTC\"\n"),
               Catch::Contains("line 7: table 'users': 'created_at_zone' needs a 'created_at'"));
  }
  SECTION("a refresh entry with a guard") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"report\"\naction = \"refresh\"\n"
                               "created_at = \"at\"\n"),
               Catch::Contains("line 6: table 'report': a materialized view to refresh takes no"));
  }
  SECTION("a table without match") {
    CHECK_THAT(ErrorOf(kinds + "[[table]]\nname = \"users\"\naction = \"delete\"\n"),
               Catch::Contains("line 3: table 'users' needs 'match'"));
  }
}

TEST_CASE("keep, created_at_zone and refresh entries parse", "[map]") {
  auto map = ParseDataMap(R"([kinds]
email = "email"
user_id = "exact"

[[table]]
name = "invoices"
match = [ { column = "customer_id", kind = "user_id", keep = "tax law" },
          { column = "billing_email", kind = "email" } ]
action = "anonymize"
set = { billing_email = "hash" }
created_at = "issued_on"
created_at_zone = "Europe/Berlin"

[[table]]
name = "report"
action = "refresh"

[[table]]
name = "report_2"
action = "refresh"
match = [ { column = "email", kind = "email" } ]
)",
                          "map.toml");
  REQUIRE(map.ok());
  REQUIRE(map->tables.size() == 3);
  CHECK(map->tables[0].match[0].keep == "tax law");
  CHECK(map->tables[0].match[1].keep.empty());
  CHECK(map->tables[0].created_at_zone == "Europe/Berlin");
  CHECK(map->tables[1].action == Action::kRefresh);
  CHECK(map->tables[1].match.empty());
  CHECK(map->tables[2].match.size() == 1);
  CHECK(tombstone::ActionName(Action::kRefresh) == "refresh");
}

TEST_CASE("the [csv] section maps export headers to kinds", "[map]") {
  auto map = ParseDataMap("[kinds]\nemail = \"email\"\n[csv]\ncolumns = { \"E-Mail\" = \"email\" }\n",
                          "map.toml");
  REQUIRE(map.ok());
  REQUIRE(map->csv.has_value());
  CHECK(map->csv->columns.at("E-Mail") == "email");
  CHECK_THAT(ErrorOf("[kinds]\nemail = \"email\"\n[csv]\ncolumns = { a = \"phone\" }\n"),
             Catch::Contains("line 4: column 'a' in [csv] must name a kind declared in [kinds]"));
}

TEST_CASE("LoadDataMap reads a file and reports a missing one", "[map]") {
  tombstone::testing::TempDir dir;
  const std::string path = dir / "map.toml";
  tombstone::testing::WriteFile(path, kBriefExample);
  auto map = tombstone::LoadDataMap(path);
  REQUIRE(map.ok());
  CHECK(map->tables.size() == 4);
  auto missing = tombstone::LoadDataMap(dir / "nope.toml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == tombstones::ExitCode::kUsage);
  CHECK_THAT(missing.status().message(), Catch::Contains("unable to read data map"));
}

// Discover's per-value work on binary COPY rows made here: every json leaf, array element and
// integer looked up with each kind that reads it, a row counted once per place, places in column
// and path order, and a json value the reader refuses failing the relation (never skipped).
#include "src/discover/relation_scan.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "tests/support/cli_runner.h"
#include "tests/support/temp_dir.h"

namespace {

using tombstone::discover::Candidate;
using tombstone::discover::Place;
using tombstone::discover::Probe;
using tombstone::discover::RelationScan;
using tombstone::match::TombstoneTable;
using tombstone::match::ValueClass;
using tombstone::pg::Wire;

const std::string kHeader("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);

std::string BigEndian(std::uint64_t v, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return out;
}
std::string Field(const std::string& bytes) { return BigEndian(bytes.size(), 4) + bytes; }
std::string Row(const std::string& json, const std::string& text, std::int64_t number) {
  return BigEndian(3, 2) + Field(json) + Field(text) +
         Field(BigEndian(static_cast<std::uint64_t>(number), 8));
}

// A store holding alice (email, R-1) and user 4471 (user_id, R-2), and the scan's inputs.
struct Fixture {
  Fixture() : store(dir.path()) {
    REQUIRE(store.Run({"add", "--request", "R-1", "--id", "email:alice@example.com"}).code == 0);
    REQUIRE(store.Run({"add", "--request", "R-2", "--id", "user_id:4471"}).code == 0);
    auto loaded = tombstones::Key::Load(store.key);
    REQUIRE(loaded.ok());
    key = std::make_unique<tombstones::Key>(std::move(loaded.value()));
    tombstones::Store::Options store_options;
    store_options.dir = store.store;
    store_options.key = key.get();
    auto opened = tombstones::Store::Open(store_options);
    REQUIRE(opened.ok());
    auto loaded_table = TombstoneTable::Load(*opened.value());
    REQUIRE(loaded_table.ok());
    table = std::make_unique<TombstoneTable>(std::move(loaded_table.value()));
    for (const auto& [kind, normalizer] : table->kinds())
      probes.push_back({kind, normalizer, key->ForKind(kind)});
  }

  // payload json, note text, account bigint: each read by every kind that reads its type.
  RelationScan Scan() const {
    std::vector<Candidate> candidates(3);
    candidates[0].name = "payload";
    candidates[0].source.value = ValueClass::kJson;
    candidates[1].name = "note";
    candidates[1].source.value = ValueClass::kText;
    candidates[2].name = "account";
    candidates[2].source.value = ValueClass::kInteger;
    candidates[2].wire = Wire::kInt8;
    for (Candidate& c : candidates)
      for (std::size_t p = 0; p < probes.size(); ++p)
        if (tombstone::match::Accepts(probes[p].normalizer, c.source)) c.probes.push_back(p);
    return RelationScan(*table, probes, std::move(candidates), options, Place{});
  }

  tombstone::testing::TempDir dir;
  tombstone::testing::StoreFixture store;
  std::unique_ptr<tombstones::Key> key;
  std::unique_ptr<TombstoneTable> table;
  std::vector<Probe> probes;
  tombstone::discover::Options options;
};

std::string Where(const Place& p) { return p.column + (p.path.empty() ? "" : ":" + p.path); }

}  // namespace

TEST_CASE("discover's scan finds subjects in json leaves, text and integers, a row once a place",
          "[discover]") {
  Fixture f;
  RelationScan scan = f.Scan();
  scan.Add(kHeader + Row(R"({"n": 4471, "to": ["x@example.org", "ALICE@example.com"],)"
                         R"( "big": 1e400, "contact": {"email": " alice@example.com"}})",
                         "nothing", 7));
  scan.Add(Row(R"({"to": ["alice@example.com", "Alice@Example.COM"]})", "alice@example.com", 4471));
  scan.Add(Row(R"({"n": 4471.0, "to": "bob@example.org"})", "write to alice@example.com", 1));
  scan.Add(BigEndian(static_cast<std::uint16_t>(-1), 2));  // the trailer
  REQUIRE(scan.error().empty());
  CHECK(scan.scanned() == 3);
  const std::vector<Place> places = scan.Finish();
  std::vector<std::string> where;
  for (const Place& p : places) where.push_back(Where(p));
  // Column order, then path order; "4471.0" is not user 4471, free text is not read as tokens.
  CHECK(where == std::vector<std::string>{"payload:contact.email", "payload:n", "payload:to[]",
                                          "note", "account"});
  for (const Place& p : places) {
    INFO(Where(p));
    CHECK(p.rows_scanned == 3);
    if (Where(p) == "payload:to[]") {
      CHECK(p.rows_found == 2);  // twice in the second row: counted once
      CHECK(p.kinds == std::set<std::string>{"email"});
      CHECK(p.requests == std::vector<std::string>{"R-1"});
    } else if (Where(p) == "payload:n" || Where(p) == "account") {
      CHECK(p.rows_found == 1);
      CHECK(p.kinds == std::set<std::string>{"user_id"});
      CHECK(p.requests == std::vector<std::string>{"R-2"});
    } else {
      CHECK(p.rows_found == 1);
    }
  }
}

TEST_CASE("discover's scan tries the email-shaped words of text with --tokens", "[discover]") {
  Fixture f;
  f.options.tokens = true;
  RelationScan scan = f.Scan();
  scan.Add(kHeader + Row("{}", "please write to Alice@example.com.", 1));
  REQUIRE(scan.error().empty());
  const std::vector<Place> places = scan.Finish();
  REQUIRE(places.size() == 1);
  CHECK(places[0].column == "note");
  CHECK(places[0].tokens);
  CHECK(places[0].kinds == std::set<std::string>{"email"});
}

TEST_CASE("discover's scan fails the relation on a json value it cannot read", "[discover]") {
  Fixture f;
  RelationScan scan = f.Scan();
  scan.Add(kHeader + Row(R"({"to": "alice@example.com"})", "", 1));
  scan.Add(Row(R"({"to": ["x@example.org", )", "", 2));  // cut short
  CHECK(scan.error() ==
        "malformed binary COPY data: a value of column 'payload' that is not "
        "valid JSON");
  scan.Add(Row(R"({"to": "alice@example.com"})", "", 3));  // nothing more is read
  CHECK(scan.scanned() == 2);
}

// Which types each normalizer reads: a source of any other type is refused by the map check,
// since it could never match (issue: an integer column under kind 'email' said "clean").
#include "src/match/value_types.h"

#include <catch2/catch.hpp>

namespace {

using tombstone::match::Accepts;
using tombstone::match::SourceType;
using tombstone::match::SourceTypeOf;
using tombstones::Normalizer;

struct Case {
  const char* type;
  std::uint32_t oid;
  char category;
  std::uint32_t element;
  char element_category;
  bool email, exact, digits;
};

}  // namespace

TEST_CASE("each normalizer reads its types, their arrays and json", "[match]") {
  const Case cases[] = {
      {"text", 25, 'S', 0, 'X', true, true, true},
      {"varchar", 1043, 'S', 0, 'X', true, true, true},
      {"char(n)", 1042, 'S', 0, 'X', true, true, true},
      {"name", 19, 'S', 0, 'X', true, true, true},
      {"citext (an extension's string type)", 16500, 'S', 0, 'X', true, true, true},
      {"smallint", 21, 'N', 0, 'X', false, true, true},
      {"integer", 23, 'N', 0, 'X', false, true, true},
      {"bigint", 20, 'N', 0, 'X', false, true, true},
      {"uuid", 2950, 'U', 0, 'X', false, true, false},
      {"json", 114, 'U', 0, 'X', true, true, true},
      {"jsonb", 3802, 'U', 0, 'X', true, true, true},
      {"numeric", 1700, 'N', 0, 'X', false, false, false},
      {"real", 700, 'N', 0, 'X', false, false, false},
      {"inet", 869, 'I', 0, 'X', false, false, false},
      {"bytea", 17, 'U', 0, 'X', false, false, false},
      {"timestamptz", 1184, 'D', 0, 'X', false, false, false},
      {"boolean", 16, 'B', 0, 'X', false, false, false},
      {"text[]", 1009, 'A', 25, 'S', true, true, true},
      {"bigint[]", 1016, 'A', 20, 'N', false, true, true},
      {"uuid[]", 2951, 'A', 2950, 'U', false, true, false},
      {"jsonb[] (arrays of json are not read)", 3807, 'A', 3802, 'U', false, false, false},
      {"numeric[]", 1231, 'A', 1700, 'N', false, false, false},
  };
  for (const Case& c : cases) {
    INFO(c.type);
    const SourceType type = SourceTypeOf(c.oid, c.category, c.element, c.element_category);
    CHECK(Accepts(Normalizer::kEmail, type) == c.email);
    CHECK(Accepts(Normalizer::kExact, type) == c.exact);
    CHECK(Accepts(Normalizer::kDigits, type) == c.digits);
  }
}

TEST_CASE("arrays and json give several values a row, scalars one", "[match]") {
  CHECK_FALSE(SourceTypeOf(25, 'S', 0, 'X').Many());
  CHECK(SourceTypeOf(1009, 'A', 25, 'S').Many());
  CHECK(SourceTypeOf(3802, 'U', 0, 'X').Many());
  CHECK(tombstone::match::AcceptedTypes(Normalizer::kEmail).find("arrays") != std::string::npos);
}

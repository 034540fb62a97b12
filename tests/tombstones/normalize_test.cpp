// Normalization: one subject, one normalized form (docs/store-format.md, "Normalization").
#include <catch2/catch.hpp>

#include "tombstones/tombstones.h"

using tombstones::Normalize;
using tombstones::Normalizer;

namespace {

std::string Normalized(Normalizer n, std::string_view raw) {
  std::string out;
  if (!Normalize(n, raw, &out)) return "<rejected>";
  return out;
}

}  // namespace

TEST_CASE("email normalization trims and folds case, ASCII and Unicode alike", "[store]") {
  struct Row {
    std::string_view raw, expected;
  };
  const Row table[] = {
      {"alice@example.com", "alice@example.com"},
      {"Alice@Example.COM", "alice@example.com"},
      {"  alice@example.com \t\r\n", "alice@example.com"},
      {"\xC2\xA0" "Bob@X.org\xE2\x80\x83", "bob@x.org"},          // NBSP and EM SPACE trimmed
      {"\xC3\x89lodie@Ex\xC3\xA4mple.com", "\xC3\xA9lodie@ex\xC3\xA4mple.com"},  // É -> é
      {"E\xCC\x81lodie@ex\xC3\xA4mple.com", "\xC3\xA9lodie@ex\xC3\xA4mple.com"}, // decomposed É
      {"\xEF\xBC\xAA\xEF\xBD\x8F\xEF\xBD\x88\xEF\xBD\x8E@example.com", "john@example.com"},  // fullwidth
      {"Stra\xC3\x9F" "e@x.de", "strasse@x.de"},                  // case folding: ß -> ss
      {"   ", "<rejected>"},
      {"", "<rejected>"},
      {"\xFF\xFE@x", "<rejected>"},                                // invalid UTF-8
  };
  for (const Row& row : table) {
    INFO("raw value #" << (&row - table));
    CHECK(Normalized(Normalizer::kEmail, row.raw) == row.expected);
  }
}

TEST_CASE("digits keeps only the digits, exact keeps everything", "[store]") {
  CHECK(Normalized(Normalizer::kDigits, "+44 (20) 7946-0958") == "442079460958");
  CHECK(Normalized(Normalizer::kDigits, "0044 20 7946 0958") == "00442079460958");
  CHECK(Normalized(Normalizer::kDigits, "n/a") == "<rejected>");
  CHECK(Normalized(Normalizer::kExact, " 42") == " 42");
  CHECK(Normalized(Normalizer::kExact, "ABC") == "ABC");
  CHECK(Normalized(Normalizer::kExact, "") == "<rejected>");
}

TEST_CASE("kinds get a default normalizer and must be simple names", "[store]") {
  CHECK(tombstones::DefaultNormalizerFor("email") == Normalizer::kEmail);
  CHECK(tombstones::DefaultNormalizerFor("phone") == Normalizer::kDigits);
  CHECK(tombstones::DefaultNormalizerFor("user_id") == Normalizer::kExact);
  CHECK(tombstones::IsValidKindName("user_id"));
  CHECK(tombstones::IsValidKindName("crm-id2"));
  CHECK_FALSE(tombstones::IsValidKindName("Email"));
  CHECK_FALSE(tombstones::IsValidKindName(""));
  CHECK_FALSE(tombstones::IsValidKindName(std::string(65, 'a')));
  CHECK(tombstones::ParseNormalizer("digits").value() == Normalizer::kDigits);
  CHECK(tombstones::ParseNormalizer("soundex").status().code() == tombstones::ExitCode::kUsage);
}

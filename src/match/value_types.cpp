#include "src/match/value_types.h"

namespace tombstone::match {
namespace {

// pg_type oids of the built-in types that matter here (catalog/pg_type.dat; fixed forever).
constexpr std::uint32_t kInt8 = 20, kInt2 = 21, kInt4 = 23, kJson = 114, kUuid = 2950,
                        kJsonb = 3802;

}  // namespace

ValueClass ClassOf(std::uint32_t oid, char category) {
  if (category == 'S') return ValueClass::kText;
  if (oid == kInt2 || oid == kInt4 || oid == kInt8) return ValueClass::kInteger;
  if (oid == kUuid) return ValueClass::kUuid;
  if (oid == kJson || oid == kJsonb) return ValueClass::kJson;
  return ValueClass::kOther;
}

SourceType SourceTypeOf(std::uint32_t oid, char category, std::uint32_t element_oid,
                        char element_category) {
  if (category != 'A') return {ClassOf(oid, category), false};
  const ValueClass element = ClassOf(element_oid, element_category);
  if (element == ValueClass::kText || element == ValueClass::kInteger ||
      element == ValueClass::kUuid)
    return {element, true};
  return {ValueClass::kOther, true};
}

bool Accepts(tombstones::Normalizer n, SourceType type) {
  switch (type.value) {
    case ValueClass::kText:
    case ValueClass::kJson:
      return true;
    case ValueClass::kInteger:
      return n == tombstones::Normalizer::kExact || n == tombstones::Normalizer::kDigits;
    case ValueClass::kUuid:
      return n == tombstones::Normalizer::kExact;
    case ValueClass::kOther:
      return false;
  }
  return false;
}

std::string AcceptedTypes(tombstones::Normalizer n) {
  const std::string text = "text-like types (text, varchar, char, citext, name and domains over them)";
  std::string types;
  switch (n) {
    case tombstones::Normalizer::kEmail:
      types = text;
      break;
    case tombstones::Normalizer::kExact:
      types = text + ", integers and uuid";
      break;
    case tombstones::Normalizer::kDigits:
      types = text + " and integers";
      break;
  }
  return types + ", arrays of those, and json/jsonb (every string and number inside)";
}

}  // namespace tombstone::match

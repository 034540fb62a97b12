// Which column types can hold an identifier of each normalizer, and how a match source of such
// a type is read: one value, or each element of an array, or each string and number inside a
// json value. A source of any other type can never match and is refused by the map check.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstone::match {

// What a value of a base type is to the matcher.
enum class ValueClass {
  kText,     // text, varchar, char(n), citext, name (typcategory S)
  kInteger,  // smallint, integer, bigint
  kUuid,
  kJson,     // json, jsonb: every string and number inside is a value
  kOther,    // cannot hold an identifier of any kind
};

// `oid` and `category` of a base type (domains looked through).
ValueClass ClassOf(std::uint32_t oid, char category);

// How a source arrives: its values and whether they come one per row or several.
struct SourceType {
  ValueClass value = ValueClass::kOther;
  bool array = false;  // an array of `value` (every element is matched)
  // The values a row gives: one for a scalar, several for an array or a json value.
  bool Many() const { return array || value == ValueClass::kJson; }
};

// From a base type: arrays of text, integers or uuids are element-wise; arrays of anything else
// (including json) are kOther.
SourceType SourceTypeOf(std::uint32_t oid, char category, std::uint32_t element_oid,
                        char element_category);

// Whether values of `type` can be identifiers of a kind with normalizer `n`: email takes text;
// exact takes text, integers and uuids; digits takes text and integers; json values and arrays
// of an accepted type are accepted.
bool Accepts(tombstones::Normalizer n, SourceType type);

// "text-like types (text, varchar, char, citext, name and domains over them), arrays of them
// and json/jsonb", for messages.
std::string AcceptedTypes(tombstones::Normalizer n);

}  // namespace tombstone::match

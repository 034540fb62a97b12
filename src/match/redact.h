// The markers the 'redact' strategy writes, one table for replay (which knows a column's type
// category from the catalog) and the exports (which know only the type name a dump prints).
#pragma once

#include <string>
#include <string_view>

namespace tombstone::match {

// The marker for a column whose base type has pg_type.typcategory `category` and whose type
// format_type() / pg_dump prints as `type`: "[redacted]" for strings, 0 for numbers and
// intervals, false, the epoch for dates and times, 0.0.0.0, {} for arrays and json, the zero
// uuid, an empty bytea. Empty when the type has none (the strategy is refused). The text is
// cast to the column's type by the server (a varchar(n) keeps n characters).
std::string RedactMarker(char category, std::string_view type);

// The category of a type as pg_dump prints it in CREATE TABLE, with no catalog at hand: 'S', 'N',
// 'B', 'D', 'T', 'I', 'A' (an array), 'U' (uuid, json, jsonb, bytea), else 'X' (a domain, an
// enum, a type of an extension: unknown).
char DumpTypeCategory(std::string_view type);

}  // namespace tombstone::match

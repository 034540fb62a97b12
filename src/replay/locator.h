// How rows found by a scan are addressed again to change them: by their locator (primary key,
// else ctid), a batch at a time, the values always sent as array parameters.
#pragma once

#include <string>
#include <vector>

#include "src/replay/scan.h"

namespace tombstone::replay {

// Rows per DELETE or UPDATE statement.
inline constexpr std::size_t kBatchRows = 10000;

// A condition true for the rows of a batch: `alias.id = ANY($n::bigint[])` for a one-column
// locator, `(alias.a, alias.b) IN (SELECT * FROM unnest($n::t1[], $n+1::t2[]))` otherwise.
// Uses parameters first_param .. first_param + locator columns - 1.
std::string LocatorCondition(const TablePlan& plan, const std::string& alias, int first_param);

// The parameters of LocatorCondition for rows [begin, end): one array literal per column.
std::vector<std::string> LocatorParams(const RowsToChange& rows, std::size_t begin,
                                       std::size_t end, std::size_t columns);

// The same for rows in their plain form (packed first, then read back like the scan's rows).
std::vector<std::string> LocatorParams(const std::vector<RowToChange>& rows, std::size_t begin,
                                       std::size_t end, std::size_t columns);

// A PostgreSQL array literal of text values ({"a","b"}); null elements become NULL.
std::string ArrayLiteral(const std::vector<const std::string*>& values);
// Appends one element to an array literal under construction (the caller writes '{', the
// commas and '}'); `null` writes NULL.
void AppendArrayElement(std::string* literal, std::string_view value, bool null);

}  // namespace tombstone::replay

// The created_at guard's value as the binary COPY sends it: a date is days since 2000-01-01, a
// timestamp (with or without time zone) microseconds since 2000-01-01 00:00 UTC; the largest and
// smallest values of each stand for 'infinity' and '-infinity'. Only matched rows are read.
#pragma once

#include <optional>
#include <string_view>

#include "src/pg/copy_binary.h"
#include "tombstones/tombstones.h"

namespace tombstone::replay {

// Microseconds since the Unix epoch (UTC); a timestamp without time zone counts as UTC.
// 'infinity' is the largest value, '-infinity' the smallest; a date past what microseconds since
// 1970 can hold (beyond about 294,000 AD either way) saturates to them. nullopt when `wire` is
// not kDate or kTimestamp or `raw` has the wrong size.
std::optional<tombstones::Micros> GuardTime(pg::Wire wire, std::string_view raw);

}  // namespace tombstone::replay

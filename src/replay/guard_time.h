// The created_at guard's value as the server prints it in a session with DateStyle ISO and
// TimeZone UTC (set by pg::Session): "2024-06-01", "2024-06-01 12:00:00",
// "2024-06-01 12:00:00.25+00", "+05:30" offsets, " BC", "infinity", "-infinity". Streaming the
// column as it is costs the server nothing; only matched rows are parsed.
#pragma once

#include <optional>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstone::replay {

// Microseconds since the epoch (UTC); a time without an offset counts as UTC. "infinity" is the
// largest value, "-infinity" and BC dates the smallest. nullopt for text it cannot read.
std::optional<tombstones::Micros> ParseGuardTime(std::string_view text);

}  // namespace tombstone::replay

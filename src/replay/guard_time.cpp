#include "src/replay/guard_time.h"

#include <limits>

namespace tombstone::replay {
namespace {

constexpr std::int64_t kUnixToPostgresDays = 10957;  // 1970-01-01 .. 2000-01-01
constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr std::int64_t kUnixToPostgresMicros = kUnixToPostgresDays * kMicrosPerDay;

}  // namespace

std::optional<tombstones::Micros> GuardTime(pg::Wire wire, std::string_view raw) {
  constexpr auto kMax = std::numeric_limits<tombstones::Micros>::max();
  constexpr auto kMin = std::numeric_limits<tombstones::Micros>::min();
  if (wire == pg::Wire::kDate && raw.size() == 4) {
    const std::int32_t days = pg::ReadInt32(raw.data());
    if (days == std::numeric_limits<std::int32_t>::max()) return kMax;
    if (days == std::numeric_limits<std::int32_t>::min()) return kMin;
    // Dates run to 5874897 AD, microseconds since 1970 only to about 294,000 AD: saturate as
    // timestamps do, never wrap (found by fuzzing).
    constexpr std::int64_t kLastDay = kMax / kMicrosPerDay - kUnixToPostgresDays;
    constexpr std::int64_t kFirstDay = kMin / kMicrosPerDay - kUnixToPostgresDays;
    if (days > kLastDay) return kMax;
    if (days < kFirstDay) return kMin;
    return (days + kUnixToPostgresDays) * kMicrosPerDay;
  }
  if (wire == pg::Wire::kTimestamp && raw.size() == 8) {
    const std::int64_t micros = pg::ReadInt64(raw.data());
    if (micros == kMax || micros == kMin) return micros;
    // Timestamps end in 294276 AD, close enough to the int64 range to saturate rather than wrap.
    if (micros > kMax - kUnixToPostgresMicros) return kMax;
    return micros + kUnixToPostgresMicros;
  }
  return std::nullopt;
}

}  // namespace tombstone::replay

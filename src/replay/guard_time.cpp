#include "src/replay/guard_time.h"

#include <chrono>
#include <limits>

namespace tombstone::replay {
namespace {

// Reads exactly `digits` digits (or, when digits == 0, one or more) at `pos`.
bool ReadNumber(std::string_view s, std::size_t& pos, std::size_t digits, long long* out) {
  const std::size_t start = pos;
  long long v = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && (digits == 0 || pos - start < digits))
    v = v * 10 + (s[pos++] - '0');
  *out = v;
  return pos > start && (digits == 0 || pos - start == digits);
}

bool Expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<tombstones::Micros> ParseGuardTime(std::string_view s) {
  constexpr auto kMax = std::numeric_limits<tombstones::Micros>::max();
  constexpr auto kMin = std::numeric_limits<tombstones::Micros>::min();
  if (s == "infinity") return kMax;
  if (s == "-infinity") return kMin;
  if (s.size() > 3 && s.substr(s.size() - 3) == " BC") return kMin;
  std::size_t pos = 0;
  long long year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
  if (!ReadNumber(s, pos, 0, &year) || !Expect(s, pos, '-') || !ReadNumber(s, pos, 2, &month) ||
      !Expect(s, pos, '-') || !ReadNumber(s, pos, 2, &day))
    return std::nullopt;
  if (year > 200000) return kMax;  // beyond what microseconds since 1970 can hold
  if (pos < s.size()) {
    if (!Expect(s, pos, ' ') || !ReadNumber(s, pos, 2, &hour) || !Expect(s, pos, ':') ||
        !ReadNumber(s, pos, 2, &minute) || !Expect(s, pos, ':') || !ReadNumber(s, pos, 2, &second))
      return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      const std::size_t start = pos;
      long long fraction = 0;
      if (!ReadNumber(s, pos, 0, &fraction) || pos - start > 6) return std::nullopt;
      for (std::size_t d = pos - start; d < 6; ++d) fraction *= 10;
      micros = fraction;
    }
    if (pos < s.size()) {  // an offset: +HH, +HH:MM or +HH:MM:SS
      const int sign = s[pos] == '-' ? -1 : 1;
      if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
      ++pos;
      long long oh = 0, om = 0, os = 0;
      if (!ReadNumber(s, pos, 2, &oh)) return std::nullopt;
      if (pos < s.size() && (!Expect(s, pos, ':') || !ReadNumber(s, pos, 2, &om)))
        return std::nullopt;
      if (pos < s.size() && (!Expect(s, pos, ':') || !ReadNumber(s, pos, 2, &os)))
        return std::nullopt;
      if (pos != s.size()) return std::nullopt;
      const long long offset = sign * (oh * 3600 + om * 60 + os);
      second -= offset;  // local time minus its offset is UTC
    }
  }
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(static_cast<int>(year)),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const long long days = sys_days(date).time_since_epoch().count();
  return ((days * 86400 + hour * 3600 + minute * 60 + second) * 1000000) + micros;
}

}  // namespace tombstone::replay

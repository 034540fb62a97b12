// RFC 3339 time parsing and formatting, UTC microseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "tombstones/tombstones.h"

namespace tombstones {
namespace {

// Howard Hinnant's days_from_civil: proleptic Gregorian date to days since 1970-01-01.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2));
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool Digits(int n, int* out) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9') return false;
      v = v * 10 + (s_[pos_++] - '0');
    }
    *out = v;
    return true;
  }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool EatAny(std::string_view set) {
    if (pos_ < s_.size() && set.find(s_[pos_]) != std::string_view::npos) return ++pos_, true;
    return false;
  }
  bool AtDigit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }
  bool Done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

Micros Now() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<Micros> ParseTime(std::string_view text) {
  // The text is not quoted: a time column read from a file may hold anything, even an
  // identifier when the columns are shifted (the caller names the line and column).
  const auto bad = [] {
    return Status::Usage("unable to parse time: expected RFC 3339, e.g. 2026-01-31T12:00:00Z");
  };
  Cursor c(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!c.Digits(4, &year) || !c.Eat('-') || !c.Digits(2, &month) || !c.Eat('-') ||
      !c.Digits(2, &day))
    return bad();
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 ||
      day > kDaysInMonth[month - 1] + (month == 2 && IsLeap(year)))
    return bad();
  std::int64_t micros = 0, offset_seconds = 0;
  if (!c.Done()) {
    if (!c.EatAny("Tt ")) return bad();
    if (!c.Digits(2, &hour) || !c.Eat(':') || !c.Digits(2, &minute) || !c.Eat(':') ||
        !c.Digits(2, &second))
      return bad();
    if (hour > 23 || minute > 59 || second > 60) return bad();
    if (c.Eat('.')) {
      int digits = 0;
      if (!c.AtDigit()) return bad();
      while (c.AtDigit()) {
        int d = 0;
        (void)c.Digits(1, &d);
        if (digits < 6) micros = micros * 10 + d;
        ++digits;
      }
      for (; digits < 6; ++digits) micros *= 10;
    }
    if (c.EatAny("Zz")) {
      // UTC
    } else {
      const bool plus = c.Eat('+');
      if (!plus && !c.Eat('-')) return bad();
      int oh = 0, om = 0;
      if (!c.Digits(2, &oh) || !c.Eat(':') || !c.Digits(2, &om) || oh > 23 || om > 59)
        return bad();
      offset_seconds = (oh * 3600 + om * 60) * (plus ? 1 : -1);
    }
    if (!c.Done()) return bad();
  }
  const std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(month),
                                          static_cast<unsigned>(day));
  const std::int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + std::min(second, 59) - offset_seconds;
  const Micros t = seconds * 1000000 + micros;  // |seconds| < 2^39: no overflow
  // An offset can push year 0000 or 9999 past the range.
  if (t < kMinTime || t > kMaxTime)
    return Status::Usage("unable to parse time: outside the years 0000 to 9999 (UTC)");
  return t;
}

std::string FormatTime(Micros t) {
  std::int64_t seconds = t / 1000000;
  std::int64_t frac = t % 1000000;
  if (frac < 0) frac += 1000000, seconds -= 1;
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) rem += 86400, days -= 1;
  int y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  if (frac == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", y, m, d,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60), static_cast<int>(frac));
  }
  return buf;
}

}  // namespace tombstones

#include "src/cli/options.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace tombstone {

Result<tombstones::Micros> TimeOption(const Context& ctx, const std::string& name) {
  auto t = tombstones::ParseTime(ctx.Get<std::string>(name));
  if (t.ok()) return t;
  // "unable to parse time: <why>" -> "unable to parse --NAME: <why>"
  const std::string message = t.status().message();
  const std::size_t colon = message.find(": ");
  return Status::Usage("unable to parse --" + name +
                       (colon == std::string::npos ? std::string() : message.substr(colon)));
}

Result<std::int64_t> ParseInteger(std::string_view text, std::int64_t min, std::int64_t max,
                                  const std::string& what) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
    return Status::Usage("unable to parse " + what + ": expected a whole number from " +
                         std::to_string(min) + " to " + std::to_string(max));
  return v;
}

Result<double> ParseSeconds(std::string_view text, double max_seconds, const std::string& what) {
  const std::string copy(text);  // strtod needs a terminated string
  char* end = nullptr;
  const double v = copy.empty() ? -1 : std::strtod(copy.c_str(), &end);
  if (copy.empty() || *end != '\0' || !std::isfinite(v) || v < 0 || v > max_seconds)
    return Status::Usage("unable to parse " + what + ": expected a number of seconds from 0 to " +
                         std::to_string(static_cast<long long>(max_seconds)));
  return v;
}

}  // namespace tombstone

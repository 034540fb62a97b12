// Values of options that are not plain text: times and numbers, range-checked. A value out of
// range is a usage error (exit 2), never wrapped, rounded into range or passed on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/cli/command.h"

namespace tombstone {

// --NAME as RFC 3339 (tombstones::ParseTime). REQUIRES: ctx.Has(name). kUsage naming the
// option (not the value) when it is not a time, or outside the years 0000 to 9999.
Result<tombstones::Micros> TimeOption(const Context& ctx, const std::string& name);

// `text` as a decimal integer in [min, max]; kUsage naming `what` ("--retention-full") when it
// is not one, or out of range.
Result<std::int64_t> ParseInteger(std::string_view text, std::int64_t min, std::int64_t max,
                                  const std::string& what);

// `text` as a finite number of seconds in [0, max_seconds] ("inf", "nan", "1e999" refused).
Result<double> ParseSeconds(std::string_view text, double max_seconds, const std::string& what);

}  // namespace tombstone

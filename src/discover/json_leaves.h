// The strings and numbers inside a JSON text, each with its path ("contact.email",
// "emails[]": array positions are not told apart, so that a place is one path for every row).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace tombstone::discover {

// Calls `leaf(path, value)` for every string (its text) and number (as written for floats, in
// decimal for integers) of `json`, in document order; the top-level value has the empty path.
// false when `json` is not valid JSON (leaves seen before the error were still given).
bool ForEachJsonLeaf(std::string_view json,
                     const std::function<void(const std::string& path, std::string_view value)>& leaf);

}  // namespace tombstone::discover

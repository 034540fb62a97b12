// JSON text for output. nlohmann-json's dump() throws (type_error 316) on a string that is not
// UTF-8, and stored text (a request id, a hold reason, a backup id) may be anything: such bytes
// are written as U+FFFD instead.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace tombstone::io {

// `indent` as for nlohmann::json::dump: -1 for one line. Never throws but std::bad_alloc.
inline std::string JsonText(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tombstone::io

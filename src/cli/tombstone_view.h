// How a tombstone is shown: the same fields in every listing, never an identifier in the clear.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tombstones/tombstones.h"

namespace tombstone {

// "email:3fa2b1c9d0e1 user_id:88e01a2b3c4d" (kind and hash prefix).
std::string IdentifierSummary(const tombstones::Tombstone& t);
nlohmann::json TombstoneJson(const tombstones::Tombstone& t);

}  // namespace tombstone

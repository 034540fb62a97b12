// How a tombstone is shown: the same fields in every listing, never an identifier in the clear.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone {

// "email:3fa2b1c9d0e1 user_id:88e01a2b3c4d" (kind and hash prefix).
std::string IdentifierSummary(const tombstones::Tombstone& t);
nlohmann::json TombstoneJson(const tombstones::Tombstone& t);

// The user of a history event, "unknown" when it was not recorded.
std::string UserText(const tombstones::Actor& actor);
// {"event", "at", "user" (null when unknown), "reason"}, and for a retraction the dates of the
// tombstone removed.
nlohmann::json HistoryEventJson(const tombstones::HistoryEvent& e);

}  // namespace tombstone

#include "src/cli/tombstone_view.h"

namespace tombstone {

std::string IdentifierSummary(const tombstones::Tombstone& t) {
  std::string s;
  for (const auto& id : t.identifiers) {
    if (!s.empty()) s += ' ';
    s += id.kind + ':' + id.hash.Prefix();
  }
  return s;
}

nlohmann::json TombstoneJson(const tombstones::Tombstone& t) {
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& id : t.identifiers)
    ids.push_back({{"kind", id.kind},
                   {"normalizer", std::string(tombstones::NormalizerName(id.normalizer))},
                   {"hash", id.hash.Hex()}});
  nlohmann::json j = {{"request", t.request_id},
                      {"erased_at", tombstones::FormatTime(t.erased_at)},
                      {"recorded_at", tombstones::FormatTime(t.recorded_at)},
                      {"identifiers", std::move(ids)},
                      {"hold", nullptr},
                      {"note", t.note}};
  if (t.hold_reason)
    j["hold"] = {{"reason", *t.hold_reason}, {"since", tombstones::FormatTime(t.held_at)}};
  return j;
}

}  // namespace tombstone

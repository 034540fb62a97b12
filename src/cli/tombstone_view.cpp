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

namespace tombstone {

std::string UserText(const tombstones::Actor& actor) {
  return actor.user.empty() ? "unknown" : actor.user;
}

nlohmann::json HistoryEventJson(const tombstones::HistoryEvent& e) {
  nlohmann::json j = {
      {"request", e.request_id},
      {"event", std::string(tombstones::HistoryKindName(e.kind))},
      {"at", tombstones::FormatTime(e.actor.at)},
      {"user", e.actor.user.empty() ? nlohmann::json() : nlohmann::json(e.actor.user)},
      {"reason", e.reason}};
  if (e.kind == tombstones::HistoryEvent::Kind::kRetract) {
    j["erased_at"] = tombstones::FormatTime(e.erased_at);
    j["recorded_at"] = tombstones::FormatTime(e.recorded_at);
  }
  return j;
}

}  // namespace tombstone

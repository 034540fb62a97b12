#include "src/replay/receipt.h"

#include <algorithm>
#include <set>
#include <nlohmann/json.hpp>

#include "src/io/table_text.h"

namespace tombstone::replay {
namespace {

using nlohmann::json;

json Optional(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// One value of the server's, or nullopt when it has none or the role may not read it.
std::optional<std::string> Probe(pg::Session& session, const std::string& what,
                                 const std::string& sql) {
  auto row = session.Query(what, sql, {}, pg::Shape::kOneRow);
  if (!row.ok() || row.value()[0][0].is_null()) return std::nullopt;
  return std::string(row.value()[0][0].c_str());
}

}  // namespace

Result<Snapshot> ReadSnapshot(pg::Session& session, const std::string& label) {
  Snapshot s;
  s.label = label;
  auto basics = session.Query("read the server's identity",
                              "SELECT current_database(), current_setting('server_version'),"
                              " pg_is_in_recovery()",
                              {}, pg::Shape::kOneRow);
  if (!basics.ok()) return basics.status();
  s.database = basics.value()[0][0].c_str();
  s.server_version = basics.value()[0][1].c_str();
  auto in_recovery = pg::Value<bool>(basics.value()[0], 2, "read the server's identity");
  if (!in_recovery.ok()) return in_recovery.status();
  s.in_recovery = in_recovery.value();
  // pg_control_* may be restricted to superusers: each is optional.
  s.system_identifier = Probe(session, "read the system identifier",
                              "SELECT system_identifier::text FROM pg_control_system()");
  if (auto tl =
          Probe(session, "read the timeline", "SELECT timeline_id FROM pg_control_checkpoint()"))
    s.timeline = std::stol(*tl);
  if (auto ts = Probe(
          session, "read the replay timestamp",
          "SELECT floor(extract(epoch FROM pg_last_xact_replay_timestamp()) * 1000000)::bigint"))
    s.replay_timestamp = tombstones::FormatTime(std::stoll(*ts));
  s.lsn = Probe(session, "read the replay position", "SELECT pg_last_wal_replay_lsn()::text");
  return s;
}

std::vector<std::uint32_t> TombstonesBehind(const RunRecord& run) {
  // Each scan's list is ascending: merged in linear time (a million tombstones at N = 1M).
  std::vector<std::uint32_t> all;
  for (const TableScan* scan : run.scans) {
    const auto middle = static_cast<std::ptrdiff_t>(all.size());
    all.insert(all.end(), scan->requests.begin(), scan->requests.end());
    std::inplace_merge(all.begin(), all.begin() + middle, all.end());
  }
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

KindCoverage CoverageOf(const Plan& plan, const TombstoneTable& tombstones) {
  KindCoverage coverage;
  std::set<std::string> matched;
  for (const TablePlan& p : plan.tables)
    for (const KeySource& source : p.sources) matched.insert(source.kind);
  coverage.kinds_matched.assign(matched.begin(), matched.end());
  const std::vector<std::string>& names = tombstones.kind_names();
  std::uint64_t matched_bits = 0;
  for (std::size_t i = 0; i < names.size() && i < 64; ++i)
    if (matched.count(names[i]) > 0) matched_bits |= std::uint64_t{1} << std::min<std::size_t>(i, 63);
  for (const auto& [kinds, count] : tombstones.kind_sets()) {
    if ((kinds & matched_bits) != 0) {
      coverage.covered += count;
      continue;
    }
    coverage.not_covered_total += count;
    for (std::size_t i = 0; i < names.size() && i < 64; ++i)
      if ((kinds >> std::min<std::size_t>(i, 63)) & 1) coverage.not_covered[names[i]] += count;
  }
  return coverage;
}

std::string ReceiptJson(const RunRecord& run, const TombstoneTable& tombstones) {
  // Rows count as deleted or anonymized only when the run committed them.
  const bool committed = run.committed;
  json tables = json::array();
  for (const TableScan* scan : run.scans) {
    const TableCounts& c = scan->counts;
    json kept = json::array();
    for (const KeySource& source : scan->plan->sources)
      if (source.kept())
        kept.push_back({{"source", source.Describe()}, {"map_line", source.map->line},
                        {"reason", source.map->keep}});
    tables.push_back({{"table", scan->plan->Display()},
                      {"inherits_from", scan->plan->inherits_from.empty()
                                            ? json(nullptr)
                                            : json(scan->plan->inherits_from)},
                      {"action", std::string(ActionName(scan->plan->map->action))},
                      {"sources_kept", kept},
                      {"expect_changes", scan->plan->map->expect_changes.empty()
                                             ? json(nullptr)
                                             : json(scan->plan->map->expect_changes)},
                      {"guard_zone", scan->plan->guard_zone.empty()
                                         ? json(nullptr)
                                         : json(scan->plan->guard_zone)},
                      {"read", {{"path", scan->plan->read.index ? "index" : "scan"},
                                {"why", scan->plan->read.why}}},
                      {"rows_guard_unreadable", c.guard_unreadable},
                      {"rows_scanned", c.scanned},
                      {"rows_matched", c.matched},
                      {"rows_to_change", c.to_change},
                      {"rows_deleted", committed ? c.deleted : 0},
                      {"rows_anonymized", committed ? c.anonymized : 0},
                      {"rows_already_anonymized", c.already_anonymized},
                      {"rows_retained", c.retained},
                      {"rows_kept_by_guard", c.kept_by_guard},
                      {"rows_held", c.held},
                      {"seconds", c.scan_seconds + c.apply_seconds}});
  }
  json refreshed = json::array();
  if (run.plan != nullptr && committed)
    for (const RefreshPlan& view : run.plan->refreshes)
      refreshed.push_back({{"view", view.Display()}, {"named_by_map", view.map != nullptr}});
  json server_changes = json::array();
  for (const ServerChange& change : run.server_changes)
    server_changes.push_back({{"table", change.table},
                              {"rows_deleted", committed ? change.deleted : 0},
                              {"rows_updated", committed ? change.updated : 0},
                              {"through", change.through}});
  json actions = json::array();
  for (const pg::ServerAction& a : run.server_actions) {
    std::string on;
    if (run.plan != nullptr)
      for (const TablePlan& p : run.plan->tables)
        if (p.relation.oid == a.relation) on = p.Display();
    actions.push_back({{"table", on}, {"kind", a.kind}, {"name", a.name}, {"when", a.when}});
  }
  const std::vector<std::uint32_t> behind = TombstonesBehind(run);
  json requests = json::array();
  if (run.command == "verify")
    for (std::size_t i = 0; i < behind.size() && i < kReceiptRequestIds; ++i)
      requests.push_back(std::string(tombstones.request_id(behind[i])));
  KindCoverage coverage;
  if (run.plan != nullptr) coverage = CoverageOf(*run.plan, tombstones);
  const auto optional = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  json body = {
      {"receipt_version", 2},
      {"command", run.command},
      {"dry_run", run.dry_run},
      {"committed", committed},
      {"tool_version", std::string(tombstones::Version())},
      {"started_at", tombstones::FormatTime(run.started_at)},
      {"finished_at", tombstones::FormatTime(run.finished_at)},
      {"exit_code", run.exit_code},
      {"verification", run.verification},
      {"verification_method", run.verify_method},
      {"host", optional(run.host)},
      {"os_user", optional(run.os_user)},
      {"map", {{"path", run.map_path}, {"digest", run.map_digest}}},
      {"backup", {{"source", optional(run.backup_source)}, {"id", optional(run.backup_id)}}},
      {"target", optional(run.target)},
      {"drill", run.drill},
      {"database",
       {{"name", run.snapshot.database}, {"server_version", run.snapshot.server_version}}},
      {"snapshot",
       {{"system_identifier", Optional(run.snapshot.system_identifier)},
        {"timeline", run.snapshot.timeline ? json(*run.snapshot.timeline) : json(nullptr)},
        {"replay_timestamp", Optional(run.snapshot.replay_timestamp)},
        {"lsn", Optional(run.snapshot.lsn)},
        {"in_recovery", run.snapshot.in_recovery},
        {"label", run.snapshot.label}}},
      {"store",
       {{"tombstones", tombstones.digest().tombstones},
        {"held", tombstones.digest().held},
        {"digest", tombstones.digest().hash},
        {"key_fingerprint", run.key_fingerprint}}},
      {"kinds_matched", coverage.kinds_matched},
      {"tombstones_covered", coverage.covered},
      {"tombstones_not_covered", coverage.not_covered_total},
      {"not_covered_by_kind", coverage.not_covered},
      {"tables", tables},
      {"materialized_views_refreshed", refreshed},
      {"server_changes", server_changes},
      {"triggers_and_rules", actions},
      {run.command == "verify" ? "tombstones_present" : "tombstones_applied",
       run.command == "verify" || committed ? behind.size() : 0},
      {"held_requests", tombstones.held_count()},
      {"timings", run.timings},
      {"fence", {{"raised", run.fence.raised}, {"sessions_ended", run.fence.sessions_ended}}}};
  if (run.command == "verify") {
    body["residue_requests"] = requests;
    body["residue_requests_truncated"] = behind.size() > kReceiptRequestIds;
  }
  if (!run.message.empty()) body["message"] = run.message;
  return body.dump(2) + "\n";
}

void PrintTables(std::ostream& out, const RunRecord& run) {
  const bool verify = run.command == "verify";
  io::Table table(verify ? std::vector<std::string>{"table", "action", "scanned", "matched",
                                                    "present", "retained", "kept_by_guard", "held"}
                         : std::vector<std::string>{"table", "action", "scanned", "matched",
                                                    run.dry_run ? "would_change" : "deleted",
                                                    run.dry_run ? "already_done" : "anonymized",
                                                    "retained", "kept_by_guard", "held"});
  for (const TableScan* scan : run.scans) {
    const TableCounts& c = scan->counts;
    std::vector<std::string> row = {scan->plan->Display(),
                                    std::string(ActionName(scan->plan->map->action)),
                                    std::to_string(c.scanned), std::to_string(c.matched)};
    if (verify) {
      row.push_back(std::to_string(c.to_change));
    } else if (run.dry_run) {
      row.push_back(std::to_string(c.to_change));
      row.push_back(std::to_string(c.already_anonymized));
    } else {
      row.push_back(std::to_string(c.deleted));
      row.push_back(std::to_string(c.anonymized));
    }
    for (auto n : {c.retained, c.kept_by_guard, c.held}) row.push_back(std::to_string(n));
    table.Add(std::move(row));
  }
  table.Print(out, io::Format::kTable);
}

}  // namespace tombstone::replay

// index_path_bench: replay through the index path against the scan, on one database
// (tests/bench/index-path-bench.sh drives it; docs/performance.md has the method). The store's
// sealed mode is not wired to the commands yet, so this drives the replay engine itself (as the
// commands do: plan, order, scan or look up, apply, verify) with a list of identifiers in the
// clear read from a file, and rolls the transaction back so the same database serves every run.
//
//   index_path_bench DSN MAP STORE KEY CLEAR scan|index|auto
//       CLEAR has one normalized identifier a line, KIND:VALUE (hashed here with KEY, as the
//       sealed store gives them). Prints one line per table and a total:
//         table <name> read <scan|index> rows_read <n> to_change <n> seconds <s>
//         replay <mode> seconds <total> plan <s> read <s> apply <s> verify <s>
//
// Exit status: 0 measured (and rolled back), 1 the run failed, 2 misuse. No identifier is printed.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "src/map/data_map.h"
#include "src/pg/catalog.h"
#include "src/replay/changes.h"
#include "src/replay/job.h"
#include "src/replay/order.h"

namespace {

using namespace tombstone;

int Fail(const tombstones::Status& s) {
  std::fprintf(stderr, "index_path_bench: %s\n", s.message().c_str());
  return 1;
}

int Run(const std::string& dsn, const std::string& map_path, const std::string& store_dir,
        const std::string& key_path, const std::string& clear_path, replay::PlanMode mode) {
  const auto start = std::chrono::steady_clock::now();
  replay::Job job;
  std::ifstream map_in(map_path);
  std::string text((std::istreambuf_iterator<char>(map_in)), std::istreambuf_iterator<char>());
  auto map = ParseDataMap(text, map_path);
  if (!map.ok()) return Fail(map.status());
  job.map = std::move(map.value());
  auto key = tombstones::Key::Load(key_path);
  if (!key.ok()) return Fail(key.status());
  job.key = std::make_unique<tombstones::Key>(std::move(key.value()));
  {
    tombstones::Store::Options options;
    options.dir = store_dir;
    options.key = job.key.get();
    auto store = tombstones::Store::Open(options);
    if (!store.ok()) return Fail(store.status());
    auto table = match::TombstoneTable::Load(*store.value());
    if (!table.ok()) return Fail(table.status());
    job.tombstones.emplace(std::move(table.value()));
  }
  std::vector<replay::ClearIdentifier> clear;
  std::ifstream in(clear_path);
  for (std::string line; std::getline(in, line);) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string kind = line.substr(0, colon), value = line.substr(colon + 1);
    clear.push_back({kind, value, job.key->HashIdentifier(kind, value)});
  }
  job.clear_identifiers = std::move(clear);
  job.plan_mode = mode;
  job.Lap("load");
  auto session = pg::Session::Connect(dsn, "index_path_bench");
  if (!session.ok()) return Fail(session.status());
  job.session = std::move(session.value());
  auto plan = replay::PlanTables(*job.session, job.map, *job.tombstones, *job.key,
                                 replay::PlanFor::kChanges);
  if (!plan.ok()) return Fail(plan.status());
  job.plan = std::move(plan.value());
  if (auto s = replay::ChooseReadPaths(job); !s.ok()) return Fail(s);
  job.record.plan = &job.plan;
  job.record.verify_method = "read";
  auto order = replay::OrderTables(*job.session, job.plan);
  if (!order.ok()) return Fail(order.status());
  auto actions =
      pg::TriggersAndRules(*job.session, replay::RelationsTouched(job, order.value()));
  if (!actions.ok()) return Fail(actions.status());
  job.record.server_actions = std::move(actions.value());
  job.Lap("plan");
  replay::Progress progress(std::cerr, false);
  tombstones::Status s = job.session->Begin(true);
  if (s.ok()) s = replay::ApplyAndVerify(job, order.value(), progress);
  job.session->Rollback();
  if (!s.ok()) return Fail(s);
  for (const replay::TableScan& scan : job.scans)
    std::printf("table %s read %s rows_read %llu to_change %llu seconds %.3f\n",
                scan.plan->Display().c_str(), scan.plan->read.index ? "index" : "scan",
                static_cast<unsigned long long>(scan.counts.scanned),
                static_cast<unsigned long long>(scan.counts.to_change),
                scan.counts.scan_seconds + scan.counts.apply_seconds);
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto t = [&](const char* step) {
    const auto found = job.record.timings.find(step);
    return found == job.record.timings.end() ? 0.0 : found->second;
  };
  std::printf("replay %s seconds %.3f plan %.3f read %.3f apply %.3f verify %.3f\n",
              std::string(replay::PlanModeName(mode)).c_str(), total, t("plan"), t("scan"),
              t("apply"), t("verify"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto mode = argc == 7 ? tombstone::replay::ParsePlanMode(argv[6]) : std::nullopt;
  if (!mode) {
    std::fprintf(stderr, "usage: index_path_bench DSN MAP STORE KEY CLEAR scan|index|auto\n");
    return 2;
  }
  return Run(argv[1], argv[2], argv[3], argv[4], argv[5], *mode);
}

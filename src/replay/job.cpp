#include "src/replay/job.h"

#include "src/io/atomic_file.h"

#include <cstdio>
#include <fstream>
#include <ostream>

namespace tombstone::replay {
namespace {

Status WriteReceiptFile(const std::string& path, const std::string& body) {
  // Replaced only when complete, synced, never through a link planted at a temporary name.
  return io::WriteFileAtomically(path, body, {.mode = 0666, .replace = true});
}

Status AppendToStore(Context& ctx, Job& job, const std::string& body) {
  job.store.store.reset();  // the reader goes first; the writer waits for the lock if needed
  auto writer = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kRequired);
  if (!writer.ok()) return writer.status();
  auto entry = writer->store->AppendReceipt(body);
  if (!entry.ok()) return entry.status();
  ctx.io.err << "receipt " << entry->seq << " recorded in the store\n";
  return Status::Ok();
}

}  // namespace

void Job::Lap(const std::string& step) {
  const auto now = std::chrono::steady_clock::now();
  record.timings[step] += std::chrono::duration<double>(now - lap).count();
  lap = now;
}

void DeclareJobOptions(cxxopts::Options& options) {
  options.add_options()(
      "dsn",
      "libpq connection string or URI of the database (default: the libpq environment, "
      "PGHOST, PGPORT, PGUSER, PGDATABASE, as with psql)",
      cxxopts::value<std::string>()->default_value(""),
      "DSN")("map", "the data map (TOML): where each identifier kind lives and what to do there",
             cxxopts::value<std::string>(), "FILE")(
      "receipt", "also write the receipt (JSON) to FILE, replaced only when complete",
      cxxopts::value<std::string>(),
      "FILE")("snapshot-label", "a label for the restored snapshot, recorded in the receipt",
              cxxopts::value<std::string>()->default_value(""), "TEXT");
}

Status Prepare(Context& ctx, const std::string& command, Job& job) {
  job.record.command = command;
  job.record.started_at = tombstones::Now();
  if (!ctx.Has("map"))
    return Status::Usage("unable to run '" + command + "': --map FILE is required",
                         "docs/data-map.md describes the file");
  auto map = LoadDataMap(ctx.Get<std::string>("map"));
  if (!map.ok()) return map.status();
  job.map = std::move(map.value());
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!opened.ok()) return opened.status();
  job.store = std::move(opened.value());
  auto set = TombstoneSet::Load(*job.store.store);
  if (!set.ok()) return set.status();
  job.tombstones.emplace(std::move(set.value()));
  job.store.store.reset();  // the tombstones are in memory: free the reader's memtables
  job.Lap("load");

  auto session = pg::Session::Connect(ctx.Get<std::string>("dsn"), "tombstone " + command);
  if (!session.ok()) return session.status();
  job.session = std::move(session.value());
  ctx.io.err << "tombstone " << command << ": connected to '" << job.session->redacted_dsn()
             << "'; " << job.tombstones->tombstones() << " tombstones ("
             << job.tombstones->held_count() << " on legal hold), " << job.map.tables.size()
             << " mapped tables\n";
  auto snapshot = ReadSnapshot(*job.session, ctx.Get<std::string>("snapshot-label"));
  if (!snapshot.ok()) return snapshot.status();
  job.record.snapshot = std::move(snapshot.value());
  auto plans = PlanTables(*job.session, job.map, *job.tombstones, *job.store.key,
                          command == "verify" ? PlanFor::kCounting : PlanFor::kChanges);
  if (!plans.ok()) return plans.status();
  job.plans = std::move(plans.value());
  job.Lap("plan");
  return Status::Ok();
}

Status ScanAll(Context& ctx, Job& job) {
  Progress progress(ctx.io.err, ctx.io.err_is_terminal);
  job.scans.clear();
  job.scans.reserve(job.plans.size());
  job.record.scans.clear();
  for (const TablePlan& plan : job.plans) {
    auto scan = ScanTable(*job.session, plan, *job.tombstones, progress);
    if (!scan.ok()) return scan.status();
    job.scans.push_back(std::move(scan.value()));
  }
  for (const TableScan& scan : job.scans) job.record.scans.push_back(&scan);
  job.Lap("scan");
  return Status::Ok();
}

Status Finish(Context& ctx, Job& job, Status outcome, bool file_only, bool store_best_effort) {
  RunRecord& r = job.record;
  r.exit_code = static_cast<int>(outcome.code());
  if (!outcome.ok()) {
    r.message = outcome.message();
    r.verification = outcome.code() == tombstones::ExitCode::kResidue ? "residue" : "failed";
  }
  r.finished_at = tombstones::Now();
  if (!r.scans.empty()) PrintTables(ctx.io.out, r);
  if (!job.reached_database) return outcome;
  const std::string body = ReceiptJson(r, *job.tombstones);
  Status written = Status::Ok();
  if (ctx.Has("receipt")) written = WriteReceiptFile(ctx.Get<std::string>("receipt"), body);
  if (written.ok() && !file_only) {
    written = AppendToStore(ctx, job, body);
    if (!written.ok() && store_best_effort) {
      ctx.io.err << "warning: " << written.message() << "\n";
      written = Status::Ok();
    }
  }
  if (!outcome.ok()) {
    if (!written.ok()) ctx.io.err << "warning: " << written.message() << "\n";
    return outcome;
  }
  return written;
}

}  // namespace tombstone::replay

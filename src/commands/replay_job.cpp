// The commands' part of replay and verify (src/replay/job.h is the rest): their shared options,
// the steps before any change (the map file, the store's tombstones and key, the connection, the
// snapshot's identity, the map checked against the schema), and the receipt at the end.
#include "src/commands/replay_job.h"

#include <sodium.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ostream>

#include "src/io/atomic_file.h"
#include "src/io/hex.h"
#include "src/io/whole_file.h"

namespace tombstone {
namespace {

Status WriteReceiptFile(const std::string& path, const std::string& body) {
  // Replaced only when complete, synced, never through a link planted at a temporary name.
  return io::WriteFileAtomically(path, body, {.mode = 0666, .replace = true});
}

Status AppendToStore(Context& ctx, JobRun& job, const std::string& body) {
  if (!job.writer.store) {  // verify records its receipt if it can (it holds no lock)
    auto writer = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kRequired);
    if (!writer.ok()) return writer.status();
    job.writer = std::move(writer.value());
  }
  auto entry = job.writer.store->AppendReceipt(body);
  if (!entry.ok()) return entry.status();
  ctx.io.err << "receipt " << entry->seq << " recorded in the store\n";
  return Status::Ok();
}

// BLAKE2b-256 of the map file's bytes, hex: which map a receipt was made with.
std::string Digest(const std::string& bytes) {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return io::Hex(out.data(), out.size());
}

std::string HostName() {
  char name[256] = {};
  return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
}

// A store in sealed mode, with its sealing key given: every erased identifier in the clear, for
// the index path (read_path.h checks each against its hash before use). Without the sealing key
// (or a store that keeps only hashes) every table is scanned, as it always was.
Status LoadClearIdentifiers(const Context& ctx, tombstones::Store& store, replay::Job& job) {
  auto key = SealingKeyIfGiven(ctx, store);
  if (!key.ok()) return key.status();
  if (!key.value()) return Status::Ok();
  auto sealed = store.OpenSealed(**key);  // refuses a sealing key not the store's
  if (!sealed.ok()) return sealed.status();
  std::vector<replay::ClearIdentifier> clear;
  clear.reserve(sealed->entries().size());
  for (const tombstones::SealedIdentifiers::Entry& e : sealed->entries())
    clear.push_back({sealed->kinds()[e.kind].name, std::string(sealed->Value(e)), e.hash});
  job.clear_identifiers = std::move(clear);
  return Status::Ok();
}

}  // namespace

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
              cxxopts::value<std::string>()->default_value(""), "TEXT")(
      "db-lock-timeout",
      "seconds a statement waits for a table lock before the run fails naming who holds it; "
      "0 waits forever",
      cxxopts::value<double>()->default_value("30"), "SECS")(
      "backup-source",
      "the backup tool the database was restored from (pgbackrest, barman, pg_basebackup, "
      "walg, pg_dump), recorded in the receipt",
      cxxopts::value<std::string>()->default_value(""), "TOOL")(
      "backup-id", "the restored backup's identity (set label, backup id), recorded in the receipt",
      cxxopts::value<std::string>()->default_value(""), "ID")(
      "jobs",
      "scan with N sessions that share one snapshot: large tables split into block ranges, "
      "tables scanned concurrently (1 to 64; the changes stay in one transaction)",
      cxxopts::value<int>()->default_value("1"), "N")(
      "drill",
      "this run is part of a disaster-recovery drill, not a restore for service: recorded in "
      "the receipt, reported by 'info' and 'metrics' as the target's last drill")(
      "plan",
      "how each table is read: auto (index lookups where the store's identifiers in the clear "
      "make them exact and cheaper), scan (every row), index (lookups wherever exact)",
      cxxopts::value<std::string>()->default_value("auto"), "HOW");
  DeclareTargetOptions(options);
}

Status ForEachInput(Context& ctx, const std::string& command,
                    const std::function<Status(const JobInput&)>& one) {
  auto inputs = ResolveJobInputs(ctx, command);
  if (!inputs.ok()) return inputs.status();
  const std::vector<JobInput>& all = inputs.value();
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!all[i].target.empty())
      ctx.io.err << "tombstone " << command << ": target '" << all[i].target << "', database '"
                 << all[i].database << "' (" << i + 1 << " of " << all.size() << ")\n";
    Status s = one(all[i]);
    if (s.ok()) continue;
    if (i + 1 < all.size()) {
      ctx.io.err << "tombstone " << command << ": stopped at database '" << all[i].database
                 << "'; not run:";
      for (std::size_t j = i + 1; j < all.size(); ++j) ctx.io.err << " '" << all[j].database << "'";
      ctx.io.err << "\n";
    }
    return s;
  }
  return Status::Ok();
}

Status Prepare(Context& ctx, const std::string& command, const JobInput& input, JobRun& job) {
  job.record.command = command;
  job.record.started_at = tombstones::Now();
  job.record.target = input.target;
  job.receipt_file = input.receipt;
  job.record.drill = ctx.Has("drill");
  const double lock_timeout = ctx.Get<double>("db-lock-timeout");
  if (!std::isfinite(lock_timeout) || lock_timeout < 0 || lock_timeout > 86400)
    return Status::Usage("unable to parse --db-lock-timeout: expected 0 to 86400 seconds");
  const int jobs = ctx.Get<int>("jobs");
  if (jobs < 1 || jobs > replay::kMaxJobs)
    return Status::Usage("unable to parse --jobs: expected 1 to " +
                         std::to_string(replay::kMaxJobs) + " sessions, got " +
                         std::to_string(jobs));
  job.scan_settings.jobs = jobs;
  job.scan_settings.dsn = input.dsn;
  job.scan_settings.application_name = "tombstone " + command;
  job.scan_settings.lock_timeout_ms = static_cast<int>(lock_timeout * 1000);
  // Tests and benchmarks split small tables: the smallest block range worth a part of its own.
  if (const char* blocks = std::getenv("TOMBSTONE_SCAN_UNIT_BLOCKS"); blocks != nullptr)
    if (const long long n = std::atoll(blocks); n > 0)
      job.scan_settings.unit_blocks = static_cast<std::uint64_t>(n);
  const auto plan_mode = replay::ParsePlanMode(ctx.Get<std::string>("plan"));
  if (!plan_mode)
    return Status::Usage("unable to parse option '--plan': expected auto, scan or index, got '" +
                         ctx.Get<std::string>("plan") + "'");
  job.plan_mode = *plan_mode;
  const std::string& map_path = input.map;
  std::string map_bytes;
  int error = 0;
  if (!io::ReadWholeFile(map_path, &map_bytes, &error))
    return Status::Usage("unable to read data map '" + map_path + "': " + std::strerror(error));
  auto map = ParseDataMap(map_bytes, map_path);
  if (!map.ok()) return map.status();
  job.map = std::move(map.value());
  job.record.map_path = map_path;
  job.record.map_digest = Digest(map_bytes);
  job.record.host = HostName();
  job.record.os_user = tombstones::OsUser();
  job.record.backup_source = ctx.Get<std::string>("backup-source");
  job.record.backup_id = ctx.Get<std::string>("backup-id");
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!opened.ok()) return opened.status();
  auto set = replay::TombstoneTable::Load(*opened->store);
  if (!set.ok()) return set.status();
  job.tombstones.emplace(std::move(set.value()));
  if (Status s = LoadClearIdentifiers(ctx, *opened->store, job); !s.ok()) return s;
  job.record.key_fingerprint = opened->key->Fingerprint();
  opened->store.reset();  // the tombstones are in memory: free the reader's memtables
  job.key = std::move(opened->key);
  job.Lap("load");

  auto session = pg::Session::Connect(input.dsn, "tombstone " + command);
  if (!session.ok()) return session.status();
  job.session = std::move(session.value());
  if (Status s = job.session->SetTimeouts(static_cast<int>(lock_timeout * 1000)); !s.ok())
    return s;
  ctx.io.err << "tombstone " << command << ": connected to '" << job.session->redacted_dsn()
             << "'; " << job.tombstones->tombstones() << " tombstones ("
             << job.tombstones->held_count() << " on legal hold), " << job.map.tables.size()
             << " map entries\n";
  auto snapshot = replay::ReadSnapshot(*job.session, ctx.Get<std::string>("snapshot-label"));
  if (!snapshot.ok()) return snapshot.status();
  job.record.snapshot = std::move(snapshot.value());
  if (command == "replay" && job.record.snapshot.in_recovery)
    return Status::Usage("unable to replay into database '" + job.record.snapshot.database +
                             "': the server is in recovery (a standby, or a restore that has not "
                             "finished recovery), so nothing can be changed",
                         "promote the restored server (or let recovery reach its target) first; "
                         "nothing was changed and no fence was raised");
  if (job.record.snapshot.in_recovery && job.scan_settings.jobs > 1) {
    // A snapshot exported during recovery can lose its list of transactions in progress
    // (PostgreSQL 15 drops it on export when it has overflowed; a fix was under discussion in
    // 2026): a session importing it could read rows this one does not. One session is exact.
    ctx.io.err << "tombstone " << command << ": --jobs " << job.scan_settings.jobs
               << " not used: the server is in recovery, where a shared snapshot is not exact; "
                  "scanning with one session\n";
    job.scan_settings.jobs = 1;
  }
  auto plan = replay::PlanTables(
      *job.session, job.map, *job.tombstones, *job.key,
      command == "verify" ? replay::PlanFor::kCounting : replay::PlanFor::kChanges);
  if (!plan.ok()) return plan.status();
  job.plan = std::move(plan.value());
  // How each table is read. job.clear_identifiers stays nullopt until the store can give them
  // (sealed mode): every table is then scanned.
  if (Status s = replay::ChooseReadPaths(job); !s.ok()) return s;
  job.record.plan = &job.plan;
  job.Lap("plan");
  return Status::Ok();
}

Status HoldStoreForReceipt(Context& ctx, JobRun& job) {
  auto writer = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kRequired);
  if (!writer.ok())
    return Status::StoreError(writer.status().message(),
                              "replay holds the store's lock from before the fence until its "
                              "receipt is recorded; nothing was fenced or changed. " +
                                  writer.status().hint());
  job.writer = std::move(writer.value());
  return Status::Ok();
}

Status Finish(Context& ctx, JobRun& job, Status outcome, bool file_only, bool store_best_effort) {
  replay::RunRecord& r = job.record;
  const auto complete = [&](const Status& s) {
    r.exit_code = static_cast<int>(s.code());
    if (!s.ok()) {
      r.message = s.message();
      r.verification = s.code() == tombstones::ExitCode::kResidue ? "residue" : "failed";
    }
    r.finished_at = tombstones::Now();
  };
  complete(outcome);
  if (!r.scans.empty()) replay::PrintTables(ctx.io.out, r);
  if (!job.reached_database) return outcome;
  // The store's log first: the --receipt file then says what the store says, final outcome
  // included (a receipt that could not be recorded makes the run a store error).
  Status recorded = Status::Ok();
  if (!file_only) {
    recorded = AppendToStore(ctx, job, replay::ReceiptJson(r, *job.tombstones));
    if (!recorded.ok() && store_best_effort) {
      ctx.io.err << "tombstone: warning: " << recorded.message() << "\n";
      recorded = Status::Ok();
    }
    if (!recorded.ok() && outcome.ok()) {
      outcome = recorded;
      complete(outcome);
    }
  }
  if (!job.receipt_file.empty())
    if (Status written =
            WriteReceiptFile(job.receipt_file, replay::ReceiptJson(r, *job.tombstones));
        !written.ok()) {
      if (!outcome.ok()) ctx.io.err << "tombstone: warning: " << written.message() << "\n";
      else outcome = written;
    }
  if (!outcome.ok() && !recorded.ok() && outcome.message() != recorded.message())
    ctx.io.err << "tombstone: warning: " << recorded.message() << "\n";
  return outcome;
}

}  // namespace tombstone

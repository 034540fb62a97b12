#include "src/replay/parallel_scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "src/replay/index_path.h"

namespace tombstone::replay {
namespace {

// One part of the scan: a relation's block range, or a chunk of a relation's index lookups
// (plan.read.index; LookupChunks).
struct Part {
  std::size_t plan = 0;  // index into `plans`
  BlockRange range;
  std::uint64_t weight = 0;  // blocks, to scan the largest parts first
  LookupChunk chunk;
};

// ACCESS SHARE on every table before the snapshot is shared: the locks a scan on the job's
// session would take, held by its transaction until the end, so that no table is rewritten
// (and no locator moved) between the scan on another session and the changes. Materialized
// views cannot be locked by LOCK TABLE; only verify scans them here, and changes nothing.
Status LockTables(pg::Session& session, const std::vector<const TablePlan*>& plans) {
  std::string list;
  for (const TablePlan* plan : plans)
    if (plan->relation.kind == 'r' || plan->relation.kind == 'p')
      list += (list.empty() ? "" : ", ") + plan->target;
  if (list.empty()) return Status::Ok();
  auto locked = session.Query("lock the mapped tables", "LOCK TABLE " + list + " IN ACCESS SHARE MODE",
                              {}, pg::Shape::kNone);
  return locked.ok() ? Status::Ok() : locked.status();
}

// Each relation's size in blocks, in the order of `plans`: a partitioned table's is its
// partitions' sum (it is scanned whole: only the weight is needed).
Result<std::vector<std::uint64_t>> BlockCounts(pg::Session& session,
                                               const std::vector<const TablePlan*>& plans) {
  std::string oids = "{";
  for (std::size_t i = 0; i < plans.size(); ++i)
    oids += (i ? "," : "") + std::to_string(plans[i]->relation.oid);
  oids += "}";
  const std::string what = "read the size of the mapped relations";
  auto rows = session.Query(
      what,
      "SELECT (CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_catalog.pg_relation_size("
      "t.relid)), 0) FROM pg_catalog.pg_partition_tree(c.oid) t) ELSE "
      "pg_catalog.pg_relation_size(c.oid) END / pg_catalog.current_setting('block_size')::bigint"
      ")::bigint FROM unnest($1::oid[]) WITH ORDINALITY AS u(oid, n) JOIN pg_catalog.pg_class c "
      "ON c.oid = u.oid ORDER BY u.n",
      {oids});
  if (!rows.ok()) return rows.status();
  if (rows->size() != plans.size())
    return Status::Failed("unable to " + what + ": expected " + std::to_string(plans.size()) +
                          " rows, got " + std::to_string(rows->size()));
  std::vector<std::uint64_t> blocks;
  for (const pqxx::row& row : rows.value()) {
    auto n = pg::Value<std::uint64_t>(row, 0, what);
    if (!n.ok()) return n.status();
    blocks.push_back(n.value());
  }
  return blocks;
}

std::vector<Part> SplitIntoParts(const std::vector<const TablePlan*>& plans,
                                 const std::vector<std::uint64_t>& blocks,
                                 const ScanSettings& settings) {
  std::vector<Part> parts;
  // Enough parts per table for the sessions to even out, few enough to keep the statements few.
  const std::size_t max_parts = 4 * static_cast<std::size_t>(settings.jobs);
  for (std::size_t p = 0; p < plans.size(); ++p) {
    // A table read through its index lookups is one part, or one per chunk of its identifiers
    // when they find disjoint rows, first: a lookup waits on the disk (the index's leaf pages
    // one at a time), so lookups overlap best with each other and with the scans.
    if (plans[p]->read.index) {
      const std::size_t chunks = LookupChunks(*plans[p], static_cast<std::size_t>(settings.jobs));
      for (std::size_t c = 0; c < chunks; ++c)
        parts.push_back({p, BlockRange{}, std::numeric_limits<std::uint64_t>::max(), {c, chunks}});
      continue;
    }
    // Only a table's own heap is split: a partitioned table (a ctid names a row only within a
    // partition) and a materialized view are read whole.
    const bool heap = plans[p]->relation.kind == 'r';
    const std::vector<BlockRange> ranges =
        heap ? SplitBlocks(blocks[p], settings.unit_blocks, max_parts)
             : std::vector<BlockRange>{BlockRange{}};
    for (const BlockRange& r : ranges) {
      const std::uint64_t end = std::min(r.end, std::max(blocks[p], r.begin));
      parts.push_back({p, r, end - r.begin, LookupChunk{}});
    }
  }
  return parts;
}

// The sessions beside the job's: each opened as the job's session was and in the snapshot.
Result<std::vector<std::unique_ptr<pg::Session>>> OpenSessions(const ScanSettings& settings,
                                                              std::size_t count,
                                                              const std::string& snapshot) {
  std::vector<std::unique_ptr<pg::Session>> sessions;
  const std::string hint =
      "--jobs N opens N-1 sessions more than --jobs 1, with the same DSN and role: lower --jobs "
      "or raise the server's max_connections; nothing was changed by this run";
  for (std::size_t i = 0; i < count; ++i) {
    auto session = pg::Session::Connect(
        settings.dsn, fmt::format("{} (scan session {} of {})", settings.application_name, i + 2,
                                  count + 1));
    if (!session.ok()) return Status::Failed(session.status().message(), hint);
    pg::Session& s = *session.value();
    Status ready = s.SetTimeouts(settings.lock_timeout_ms);
    if (ready.ok()) ready = s.BeginWithSnapshot(snapshot);
    if (ready.ok()) ready = s.PrepareCancel();
    if (!ready.ok()) return Status::Failed(ready.message(), hint);
    sessions.push_back(std::move(session.value()));
  }
  return sessions;
}

// The parts, shared by the threads: each takes the next one until none is left or one fails.
class Parallel {
 public:
  Parallel(const std::vector<const TablePlan*>& plans, const std::vector<Part>& parts,
           const std::vector<pg::Session*>& sessions, const TombstoneTable& tombstones,
           const tombstones::Key& key)
      : plans_(plans),
        parts_(parts),
        sessions_(sessions),
        tombstones_(tombstones),
        key_(key),
        results_(parts.size()) {}

  // Runs every part; the calling thread shows the progress meanwhile. Returns the first error.
  Status Run(Progress& progress) {
    std::vector<std::thread> threads;
    for (pg::Session* session : sessions_) {
      try {
        threads.emplace_back([this, session] { Work(*session); });
      } catch (const std::system_error& e) {  // no thread to be had: stop the ones started
        Fail(Status::Failed(std::string("unable to start a scan thread: ") + e.what()));
        break;
      }
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!done_.wait_for(lock, std::chrono::milliseconds(200),
                             [&] { return finished_ == threads.size(); }))
        progress.Show(rows_.load(std::memory_order_relaxed));
    }
    for (std::thread& t : threads) t.join();
    progress.Finish(rows_.load());
    return error_;
  }

  std::vector<std::optional<TableScan>>& results() { return results_; }

 private:
  void Work(pg::Session& session) {
    try {
      for (;;) {
        if (stop_.load()) break;
        const std::size_t i = next_.fetch_add(1);
        if (i >= parts_.size()) break;
        const Part& part = parts_[i];
        const TablePlan& plan = *plans_[part.plan];
        auto scan = plan.read.index ? LookupTable(session, plan, tombstones_, key_, part.chunk)
                                    : ScanPart(session, plan, tombstones_, key_,
                                               BlockCondition(part.range), &rows_);
        if (!scan.ok()) {
          Fail(scan.status());
          break;
        }
        results_[i] = std::move(scan.value());
      }
    } catch (const std::exception& e) {  // std::bad_alloc: the scan's own errors are a Status
      Fail(Status::Failed(std::string("unable to scan the mapped tables: internal error: ") +
                          e.what()));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ++finished_;
    done_.notify_one();
  }

  // Keeps the first error and cancels what the other sessions run: they fail with "canceled",
  // which is not the cause and is dropped.
  void Fail(Status status) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error_.ok()) error_ = std::move(status);
    }
    if (stop_.exchange(true)) return;
    for (pg::Session* s : sessions_) s->Cancel();
  }

  const std::vector<const TablePlan*>& plans_;
  const std::vector<Part>& parts_;
  const std::vector<pg::Session*>& sessions_;
  const TombstoneTable& tombstones_;
  const tombstones::Key& key_;
  std::vector<std::optional<TableScan>> results_;  // per part; each written by one thread
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> rows_{0};
  std::mutex mutex_;
  std::condition_variable done_;
  std::size_t finished_ = 0;
  Status error_;
};

}  // namespace

std::vector<BlockRange> SplitBlocks(std::uint64_t blocks, std::uint64_t unit_blocks,
                                    std::size_t max_parts) {
  const std::uint64_t n =
      std::min<std::uint64_t>(blocks / std::max<std::uint64_t>(unit_blocks, 1), max_parts);
  if (n < 2) return {BlockRange{}};
  const std::uint64_t size = blocks / n;  // >= unit_blocks; the last range takes the rest
  std::vector<BlockRange> ranges;
  for (std::uint64_t i = 0; i < n; ++i)
    ranges.push_back({i * size, i + 1 == n ? BlockRange::kOpen : (i + 1) * size});
  return ranges;
}

std::string BlockCondition(const BlockRange& range) {
  std::string condition;
  if (range.begin > 0) condition = fmt::format("ctid >= '({},0)'::tid", range.begin);
  if (range.end != BlockRange::kOpen)
    condition += fmt::format("{}ctid < '({},0)'::tid", condition.empty() ? "" : " AND ", range.end);
  return condition;
}

Result<std::vector<TableScan>> ScanInParallel(pg::Session& session, const ScanSettings& settings,
                                              const std::vector<const TablePlan*>& plans,
                                              const TombstoneTable& tombstones,
                                              const tombstones::Key& key, Progress& progress) {
  if (Status s = LockTables(session, plans); !s.ok()) return s;
  auto blocks = BlockCounts(session, plans);
  if (!blocks.ok()) return blocks.status();
  std::vector<Part> parts = SplitIntoParts(plans, blocks.value(), settings);
  std::stable_sort(parts.begin(), parts.end(),
                   [](const Part& a, const Part& b) { return a.weight > b.weight; });
  auto snapshot = session.ExportSnapshot();
  if (!snapshot.ok()) return snapshot.status();
  if (settings.after_export) settings.after_export();
  if (Status s = session.PrepareCancel(); !s.ok()) return s;
  const std::size_t count = std::min(parts.size(), static_cast<std::size_t>(settings.jobs));
  auto others = OpenSessions(settings, count > 0 ? count - 1 : 0, snapshot.value());
  if (!others.ok()) return others.status();
  std::vector<pg::Session*> sessions = {&session};
  for (const auto& s : others.value()) sessions.push_back(s.get());

  double estimate = 0;
  for (const TablePlan* plan : plans)  // the rows scanned; lookups do not count them
    if (!plan->read.index) estimate += std::max(0.0, plan->relation.estimated_rows);
  progress.Start(fmt::format("{} relations, {} sessions", plans.size(), sessions.size()),
                 estimate);
  Parallel parallel(plans, parts, sessions, tombstones, key);
  Status s = parallel.Run(progress);
  others->clear();  // every other session closed (rolled back) before anything else happens
  if (!s.ok()) return s;

  // Per relation, its parts in block order: the rows to change in the order one scan reads.
  std::vector<std::size_t> order(parts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (parts[a].plan != parts[b].plan) return parts[a].plan < parts[b].plan;
    if (parts[a].range.begin != parts[b].range.begin)
      return parts[a].range.begin < parts[b].range.begin;
    return parts[a].chunk.index < parts[b].chunk.index;
  });
  std::vector<std::optional<TableScan>> merged(plans.size());
  for (std::size_t i : order) {
    std::optional<TableScan>& into = merged[parts[i].plan];
    TableScan& part = *parallel.results()[i];
    if (!into) into = std::move(part);
    else MergeScan(*into, std::move(part));
  }
  std::vector<TableScan> scans;
  for (std::optional<TableScan>& scan : merged) scans.push_back(std::move(*scan));
  return scans;
}

}  // namespace tombstone::replay

#include "src/replay/scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <functional>
#include <limits>
#include <ostream>

#include "src/match/kind_matcher.h"
#include "src/match/row_decision.h"
#include "src/pg/copy_binary.h"
#include "src/replay/guard_time.h"

namespace tombstone::replay {
namespace {

using Clock = std::chrono::steady_clock;
using Strategy = AnonymizeSet::Strategy;

double Seconds() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

// One row of the binary COPY: fields are views into the message; text arrives as it is stored,
// integers and tids are printed (as the text format would) into a buffer of their own.
class Fields {
 public:
  explicit Fields(const std::vector<pg::Wire>& wires) : wires_(wires), scratch_(wires.size()) {}

  // kRow, kEnd for the trailer, kMalformed (see error()).
  pg::CopyBinaryRows::Got Split(std::string_view message) { return Checked(rows_.Next(message)); }
  // Reads again a row kept from row() after an earlier Split.
  pg::CopyBinaryRows::Got Resplit(std::string_view row) { return Checked(rows_.Reread(row)); }
  std::string_view row() const { return rows_.row(); }
  bool Null(std::size_t i) const { return rows_.Null(i); }
  // The value as text, valid until the next Split. Empty when the bytes do not fit the type, and
  // ok() is false from then on.
  std::string_view Value(std::size_t i) {
    if (wires_[i] == pg::Wire::kText) return rows_.Raw(i);
    scratch_[i].clear();
    if (!pg::AppendAsText(wires_[i], rows_.Raw(i), &scratch_[i])) bad_ = true;
    return scratch_[i];
  }
  std::string_view Raw(std::size_t i) const { return rows_.Raw(i); }
  pg::Wire wire(std::size_t i) const { return wires_[i]; }
  // Whether every value read so far fitted its type.
  bool ok() const { return !bad_; }
  const std::string& error() const { return error_.empty() ? rows_.error() : error_; }

 private:
  pg::CopyBinaryRows::Got Checked(pg::CopyBinaryRows::Got got) {
    if (got != pg::CopyBinaryRows::Got::kRow || rows_.size() == wires_.size()) return got;
    error_ = "malformed binary COPY data: a row of " + std::to_string(rows_.size()) +
             " fields, not " + std::to_string(wires_.size());
    return pg::CopyBinaryRows::Got::kMalformed;
  }
  const std::vector<pg::Wire>& wires_;
  pg::CopyBinaryRows rows_;
  std::vector<std::string> scratch_;
  std::string error_;
  bool bad_ = false;
};

// Whether every anonymized column of the row already holds its strategy's value, so that a
// second replay changes nothing. A 'hash' column holds a pseudonym only when this store's key
// made it: an md5 of the address is not one.
bool AlreadyAnonymized(const TablePlan& plan, const tombstones::Key& key, Fields& fields) {
  for (const SetTarget& set : plan.sets) {
    const bool null = fields.Null(static_cast<std::size_t>(set.field));
    const std::string_view value =
        null ? std::string_view() : fields.Value(static_cast<std::size_t>(set.field));
    switch (set.strategy) {
      case Strategy::kNull:
        if (!null) return false;
        break;
      case Strategy::kHash:
        if (!null && !key.IsPseudonym(value)) return false;
        break;
      case Strategy::kRedact:
      case Strategy::kLiteral:
        if (null || value != set.value) return false;
        break;
    }
  }
  return true;
}

// The scan's hot path. Rows are taken in batches: each row's identifiers (one per source, or
// one per element of an array or json source) are normalized and hashed and their table slots
// prefetched as the row arrives; the batch is then probed, so that the cache misses of a large
// tombstone set overlap instead of stalling one by one. Only a row with a match is split again
// to decide what happens to it.
class Scanner {
 public:
  static constexpr std::size_t kBatch = 32;

  Scanner(const TablePlan& plan, const TombstoneTable& tombstones, const tombstones::Key& key,
          TableScan& scan)
      : plan_(plan),
        tombstones_(tombstones),
        key_(key),
        scan_(scan),
        counts_(scan.counts),
        fields_(plan.wires),
        seen_((tombstones.tombstones() + 63) / 64, 0) {
    values_.resize(plan.locator.size() + plan.sets.size());
    pointers_.resize(values_.size());
  }

  // Takes one message of the COPY; after a malformed one, ignores the rest (see error()).
  void Add(std::string_view message) {
    if (!error_.empty()) return;
    const auto got = fields_.Split(message);
    if (got != pg::CopyBinaryRows::Got::kRow) {
      if (got == pg::CopyBinaryRows::Got::kMalformed) error_ = fields_.error();
      return;
    }
    ++counts_.scanned;
    rows_.push_back({arena_.size(), fields_.row().size(), probes_.size()});
    arena_.append(fields_.row());
    for (std::size_t s = 0; s < plan_.sources.size(); ++s) {
      const KeySource& source = plan_.sources[s];
      const auto f = static_cast<std::size_t>(source.field);
      if (fields_.Null(f)) continue;
      if (!source.many) {
        Probe(source, s, fields_.Value(f));
        continue;
      }
      pg::BinaryTextArray elements;
      std::string_view element;
      if (!elements.Open(fields_.Raw(f))) {
        error_ = "malformed binary COPY data: an array of " + source.Describe();
        return;
      }
      while (elements.Next(&element)) Probe(source, s, element);
      if (!elements.ok()) {
        error_ = "malformed binary COPY data: an array of " + source.Describe() + " is cut short";
        return;
      }
    }
    if (rows_.size() == kBatch) Flush();
  }

  // Empty, or what was wrong with the stream.
  const std::string& error() const { return error_; }

  void Flush() {
    for (std::size_t r = 0; r < rows_.size() && error_.empty(); ++r) Decide(r);
    rows_.clear();
    arena_.clear();
    probes_.clear();
    if (!fields_.ok() && error_.empty())
      error_ = "malformed binary COPY data: a value does not fit its type";
  }

  // The tombstones behind the rows to change, ascending.
  std::vector<std::uint32_t> Requests() const {
    std::vector<std::uint32_t> out;
    for (std::size_t w = 0; w < seen_.size(); ++w)
      for (std::uint64_t bits = seen_[w]; bits != 0; bits &= bits - 1)
        out.push_back(
            static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits))));
    return out;
  }

 private:
  struct Row {
    std::size_t offset, length;  // in arena_
    std::size_t probes;          // its first probe in probes_; the next row's first ends it
  };
  struct ProbeEntry {
    Hash128 hash;
    std::uint32_t source;
  };

  void Probe(const KeySource& source, std::size_t s, std::string_view value) {
    const auto hash = match::ProbeHash(source.normalizer, *source.hasher, value, &normalized_);
    if (!hash) return;
    tombstones_.Prefetch(*hash);
    probes_.push_back({*hash, static_cast<std::uint32_t>(s)});
  }

  void Decide(std::size_t r) {
    const std::size_t end = r + 1 < rows_.size() ? rows_[r + 1].probes : probes_.size();
    match_.Clear();
    bool through_changed_source = false;  // a match through a source the action changes
    for (std::size_t p = rows_[r].probes; p < end; ++p) {
      const std::uint32_t t = tombstones_.Find(probes_[p].hash);
      if (t == TombstoneTable::kNone) continue;
      match_.Add(t, tombstones_.held(t), tombstones_.erased_at(t));
      if (!tombstones_.held(t) && !plan_.sources[probes_[p].source].kept())
        through_changed_source = true;
    }
    if (match_.empty()) return;
    const bool held = match_.held();
    const std::uint32_t applicable = match_.latest();
    ++counts_.matched;
    // The rule the exports follow too (src/match/row_decision.h): a hold wins, then the guard
    // against the latest erasure; an unreadable guard keeps the row and is counted.
    match::Guard guard;
    if (!held) {
      fields_.Resplit(std::string_view(arena_).substr(rows_[r].offset, rows_[r].length));
      if (plan_.guard_field >= 0) {
        const auto g = static_cast<std::size_t>(plan_.guard_field);
        const auto created = fields_.Null(g) ? std::optional<Micros>()
                                             : GuardTime(fields_.wire(g), fields_.Raw(g));
        guard.state = fields_.Null(g) ? match::Guard::kNull
                      : created       ? match::Guard::kTime
                                      : match::Guard::kUnreadable;
        if (created) guard.time = *created;
      }
    }
    switch (match_.Decide(guard)) {
      case match::RowFate::kHeld:
        ++counts_.held;
        return;
      case match::RowFate::kGuardUnreadable:
        ++counts_.guard_unreadable;
        [[fallthrough]];
      case match::RowFate::kKeptByGuard:
        ++counts_.kept_by_guard;
        return;
      case match::RowFate::kApply:
        break;
    }
    const Action action = plan_.action();
    if (action == Action::kRetain) {
      ++counts_.retained;
      return;
    }
    // Anonymized already: matched only through sources the map keeps, every 'set' column done.
    if (action == Action::kAnonymize && !through_changed_source &&
        AlreadyAnonymized(plan_, key_, fields_)) {
      ++counts_.already_anonymized;
      return;
    }
    seen_[applicable / 64] |= std::uint64_t{1} << (applicable % 64);
    if (action == Action::kRefresh) {  // a materialized view: still present, nothing to locate
      ++counts_.to_change;
      return;
    }
    const std::size_t k = plan_.locator.size();
    for (std::size_t i = 0; i < k; ++i) {
      values_[i] = fields_.Value(static_cast<std::size_t>(plan_.locator_fields[i]));
      pointers_[i] = &values_[i];
    }
    for (std::size_t s = 0; s < plan_.sets.size(); ++s) {
      const SetTarget& set = plan_.sets[s];
      const auto f = static_cast<std::size_t>(set.field);
      const bool keep = set.strategy == Strategy::kHash && !fields_.Null(f);
      if (keep) values_[k + s] = fields_.Value(f);
      pointers_[k + s] = keep ? &values_[k + s] : nullptr;
    }
    scan_.rows.Add(pointers_.data());
  }

  const TablePlan& plan_;
  const TombstoneTable& tombstones_;
  match::RowMatch match_;
  const tombstones::Key& key_;
  TableScan& scan_;
  TableCounts& counts_;
  Fields fields_;
  std::string normalized_;
  std::string arena_;  // the batch's rows
  std::vector<Row> rows_;
  std::vector<ProbeEntry> probes_;
  std::vector<std::string_view> values_;
  std::vector<const std::string_view*> pointers_;
  std::vector<std::uint64_t> seen_;  // bitmap of tombstones behind changes
  std::string error_;
};

}  // namespace

void Progress::Start(const std::string& table, double estimated_rows) {
  table_ = table;
  estimate_ = estimated_rows;
  line_.Restart();
}

std::string Progress::Text(std::uint64_t rows) const {
  std::string text = fmt::format("{}: {} rows", table_, rows);
  if (estimate_ > 0) text += fmt::format(" ({:.0f}%)", std::min(100.0, 100.0 * rows / estimate_));
  return text;
}

namespace {

// One pass with rows from `feed` (which hands each binary row message to its argument).
Result<TableScan> Scan(const TablePlan& plan, const TombstoneTable& tombstones,
                       const tombstones::Key& key, const std::string& what,
                       const std::function<Status(const std::function<void(std::string_view)>&)>&
                           feed,
                       Progress* progress, std::atomic<std::uint64_t>* shared_rows = nullptr) {
  TableScan scan;
  scan.plan = &plan;
  const std::size_t width = plan.locator.size() + plan.sets.size();
  std::vector<bool> tids(width, false);
  for (std::size_t i = 0; i < plan.locator.size(); ++i) tids[i] = plan.locator_types[i] == "tid";
  scan.rows = RowsToChange(width, std::move(tids));
  TableCounts& counts = scan.counts;
  const double started = Seconds();
  if (progress != nullptr) progress->Start(plan.Display(), plan.relation.estimated_rows);
  Scanner scanner(plan, tombstones, key, scan);
  constexpr std::uint64_t kStep = 4096;  // rows between two additions to *shared_rows
  Status copied = feed([&](std::string_view message) {
    scanner.Add(message);
    if (progress != nullptr) progress->Tick(counts.scanned);
    if (shared_rows != nullptr && counts.scanned % kStep == 0 && counts.scanned > 0)
      shared_rows->fetch_add(kStep, std::memory_order_relaxed);
  });
  scanner.Flush();
  if (shared_rows != nullptr)
    shared_rows->fetch_add(counts.scanned % kStep, std::memory_order_relaxed);
  if (progress != nullptr) progress->Finish(counts.scanned);
  if (!copied.ok()) return copied;
  if (!scanner.error().empty()) return Status::Failed("unable to " + what + ": " + scanner.error());
  scan.requests = scanner.Requests();
  if (plan.action() != Action::kRefresh) counts.to_change = scan.rows.size();
  counts.scan_seconds = Seconds() - started;
  return scan;
}

}  // namespace

Result<TableScan> ScanTable(pg::Session& session, const TablePlan& plan,
                            const TombstoneTable& tombstones, const tombstones::Key& key,
                            Progress& progress) {
  const std::string what = "scan table '" + plan.Display() + "'";
  return Scan(
      plan, tombstones, key, what,
      [&](const std::function<void(std::string_view)>& row) {
        return session.Copy(what, plan.select, row, pg::Session::CopyFormat::kBinary);
      },
      &progress);
}

Result<TableScan> ScanPart(pg::Session& session, const TablePlan& plan,
                           const TombstoneTable& tombstones, const tombstones::Key& key,
                           const std::string& condition, std::atomic<std::uint64_t>* rows) {
  const std::string what = "scan table '" + plan.Display() + "'";
  const std::string select = condition.empty() ? plan.select : plan.select + " WHERE " + condition;
  return Scan(
      plan, tombstones, key, what,
      [&](const std::function<void(std::string_view)>& row) {
        return session.Copy(what, select, row, pg::Session::CopyFormat::kBinary);
      },
      nullptr, rows);
}

void MergeScan(TableScan& into, TableScan&& part) {
  TableCounts& c = into.counts;
  const TableCounts& p = part.counts;
  c.scanned += p.scanned;
  c.matched += p.matched;
  c.to_change += p.to_change;
  c.deleted += p.deleted;
  c.anonymized += p.anonymized;
  c.already_anonymized += p.already_anonymized;
  c.retained += p.retained;
  c.kept_by_guard += p.kept_by_guard;
  c.guard_unreadable += p.guard_unreadable;
  c.held += p.held;
  c.scan_seconds += p.scan_seconds;
  c.apply_seconds += p.apply_seconds;
  into.rows.Append(part.rows);
  into.updated.Append(part.updated);
  std::vector<std::uint32_t> requests;
  requests.reserve(into.requests.size() + part.requests.size());
  std::set_union(into.requests.begin(), into.requests.end(), part.requests.begin(),
                 part.requests.end(), std::back_inserter(requests));
  into.requests = std::move(requests);
}

Result<TableScan> ScanRows(pg::Session& session, const TablePlan& plan,
                           const TombstoneTable& tombstones, const tombstones::Key& key,
                           const std::string& condition, const std::vector<std::string>& params) {
  return ScanWhere(session, plan, tombstones, key, condition, params,
                   "read again the changed rows of '" + plan.Display() + "'");
}

Result<TableScan> ScanWhere(pg::Session& session, const TablePlan& plan,
                            const TombstoneTable& tombstones, const tombstones::Key& key,
                            const std::string& condition, const std::vector<std::string>& params,
                            const std::string& what) {
  return Scan(
      plan, tombstones, key, what,
      [&](const std::function<void(std::string_view)>& row) {
        return session.QueryBinary(what, plan.select + " p WHERE " + condition, params, row);
      },
      nullptr);
}

}  // namespace tombstone::replay

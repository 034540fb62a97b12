#include "src/replay/scan.h"

#include <chrono>
#include <cstring>
#include <limits>
#include <ostream>

#include <fmt/format.h>

#include "src/pg/copy_text.h"
#include "src/replay/guard_time.h"

namespace tombstone::replay {
namespace {

using Clock = std::chrono::steady_clock;
using Strategy = AnonymizeSet::Strategy;

double Seconds() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

// One COPY text row split into fields: views into the line; a field is unescaped (into a buffer
// of its own) only when it holds a backslash, which identifiers almost never do.
class Fields {
 public:
  void Split(std::string_view line) {
    raw_.clear();
    const char* p = line.data();
    const char* const end = p + line.size();
    while (true) {
      const auto* tab = static_cast<const char*>(std::memchr(p, '\t', static_cast<std::size_t>(end - p)));
      const char* stop = tab == nullptr ? end : tab;
      raw_.emplace_back(p, static_cast<std::size_t>(stop - p));
      if (tab == nullptr) break;
      p = tab + 1;
    }
    if (scratch_.size() < raw_.size()) scratch_.resize(raw_.size());
  }
  bool Null(std::size_t i) const {
    const std::string_view r = raw_[i];
    return r.size() == 2 && r[0] == '\\' && r[1] == 'N';
  }
  // The unescaped value; valid until the next Split.
  std::string_view Value(std::size_t i) {
    const std::string_view r = raw_[i];
    if (std::memchr(r.data(), '\\', r.size()) == nullptr) return r;
    pg::UnescapeCopyField(r, &scratch_[i]);
    return scratch_[i];
  }

 private:
  std::vector<std::string_view> raw_;
  std::vector<std::string> scratch_;
};

// Whether every anonymized column of the row already holds its strategy's value, so that a
// second replay changes nothing.
bool AlreadyAnonymized(const TablePlan& plan, Fields& fields) {
  for (const SetTarget& set : plan.sets) {
    const bool null = fields.Null(static_cast<std::size_t>(set.field));
    const std::string_view value = null ? std::string_view() : fields.Value(static_cast<std::size_t>(set.field));
    switch (set.strategy) {
      case Strategy::kNull:
        if (!null) return false;
        break;
      case Strategy::kHash:
        if (!null && !tombstones::Key::LooksLikePseudonym(value)) return false;
        break;
      case Strategy::kRedact:
      case Strategy::kLiteral:
        if (null || value != set.value) return false;
        break;
    }
  }
  return true;
}

// The scan's hot path. Rows are taken in batches: each row's identifiers are normalized and
// hashed and their table slots prefetched as the row arrives; the batch is then probed, so that
// the cache misses of a large tombstone set overlap instead of stalling one by one. Only a row
// with a match is split again to decide what happens to it.
class Scanner {
 public:
  static constexpr std::size_t kBatch = 32;

  Scanner(const TablePlan& plan, const TombstoneSet& tombstones, TableScan& scan)
      : plan_(plan), tombstones_(tombstones), scan_(scan), counts_(scan.counts),
        sources_(plan.sources.size()), seen_((tombstones.tombstones() + 63) / 64, 0) {
    hashes_.resize(kBatch * sources_);
    hashed_.resize(kBatch * sources_);
    values_.resize(plan.locator.size() + plan.sets.size());
    pointers_.resize(values_.size());
  }

  void Add(std::string_view line) {
    const std::size_t r = lines_.size();
    lines_.emplace_back(arena_.size(), line.size());
    arena_.append(line);
    fields_.Split(line);
    for (std::size_t s = 0; s < sources_; ++s) {
      const KeySource& source = plan_.sources[s];
      const auto f = static_cast<std::size_t>(source.field);
      bool ok = false;
      if (!fields_.Null(f)) {
        const std::string_view value = fields_.Value(f);
        if (source.normalizer == tombstones::Normalizer::kExact) {
          ok = !value.empty();  // Normalize(kExact) is the value itself
          if (ok) hashes_[r * sources_ + s] = source.hasher->Hash(value);
        } else {
          ok = tombstones::Normalize(source.normalizer, value, &normalized_);
          if (ok) hashes_[r * sources_ + s] = source.hasher->Hash(normalized_);
        }
        if (ok) tombstones_.Prefetch(hashes_[r * sources_ + s]);
      }
      hashed_[r * sources_ + s] = ok;
    }
    if (lines_.size() == kBatch) Flush();
  }

  void Flush() {
    for (std::size_t r = 0; r < lines_.size(); ++r) Decide(r);
    lines_.clear();
    arena_.clear();
  }

  // The tombstones behind the rows to change, ascending.
  std::vector<std::uint32_t> Requests() const {
    std::vector<std::uint32_t> out;
    for (std::size_t w = 0; w < seen_.size(); ++w)
      for (std::uint64_t bits = seen_[w]; bits != 0; bits &= bits - 1)
        out.push_back(static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits))));
    return out;
  }

 private:
  void Decide(std::size_t r) {
    std::uint32_t applicable = TombstoneSet::kNone;
    bool held = false;
    for (std::size_t s = 0; s < sources_; ++s) {
      if (!hashed_[r * sources_ + s]) continue;
      const std::uint32_t t = tombstones_.Find(hashes_[r * sources_ + s]);
      if (t == TombstoneSet::kNone) continue;
      if (tombstones_.held(t)) {
        held = true;
      } else if (applicable == TombstoneSet::kNone ||
                 tombstones_.erased_at(t) > tombstones_.erased_at(applicable)) {
        applicable = t;
      }
    }
    if (!held && applicable == TombstoneSet::kNone) return;
    ++counts_.matched;
    if (held) {  // a legal hold on any of the row's subjects keeps the row as it is
      ++counts_.held;
      return;
    }
    fields_.Split(std::string_view(arena_).substr(lines_[r].first, lines_[r].second));
    if (plan_.guard_field >= 0) {
      const auto g = static_cast<std::size_t>(plan_.guard_field);
      // Created after the erasure: a new sign-up with a reused identifier. A value that cannot
      // be read counts as created after it: the row is kept rather than lost.
      const auto created = fields_.Null(g) ? std::optional<Micros>(std::numeric_limits<Micros>::min())
                                           : ParseGuardTime(fields_.Value(g));
      if (!created || *created > tombstones_.erased_at(applicable)) {
        ++counts_.kept_by_guard;
        return;
      }
    }
    const Action action = plan_.map->action;
    if (action == Action::kRetain) {
      ++counts_.retained;
      return;
    }
    if (action == Action::kAnonymize && AlreadyAnonymized(plan_, fields_)) {
      ++counts_.already_anonymized;
      return;
    }
    const std::size_t k = plan_.locator.size();
    for (std::size_t i = 0; i < k; ++i) {
      values_[i] = fields_.Value(i);
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
    seen_[applicable / 64] |= std::uint64_t{1} << (applicable % 64);
  }

  const TablePlan& plan_;
  const TombstoneSet& tombstones_;
  TableScan& scan_;
  TableCounts& counts_;
  const std::size_t sources_;
  Fields fields_;
  std::string normalized_;
  std::string arena_;                                       // the batch's lines
  std::vector<std::pair<std::size_t, std::size_t>> lines_;  // offset and length in arena_
  std::vector<Hash128> hashes_;                             // kBatch x sources
  std::vector<bool> hashed_;
  std::vector<std::string_view> values_;
  std::vector<const std::string_view*> pointers_;
  std::vector<std::uint64_t> seen_;                         // bitmap of tombstones behind changes
};

}  // namespace

void SplitCopyLine(std::string_view line, std::vector<std::string>* fields,
                   std::vector<bool>* nulls) {
  Fields split;
  split.Split(line);
  std::size_t n = 0;
  for (std::size_t start = 0;; ++n) {
    const std::size_t end = line.find('\t', start);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  ++n;
  fields->resize(n);
  nulls->resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    (*nulls)[i] = split.Null(i);
    if ((*nulls)[i]) (*fields)[i].clear();
    else (*fields)[i].assign(split.Value(i));
  }
}

void Progress::Start(const std::string& table, double estimated_rows) {
  table_ = table;
  estimate_ = estimated_rows;
  last_shown_ = Seconds();
}

void Progress::Show(std::uint64_t rows, bool last) {
  const double now = Seconds();
  if (!last && now - last_shown_ < 0.5) return;
  last_shown_ = now;
  std::string line = fmt::format("\r{}: {} rows", table_, rows);
  if (estimate_ > 0) line += fmt::format(" ({:.0f}%)", std::min(100.0, 100.0 * rows / estimate_));
  err_ << line << (last ? "\n" : "") << std::flush;
}

void Progress::Finish(std::uint64_t rows) {
  if (enabled_) Show(rows, true);
}

Result<TableScan> ScanTable(pg::Session& session, const TablePlan& plan,
                            const TombstoneSet& tombstones, Progress& progress) {
  TableScan scan;
  scan.plan = &plan;
  scan.rows = RowsToChange(plan.locator.size() + plan.sets.size());
  TableCounts& counts = scan.counts;
  const double started = Seconds();
  progress.Start(plan.Display(), plan.relation.estimated_rows);
  Scanner scanner(plan, tombstones, scan);
  Status copied = session.Copy("scan table '" + plan.Display() + "'", plan.select,
                               [&](std::string_view line) {
                                 progress.Tick(++counts.scanned);
                                 scanner.Add(line);
                               });
  scanner.Flush();
  progress.Finish(counts.scanned);
  if (!copied.ok()) return copied;
  scan.requests = scanner.Requests();
  counts.to_change = scan.rows.size();
  counts.scan_seconds = Seconds() - started;
  return scan;
}

}  // namespace tombstone::replay

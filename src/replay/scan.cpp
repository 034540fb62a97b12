#include "src/replay/scan.h"

#include <chrono>
#include <ostream>

#include <fmt/format.h>

namespace tombstone::replay {
namespace {

using Clock = std::chrono::steady_clock;
using Strategy = AnonymizeSet::Strategy;

double Seconds() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

bool IsPseudonym(std::string_view v) {
  if (v.size() != 32) return false;
  for (char c : v)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// Whether every anonymized column of the row already holds its strategy's value, so that a
// second replay changes nothing.
bool AlreadyAnonymized(const TablePlan& plan, const std::vector<std::string>& fields,
                       const std::vector<bool>& nulls) {
  for (const SetTarget& set : plan.sets) {
    const bool null = nulls[set.field];
    const std::string& value = fields[set.field];
    switch (set.strategy) {
      case Strategy::kNull:
        if (!null) return false;
        break;
      case Strategy::kHash:
        if (!null && !IsPseudonym(value)) return false;
        break;
      case Strategy::kRedact:
      case Strategy::kLiteral:
        if (null || value != set.value) return false;
        break;
    }
  }
  return true;
}

}  // namespace

void SplitCopyLine(std::string_view line, std::vector<std::string>* fields,
                   std::vector<bool>* nulls) {
  std::size_t n = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find('\t', start);
    if (end == std::string_view::npos) end = line.size();
    const std::string_view raw = line.substr(start, end - start);
    if (fields->size() <= n) fields->emplace_back(), nulls->push_back(false);
    std::string& out = (*fields)[n];
    out.clear();
    (*nulls)[n] = raw == "\\N";
    if (!(*nulls)[n]) {
      for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\\' && i + 1 < raw.size()) {
          c = raw[++i];
          switch (c) {
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'v': c = '\v'; break;
            default: break;  // \\ and any other escaped character stand for themselves
          }
        }
        out.push_back(c);
      }
    }
    ++n;
    if (end == line.size()) break;
    start = end + 1;
  }
  fields->resize(n);
  nulls->resize(n);
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
  TableCounts& counts = scan.counts;
  const double started = Seconds();
  const std::size_t locators = plan.locator.size();
  const Action action = plan.map->action;
  std::vector<std::string> fields;
  std::vector<bool> nulls;
  std::string normalized;
  progress.Start(plan.Display(), plan.relation.estimated_rows);

  Status copied = session.Copy("scan table '" + plan.Display() + "'", plan.select,
                               [&](std::string_view line) {
    progress.Tick(++counts.scanned);
    SplitCopyLine(line, &fields, &nulls);
    std::uint32_t applicable = TombstoneSet::kNone;
    bool held = false;
    for (const KeySource& source : plan.sources) {
      if (nulls[source.field]) continue;
      if (!tombstones::Normalize(source.normalizer, fields[source.field], &normalized)) continue;
      const std::uint32_t t = tombstones.Find(source.hasher->Hash(normalized));
      if (t == TombstoneSet::kNone) continue;
      if (tombstones.held(t)) {
        held = true;
      } else if (applicable == TombstoneSet::kNone ||
                 tombstones.erased_at(t) > tombstones.erased_at(applicable)) {
        applicable = t;
      }
    }
    if (!held && applicable == TombstoneSet::kNone) return;
    ++counts.matched;
    if (held) {  // a legal hold on any of the row's subjects keeps the row as it is
      ++counts.held;
      return;
    }
    if (plan.guard_field >= 0 && !nulls[plan.guard_field] &&
        std::stoll(fields[plan.guard_field]) > tombstones.erased_at(applicable)) {
      ++counts.kept_by_guard;
      return;
    }
    if (action == Action::kRetain) {
      ++counts.retained;
      return;
    }
    if (action == Action::kAnonymize && AlreadyAnonymized(plan, fields, nulls)) {
      ++counts.already_anonymized;
      return;
    }
    RowToChange row;
    row.locator.assign(fields.begin(), fields.begin() + static_cast<std::ptrdiff_t>(locators));
    for (const SetTarget& set : plan.sets) {
      if (set.strategy == Strategy::kHash && !nulls[set.field]) row.hashed.emplace_back(fields[set.field]);
      else row.hashed.emplace_back(std::nullopt);
    }
    row.tombstone = applicable;
    scan.requests.insert(applicable);
    scan.rows.push_back(std::move(row));
  });
  progress.Finish(counts.scanned);
  if (!copied.ok()) return copied;
  counts.to_change = scan.rows.size();
  counts.scan_seconds = Seconds() - started;
  return scan;
}

}  // namespace tombstone::replay

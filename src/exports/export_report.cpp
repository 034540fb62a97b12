#include "src/exports/export_report.h"

#include <nlohmann/json.hpp>

#include "src/io/json_text.h"

namespace tombstone::exports {

std::string_view OutcomeName(Outcome o, bool scrubbed) {
  switch (o) {
    case Outcome::kRemoved:
      return scrubbed ? "removed" : "remove";
    case Outcome::kChanged:
      return scrubbed ? "anonymized" : "anonymize";
    case Outcome::kRetained:
      return "retained";
    case Outcome::kHeld:
      return "held";
    case Outcome::kKeptByGuard:
      return "kept-by-guard";
    case Outcome::kGuardUnreadable:
      return "kept-guard-unreadable";
    case Outcome::kAnonymizedBefore:
      return "already-anonymized";
  }
  return "?";
}

void Counts::Add(Outcome o) {
  ++matched;
  switch (o) {
    case Outcome::kRemoved:
      ++removed;
      break;
    case Outcome::kChanged:
      ++changed;
      break;
    case Outcome::kRetained:
      ++retained;
      break;
    case Outcome::kHeld:
      ++held;
      break;
    case Outcome::kGuardUnreadable:
      ++guard_unreadable;
      ++guarded;
      break;
    case Outcome::kKeptByGuard:
      ++guarded;
      break;
    case Outcome::kAnonymizedBefore:
      ++anonymized_before;
      break;
  }
}

void FileReport::Record(long line, const std::string& where, const std::string& request_id,
                        Outcome o, Counts* table) {
  counts.Add(o);
  if (table != nullptr) table->Add(o);
  if (max_matches != 0 && matches.size() >= max_matches) {
    ++matches_omitted;
    return;
  }
  matches.push_back({line, where, request_id, o});
}

namespace {

nlohmann::json CountsJson(const Counts& c) {
  return {{"rows", c.rows},
          {"matched", c.matched},
          {"removed", c.removed},
          {"anonymized", c.changed},
          {"retained", c.retained},
          {"held", c.held},
          {"kept_by_guard", c.guarded},
          {"guard_unreadable", c.guard_unreadable},
          {"already_anonymized", c.anonymized_before}};
}

void PrintJson(std::ostream& out, const std::vector<FileReport>& reports, bool scrubbed) {
  nlohmann::json files = nlohmann::json::array();
  for (const FileReport& r : reports) {
    nlohmann::json f = {{"file", r.path},
                        {"format", r.format},
                        {"compressed", r.compressed},
                        {"bytes", r.bytes},
                        {"not_evaluable_rows", r.not_evaluable},
                        {"cascade_removed_rows", r.cascade_removed},
                        {"cascade_set_null_rows", r.cascade_set_null},
                        {"matches_omitted", r.matches_omitted},
                        {"warnings", r.warnings}};
    f.update(CountsJson(r.counts));
    nlohmann::json tables = nlohmann::json::array();
    for (const TableReport& t : r.tables) {
      nlohmann::json tj = {{"table", t.name}};
      tj.update(CountsJson(t.counts));
      tables.push_back(std::move(tj));
    }
    if (r.format == "pg_dump") f["tables"] = std::move(tables);
    nlohmann::json matches = nlohmann::json::array();
    for (const MatchRecord& m : r.matches)
      matches.push_back({{"line", m.line},
                         {r.format == "pg_dump" ? "table" : "column", m.where},
                         {"request", m.request_id},
                         {"action", OutcomeName(m.outcome, scrubbed)}});
    f["matches"] = std::move(matches);
    files.push_back(std::move(f));
  }
  out << io::JsonText(nlohmann::json{{"scrubbed", scrubbed}, {"files", std::move(files)}}, 2)
      << '\n';
}

}  // namespace

void PrintReports(std::ostream& out, const std::vector<FileReport>& reports, io::Format format,
                  bool scrubbed) {
  if (format == io::Format::kJson) return PrintJson(out, reports, scrubbed);
  io::Table summary({"file", "format", "rows", "matched", scrubbed ? "removed" : "to remove",
                 scrubbed ? "anonymized" : "to anonymize", "retained", "held", "kept-by-guard",
                 "already anonymized"});
  for (const FileReport& r : reports) {
    const Counts& c = r.counts;
    summary.Add({r.path, r.format + (r.compressed ? "+zstd" : ""), std::to_string(c.rows),
                 std::to_string(c.matched), std::to_string(c.removed), std::to_string(c.changed),
                 std::to_string(c.retained), std::to_string(c.held), std::to_string(c.guarded),
                 std::to_string(c.anonymized_before)});
  }
  summary.Print(out, format);
  io::Table tables({"file", "table", "rows", "matched", scrubbed ? "removed" : "to remove",
                scrubbed ? "anonymized" : "to anonymize", "retained", "held", "kept-by-guard",
                "already anonymized"});
  for (const FileReport& r : reports)
    for (const TableReport& t : r.tables) {
      const Counts& c = t.counts;
      tables.Add({r.path, t.name, std::to_string(c.rows), std::to_string(c.matched),
                  std::to_string(c.removed), std::to_string(c.changed), std::to_string(c.retained),
                  std::to_string(c.held), std::to_string(c.guarded),
                  std::to_string(c.anonymized_before)});
    }
  if (!tables.empty()) {
    out << '\n';
    tables.Print(out, format);
  }
  io::Table matches({"file", "line", "table or column", "request", "action"});
  for (const FileReport& r : reports)
    for (const MatchRecord& m : r.matches)
      matches.Add({r.path, std::to_string(m.line), m.where, m.request_id,
                   std::string(OutcomeName(m.outcome, scrubbed))});
  if (!matches.empty()) {
    out << '\n';
    matches.Print(out, format);
  }
  for (const FileReport& r : reports)
    if (r.matches_omitted > 0)
      out << r.path << ": " << r.matches_omitted
          << " more matches not listed (--all-matches lists them all)\n";
}

}  // namespace tombstone::exports

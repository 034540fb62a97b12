// Table, CSV and JSON output of 'tombstone pending'.
#include "src/compliance/pending_report.h"

#include <nlohmann/json.hpp>

#include "src/io/table_text.h"
#include "src/io/json_text.h"

namespace tombstone::compliance {
namespace {

using nlohmann::json;
using tombstones::FormatTime;

std::string Join(const std::vector<std::string>& items, const char* separator) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : separator) + item;
  return s;
}

// "a, b" or "a … z (N)" for people; scripts get the full list.
std::string BackupsText(std::span<const tombstones::BackupRecord> holding) {
  if (holding.empty()) return "-";
  if (holding.size() <= 2) {
    std::string s = holding[0].id;
    if (holding.size() == 2) s += ", " + holding[1].id;
    return s;
  }
  return holding.front().id + " … " + holding.back().id + " (" + std::to_string(holding.size()) +
         ")";
}

json Time(const std::optional<Micros>& t) { return t ? json(FormatTime(*t)) : json(); }

class TableReport final : public PendingReport {
 public:
  explicit TableReport(std::ostream& out)
      : out_(out), table_({"request", "erased_at", "backups", "ages_out", "hold", "reapplied"}) {}
  void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
           std::span<const tombstones::BackupRecord> holding) override {
    table_.Add({t.request_id, FormatTime(t.erased_at), BackupsText(holding), AgesOutText(v),
                t.hold_reason.value_or(""), ReappliedText(v)});
  }
  void Finish(const PendingSummary& summary, const ReportFacts& facts) override {
    if (!table_.empty()) table_.Print(out_, io::Format::kTable);
    out_ << SummaryLine(summary) << '\n';
    if (const std::string note = ReceiptsNote(facts.receipts); !note.empty()) out_ << note << '\n';
    const CatalogCoverage& c = facts.coverage;
    out_ << "\nbackup catalog: " << CatalogLine(c) << '\n';
    if (c.sources.empty()) return;
    io::Table sources({"source", "backups", "unexpired", "last_import", "state"});
    for (const SourceCoverage& s : c.sources)
      sources.Add({SourceName(s), std::to_string(s.backups), std::to_string(s.unexpired),
                   s.last_import ? FormatTime(*s.last_import) : "unknown",
                   std::string(StateName(s.state))});
    sources.Print(out_, io::Format::kTable);
  }

 private:
  std::ostream& out_;
  io::Table table_;
};

class CsvReport final : public PendingReport {
 public:
  explicit CsvReport(std::ostream& out) : out_(out) {
    io::WriteCsvRow(out_, {"request", "erased_at", "backups", "newest_backup", "ages_out", "hold",
                       "reapplied_seq", "reapplied_at", "kinds_not_covered", "not_covered_seq"});
  }
  void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
           std::span<const tombstones::BackupRecord> holding) override {
    io::WriteCsvRow(
        out_,
        {t.request_id, FormatTime(t.erased_at), std::to_string(holding.size()),
         holding.empty() ? "" : holding.back().id, AgesOutText(v), t.hold_reason.value_or(""),
         v.reapplied ? std::to_string(v.reapplied->seq) : "",
         v.reapplied ? FormatTime(v.reapplied->finished_at) : "", Join(v.kinds_not_matched, " "),
         v.not_matched_by ? std::to_string(v.not_matched_by->seq) : ""});
  }
  void Finish(const PendingSummary&, const ReportFacts&) override {}

 private:
  std::ostream& out_;
};

class JsonReport final : public PendingReport {
 public:
  JsonReport(std::ostream& out, Micros at, std::span<const tombstones::BackupRecord> live)
      : out_(out) {
    json backups = json::array();
    for (const auto& b : live)
      backups.push_back(
          {{"id", b.id}, {"taken_at", FormatTime(b.taken_at)}, {"expires_at", Time(b.expires_at)}});
    out_ << "{\"at\": " << io::JsonText(json(FormatTime(at)))
         << ",\n\"backups\": " << io::JsonText(backups) << ",\n\"pending\": [";
  }
  void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
           std::span<const tombstones::BackupRecord> holding) override {
    json row = {{"request", t.request_id}, {"erased_at", FormatTime(t.erased_at)}};
    // The holders are always the oldest unexpired backups: a count and the newest of them.
    row["backups"] = holding.size();
    row["newest_backup"] = holding.empty() ? json() : json(holding.back().id);
    row["ages_out"] = holding.empty() ? json() : json(AgesOutText(v));
    row["hold"] = t.hold_reason ? json(*t.hold_reason) : json();
    row["reapplied"] = v.reapplied ? json{{"seq", v.reapplied->seq},
                                          {"finished_at", FormatTime(v.reapplied->finished_at)},
                                          {"kinds_not_covered", v.kinds_not_matched}}
                                   : json();
    row["not_covered_by"] = v.not_matched_by ? json(v.not_matched_by->seq) : json();
    out_ << (first_ ? "\n" : ",\n") << io::JsonText(row);
    first_ = false;
  }
  void Finish(const PendingSummary& s, const ReportFacts& facts) override {
    const json summary = {{"tombstones", s.considered},
                          {"pending", s.pending},
                          {"held", s.held},
                          {"unknown", s.unknown},
                          {"not_covered", s.not_matched},
                          {"next_age_out", Time(s.next_age_out)},
                          {"last_age_out", Time(s.last_age_out)}};
    const CatalogCoverage& c = facts.coverage;
    json sources = json::array();
    for (const SourceCoverage& src : c.sources)
      sources.push_back({{"source", src.source},
                         {"scope", src.scope.empty() ? json() : json(src.scope)},
                         {"backups", src.backups},
                         {"unexpired", src.unexpired},
                         {"last_import", Time(src.last_import)},
                         {"state", std::string(StateName(src.state))}});
    const json catalog = {{"backups", c.backups},
                          {"unexpired", c.unexpired},
                          {"removed", c.removed},
                          {"checked_at", FormatTime(c.checked_at)},
                          {"stale_after_seconds", c.stale_after / 1000000},
                          {"sources", sources},
                          {"warnings", c.warnings}};
    const json store = {{"fingerprint", facts.store_fingerprint},
                        {"tombstones", facts.digest.tombstones},
                        {"held", facts.digest.held},
                        {"digest", facts.digest.hash}};
    const json receipts = {{"crediting", facts.receipts.crediting},
                           {"without_kinds", facts.receipts.no_kinds}};
    out_ << (first_ ? "]" : "\n]") << ",\n\"summary\": " << io::JsonText(summary)
         << ",\n\"catalog\": " << io::JsonText(catalog) << ",\n\"store\": " << io::JsonText(store)
         << ",\n\"receipts\": " << io::JsonText(receipts) << "}\n";
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

}  // namespace

tombstones::Result<ReportKind> ParseReportKind(const std::string& format) {
  if (format == "table") return ReportKind::kTable;
  if (format == "json") return ReportKind::kJson;
  if (format == "csv") return ReportKind::kCsv;
  if (format == "html") return ReportKind::kHtml;
  return tombstones::Status::Usage("unable to use --format '" + format +
                                   "': expected table, json, csv or html");
}

std::unique_ptr<PendingReport> PendingReport::Make(ReportKind kind, std::ostream& out,
                                                   const PendingIndex& index) {
  const Micros at = index.at();
  switch (kind) {
    case ReportKind::kJson:
      return std::make_unique<JsonReport>(out, at, index.Live());
    case ReportKind::kCsv:
      return std::make_unique<CsvReport>(out);
    case ReportKind::kHtml:
      return MakeHtmlReport(out, at);
    case ReportKind::kTable:
      break;
  }
  return std::make_unique<TableReport>(out);
}

std::string AgesOutText(const PendingVerdict& v) {
  if (v.ages_out_unknown) return "unknown";
  if (v.ages_out) return FormatTime(*v.ages_out);
  return "-";
}

std::string ReappliedText(const PendingVerdict& v) {
  if (v.reapplied != nullptr) {
    std::string s =
        "#" + std::to_string(v.reapplied->seq) + " " + FormatTime(v.reapplied->finished_at);
    if (!v.kinds_not_matched.empty()) s += " except " + Join(v.kinds_not_matched, ", ");
    return s;
  }
  if (v.not_matched_by != nullptr)
    return "not covered (#" + std::to_string(v.not_matched_by->seq) + ")";
  return "none";
}

std::string ReceiptsNote(const ReceiptTally& receipts) {
  if (receipts.no_kinds == 0) return "";
  return std::to_string(receipts.no_kinds) +
         (receipts.no_kinds == 1 ? " replay receipt does" : " replay receipts do") +
         " not say which kinds its map could match: credited with nothing (docs/compliance.md)";
}

std::string CatalogLine(const CatalogCoverage& c) {
  if (c.backups == 0 && c.sources.empty())
    return c.removed == 0 ? "empty" : "empty; " + std::to_string(c.removed) + " removed by hand";
  std::string line = std::to_string(c.backups) + (c.backups == 1 ? " backup (" : " backups (") +
                     std::to_string(c.unexpired) + " unexpired) from " +
                     std::to_string(c.sources.size()) +
                     (c.sources.size() == 1 ? " source" : " sources") + "; imports older than " +
                     Duration(c.stale_after) + " are stale";
  if (c.removed > 0) line += "; " + std::to_string(c.removed) + " removed by hand";
  return line;
}

std::string SummaryLine(const PendingSummary& s) {
  std::string line = std::to_string(s.pending) + " pending (" + std::to_string(s.held) + " held, " +
                     std::to_string(s.unknown) + " with an unknown age-out date) of " +
                     std::to_string(s.considered) +
                     (s.considered == 1 ? " tombstone" : " tombstones") + "; next age-out " +
                     (s.next_age_out ? FormatTime(*s.next_age_out) : std::string("none"));
  if (s.not_matched > 0)
    line += "; " + std::to_string(s.not_matched) +
            " not covered: the last replay's map could match none of their kinds";
  return line;
}

}  // namespace tombstone::compliance

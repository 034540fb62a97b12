// Table, CSV and JSON output of 'tombstone pending'.
#include "src/compliance/pending_report.h"

#include <nlohmann/json.hpp>

#include "src/cli/output.h"
#include "src/io/json_text.h"

namespace tombstone::compliance {
namespace {

using tombstones::FormatTime;

std::string ReceiptText(const PendingVerdict& v) {
  if (!v.reapplied) return "none";
  return "#" + std::to_string(v.reapplied->seq) + " " + FormatTime(v.reapplied->finished_at);
}

// "a, b" or "a … z (N)" for people; scripts get the full list.
std::string BackupsText(std::span<const tombstones::BackupRecord> holding) {
  if (holding.empty()) return "-";
  if (holding.size() <= 2) {
    std::string s = holding[0].id;
    if (holding.size() == 2) s += ", " + holding[1].id;
    return s;
  }
  return holding.front().id + " … " + holding.back().id + " (" + std::to_string(holding.size()) + ")";
}

class TableReport final : public PendingReport {
 public:
  explicit TableReport(std::ostream& out)
      : out_(out), table_({"request", "erased_at", "backups", "ages_out", "hold", "reapplied"}) {}
  void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
           std::span<const tombstones::BackupRecord> holding) override {
    table_.Add({t.request_id, FormatTime(t.erased_at), BackupsText(holding), AgesOutText(v),
                t.hold_reason.value_or(""), ReceiptText(v)});
  }
  void Finish(const PendingSummary& summary, const std::vector<tombstones::BackupRecord>&) override {
    if (!table_.empty()) table_.Print(out_, tombstone::Format::kTable);
    out_ << SummaryLine(summary) << '\n';
  }

 private:
  std::ostream& out_;
  tombstone::Table table_;
};

class CsvReport final : public PendingReport {
 public:
  explicit CsvReport(std::ostream& out) : out_(out) {
    WriteCsvRow(out_, {"request", "erased_at", "backups", "newest_backup", "ages_out", "hold",
                       "reapplied_seq", "reapplied_at"});
  }
  void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
           std::span<const tombstones::BackupRecord> holding) override {
    WriteCsvRow(out_, {t.request_id, FormatTime(t.erased_at), std::to_string(holding.size()),
                       holding.empty() ? "" : holding.back().id, AgesOutText(v),
                       t.hold_reason.value_or(""),
                       v.reapplied ? std::to_string(v.reapplied->seq) : "",
                       v.reapplied ? FormatTime(v.reapplied->finished_at) : ""});
  }
  void Finish(const PendingSummary&, const std::vector<tombstones::BackupRecord>&) override {}

 private:
  std::ostream& out_;
};

class JsonReport final : public PendingReport {
 public:
  JsonReport(std::ostream& out, Micros at, std::span<const tombstones::BackupRecord> live)
      : out_(out) {
    nlohmann::json backups = nlohmann::json::array();
    for (const auto& b : live)
      backups.push_back({{"id", b.id}, {"taken_at", FormatTime(b.taken_at)},
                         {"expires_at", b.expires_at ? nlohmann::json(FormatTime(*b.expires_at))
                                                     : nlohmann::json()}});
    out_ << "{\"at\": " << io::JsonText(nlohmann::json(FormatTime(at)))
         << ",\n\"backups\": " << io::JsonText(backups) << ",\n\"pending\": [";
  }
  void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
           std::span<const tombstones::BackupRecord> holding) override {
    nlohmann::json row = {{"request", t.request_id}, {"erased_at", FormatTime(t.erased_at)}};
    // The holders are always the oldest unexpired backups: a count and the newest of them.
    row["backups"] = holding.size();
    row["newest_backup"] = holding.empty() ? nlohmann::json() : nlohmann::json(holding.back().id);
    row["ages_out"] = holding.empty() ? nlohmann::json() : nlohmann::json(AgesOutText(v));
    row["hold"] = t.hold_reason ? nlohmann::json(*t.hold_reason) : nlohmann::json();
    row["reapplied"] = v.reapplied ? nlohmann::json{{"seq", v.reapplied->seq},
                                                    {"finished_at", FormatTime(v.reapplied->finished_at)}}
                                   : nlohmann::json();
    out_ << (first_ ? "\n" : ",\n") << io::JsonText(row);
    first_ = false;
  }
  void Finish(const PendingSummary& s, const std::vector<tombstones::BackupRecord>&) override {
    const auto time = [](const std::optional<Micros>& t) {
      return t ? nlohmann::json(FormatTime(*t)) : nlohmann::json();
    };
    const nlohmann::json summary = {{"tombstones", s.considered}, {"pending", s.pending},
                                    {"held", s.held},             {"unknown", s.unknown},
                                    {"next_age_out", time(s.next_age_out)},
                                    {"last_age_out", time(s.last_age_out)}};
    out_ << (first_ ? "]" : "\n]") << ",\n\"summary\": " << io::JsonText(summary) << "}\n";
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
    case ReportKind::kJson: return std::make_unique<JsonReport>(out, at, index.Live());
    case ReportKind::kCsv: return std::make_unique<CsvReport>(out);
    case ReportKind::kHtml: return MakeHtmlReport(out, at);
    case ReportKind::kTable: break;
  }
  return std::make_unique<TableReport>(out);
}

std::string AgesOutText(const PendingVerdict& v) {
  if (v.ages_out_unknown) return "unknown";
  if (v.ages_out) return FormatTime(*v.ages_out);
  return "-";
}

std::string SummaryLine(const PendingSummary& s) {
  std::string line = std::to_string(s.pending) + " pending (" + std::to_string(s.held) + " held, " +
                     std::to_string(s.unknown) + " with an unknown age-out date) of " +
                     std::to_string(s.considered) + " tombstones; next age-out " +
                     (s.next_age_out ? FormatTime(*s.next_age_out) : std::string("none"));
  return line;
}

}  // namespace tombstone::compliance

// How 'tombstone pending' prints: rows as they are found (json, csv stream; table collects to
// align), then the summary. Never an identifier: request ids, dates, backup ids, receipt seqs.
// The backups holding a tombstone are always the N oldest unexpired ones (PendingIndex), so
// scripts get N and the newest holder per row, and json the ordered list of unexpired backups
// once: a million rows stay small.
#pragma once

#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "src/compliance/pending.h"

namespace tombstone::compliance {

enum class ReportKind { kTable, kJson, kCsv, kHtml };
tombstones::Result<ReportKind> ParseReportKind(const std::string& format);

class PendingReport {
 public:
  static std::unique_ptr<PendingReport> Make(ReportKind kind, std::ostream& out,
                                             const PendingIndex& index);
  virtual ~PendingReport() = default;
  virtual void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
                   std::span<const tombstones::BackupRecord> holding) = 0;
  // `catalog`: every backup, for reports that draw the timeline.
  virtual void Finish(const PendingSummary& summary,
                      const std::vector<tombstones::BackupRecord>& catalog) = 0;
};

// "12 pending (2 held, 1 with an unknown age-out date) of 40 tombstones; next age-out
// 2026-03-01T00:00:00Z"
std::string SummaryLine(const PendingSummary& summary);
// RFC 3339, "unknown", or "-" when no backup holds it (pending by legal hold only).
std::string AgesOutText(const PendingVerdict& v);

// The HTML report (pending_html.cpp).
std::unique_ptr<PendingReport> MakeHtmlReport(std::ostream& out, Micros at);

}  // namespace tombstone::compliance

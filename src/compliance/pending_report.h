// How 'tombstone pending' prints: rows as they are found (json, csv stream; table collects to
// align), then the summary and what it rests on (the catalog's coverage, the store, the
// receipts). Never an identifier: request ids, dates, backup ids, receipt seqs, kind names.
// The backups holding a tombstone are always the N oldest unexpired ones (PendingIndex), so
// scripts get N and the newest holder per row, and json the ordered list of unexpired backups
// once: a million rows stay small.
#pragma once

#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "src/compliance/catalog_coverage.h"
#include "src/compliance/pending.h"

namespace tombstone::compliance {

enum class ReportKind { kTable, kJson, kCsv, kHtml };
tombstones::Result<ReportKind> ParseReportKind(const std::string& format);

// What the list rests on, given to Finish.
struct ReportFacts {
  std::vector<tombstones::BackupRecord> catalog;  // every backup, for the reports that list them
  CatalogCoverage coverage;
  std::string store_fingerprint;   // the key's fingerprint recorded in the store
  tombstones::StoreDigest digest;  // of every tombstone, as in receipts
  ReceiptTally receipts;
};

class PendingReport {
 public:
  static std::unique_ptr<PendingReport> Make(ReportKind kind, std::ostream& out,
                                             const PendingIndex& index);
  virtual ~PendingReport() = default;
  virtual void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
                   std::span<const tombstones::BackupRecord> holding) = 0;
  virtual void Finish(const PendingSummary& summary, const ReportFacts& facts) = 0;
};

// "12 pending (2 held, 1 with an unknown age-out date) of 40 tombstones; next age-out
// 2026-03-01T00:00:00Z", and "; 3 not covered: the last replay's map could match none of
// their kinds" when so.
std::string SummaryLine(const PendingSummary& summary);
// RFC 3339, "unknown", or "-" when no backup holds it (pending by legal hold only).
std::string AgesOutText(const PendingVerdict& v);
// "#5 2026-03-01T00:00:00Z", "#5 2026-03-01T00:00:00Z except phone" (kinds its map could not
// match), "not covered (#7)" (the last replay could match none of its kinds: never
// "re-applied"), or "none".
std::string ReappliedText(const PendingVerdict& v);
// "2 replay receipts say not which kinds their map could match: they credit nothing" or "".
std::string ReceiptsNote(const ReceiptTally& receipts);
// "3 backups (2 unexpired at AT) from 2 sources; 1 removed by hand" or "empty".
std::string CatalogLine(const CatalogCoverage& c);

// The HTML report (pending_html.cpp).
std::unique_ptr<PendingReport> MakeHtmlReport(std::ostream& out, Micros at);

}  // namespace tombstone::compliance

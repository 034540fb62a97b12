// The HTML report of 'tombstone pending': a page a compliance officer can hand to an auditor,
// with the age-out timeline drawn as an inline SVG (no script, no external resource).
#include <algorithm>
#include <map>

#include "src/compliance/pending_report.h"

namespace tombstone::compliance {
namespace {

using tombstones::FormatTime;
constexpr std::size_t kMaxRows = 1000;  // the page stays printable; the count is always given

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Month(Micros t) { return FormatTime(t).substr(0, 7); }  // "2026-03"

class HtmlReport final : public PendingReport {
 public:
  HtmlReport(std::ostream& out, Micros at) : out_(out), at_(at) {}

  void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
           std::span<const tombstones::BackupRecord> holding) override {
    const std::string bucket = v.ages_out ? Month(*v.ages_out) : v.ages_out_unknown ? "unknown" : "hold only";
    ++by_month_[bucket];
    if (rows_.size() >= kMaxRows) return;
    rows_ += "<tr><td>" + Escape(t.request_id) + "</td><td>" + FormatTime(t.erased_at) +
             "</td><td>" + std::to_string(holding.size()) + "</td><td>" + AgesOutText(v) +
             "</td><td>" + Escape(t.hold_reason.value_or("")) + "</td><td>" +
             (v.reapplied ? "#" + std::to_string(v.reapplied->seq) + " " +
                                FormatTime(v.reapplied->finished_at)
                          : std::string("none")) +
             "</td></tr>\n";
    ++shown_;
  }

  void Finish(const PendingSummary& s, const std::vector<tombstones::BackupRecord>& catalog) override {
    out_ << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Pending erasures</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:2px 6px;font-size:12px}</style></head><body>\n"
         << "<h1>Erased subjects still held by backups</h1>\n<p>Evaluated at " << FormatTime(at_)
         << ", generated " << FormatTime(tombstones::Now()) << " by tombstone "
         << tombstones::Version() << ". No identifier appears here: request ids only.</p>\n<p><b>"
         << Escape(SummaryLine(s)) << "</b></p>\n<h2>Age-out timeline</h2>\n";
    Timeline();
    Backups(catalog);
    out_ << "<h2>Pending tombstones</h2>\n";
    if (shown_ < s.pending)
      out_ << "<p>The first " << shown_ << " of " << s.pending
           << " are listed; 'tombstone pending --format csv' gives all.</p>\n";
    out_ << "<table><tr><th>request</th><th>erased at</th><th>backups</th><th>ages out</th>"
            "<th>legal hold</th><th>last re-applied by</th></tr>\n"
         << rows_ << "</table>\n<p>What 'pending' means and how the dates are forecast: "
                     "docs/compliance.md.</p></body></html>\n";
  }

 private:
  // One bar per age-out month: how many pending tombstones age out then.
  void Timeline() {
    std::uint64_t max = 1;
    for (const auto& [m, n] : by_month_) max = std::max(max, n);
    const int bar = 28, height = 160;
    const int width = static_cast<int>(by_month_.size()) * (bar + 8) + 20;
    out_ << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
         << height + 40 << "\" role=\"img\" aria-label=\"pending tombstones by age-out month\">\n";
    int x = 10;
    for (const auto& [month, n] : by_month_) {
      const int h = static_cast<int>(static_cast<double>(n) / static_cast<double>(max) * height);
      out_ << "<rect x=\"" << x << "\" y=\"" << height - h + 10 << "\" width=\"" << bar
           << "\" height=\"" << h << "\" fill=\"" << (month.size() == 7 ? "#4a7bb7" : "#c0504d")
           << "\"><title>" << Escape(month) << ": " << n << "</title></rect>\n"
           << "<text x=\"" << x << "\" y=\"" << height + 24 << "\" font-size=\"9\">"
           << Escape(month) << "</text>\n<text x=\"" << x << "\" y=\"" << height - h + 6
           << "\" font-size=\"9\">" << n << "</text>\n";
      x += bar + 8;
    }
    out_ << "</svg>\n";
  }

  void Backups(const std::vector<tombstones::BackupRecord>& catalog) {
    out_ << "<h2>Backups</h2>\n<table><tr><th>backup</th><th>source</th><th>taken at</th>"
            "<th>expires at</th><th>forecast</th></tr>\n";
    for (const auto& b : catalog)
      if (!b.expires_at || *b.expires_at > at_)
        out_ << "<tr><td>" << Escape(b.id) << "</td><td>" << Escape(b.source) << "</td><td>"
             << FormatTime(b.taken_at) << "</td><td>"
             << (b.expires_at ? FormatTime(*b.expires_at) : "unknown") << "</td><td>"
             << Escape(b.retention) << "</td></tr>\n";
    out_ << "</table>\n";
  }

  std::ostream& out_;
  Micros at_;
  std::map<std::string, std::uint64_t> by_month_;
  std::string rows_;
  std::uint64_t shown_ = 0;
};

}  // namespace

std::unique_ptr<PendingReport> MakeHtmlReport(std::ostream& out, Micros at) {
  return std::make_unique<HtmlReport>(out, at);
}

}  // namespace tombstone::compliance

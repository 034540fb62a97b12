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

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;margin:2em;max-width:75em}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #999;padding:2px 6px;font-size:12px;text-align:left}"
    "th{background:#eee}.num{text-align:right}"
    ".warn{border:2px solid #b35900;background:#fff3e0;padding:.5em 1em;margin:1em 0}"
    ".warn li{margin:.3em 0}.mono{font-family:monospace}"
    ".legend{font-size:12px}.swatch{display:inline-block;width:12px;height:12px;"
    "border:1px solid #333;margin:0 4px 0 12px;vertical-align:middle}"
    ".hatch{background:repeating-linear-gradient(45deg,#777 0 2px,#ddd 2px 4px)}";

class HtmlReport final : public PendingReport {
 public:
  HtmlReport(std::ostream& out, Micros at) : out_(out), at_(at) {}

  void Row(const tombstones::Tombstone& t, const PendingVerdict& v,
           std::span<const tombstones::BackupRecord> holding) override {
    if (v.ages_out) ++by_month_[Month(*v.ages_out)];
    else if (v.ages_out_unknown) ++unknown_;
    else ++hold_only_;
    if (shown_ >= kMaxRows) return;
    rows_ += "<tr><td>" + Escape(t.request_id) + "</td><td>" + FormatTime(t.erased_at) +
             "</td><td class=\"num\">" + std::to_string(holding.size()) + "</td><td>" +
             AgesOutText(v) + "</td><td>" + Escape(t.hold_reason.value_or("")) + "</td><td>" +
             Escape(ReappliedText(v)) + "</td></tr>\n";
    ++shown_;
  }

  void Finish(const PendingSummary& s, const ReportFacts& facts) override {
    out_ << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Pending erasures</title>"
         << "<style>" << kStyle << "</style></head><body>\n"
         << "<h1>Erased subjects still held by backups</h1>\n<p>Evaluated at " << FormatTime(at_)
         << ", generated " << FormatTime(tombstones::Now()) << " by tombstone "
         << tombstones::Version() << ". No identifier appears here: request ids only.</p>\n";
    Warnings(facts.coverage);
    out_ << "<p><b>" << Escape(SummaryLine(s)) << "</b></p>\n";
    if (const std::string note = ReceiptsNote(facts.receipts); !note.empty())
      out_ << "<p>" << Escape(note) << "</p>\n";
    Store(facts);
    Coverage(facts.coverage);
    out_ << "<h2>Age-out timeline</h2>\n";
    Timeline();
    Backups(facts.catalog);
    out_ << "<h2>Pending tombstones</h2>\n<p>";
    if (shown_ < s.pending)
      out_ << "The first " << shown_ << " of " << s.pending
           << " are listed; 'tombstone pending --format csv' gives all.";
    else
      out_ << "All " << s.pending << " are listed.";
    out_ << "</p>\n<table><tr><th>request</th><th>erased at</th><th>backups</th><th>ages out</th>"
            "<th>legal hold</th><th>last re-applied by</th></tr>\n"
         << rows_ << "</table>\n<p>What 'pending' means, how the dates are forecast and what a "
                     "receipt proves: docs/compliance.md.</p></body></html>\n";
  }

 private:
  void Warnings(const CatalogCoverage& c) {
    if (c.trusted()) return;
    out_ << "<div class=\"warn\" role=\"alert\"><b>Warning: this list rests on an incomplete "
            "backup catalog.</b><ul>\n";
    for (const std::string& w : c.warnings) out_ << "<li>" << Escape(w) << "</li>\n";
    out_ << "</ul></div>\n";
  }

  void Store(const ReportFacts& facts) {
    out_ << "<h2>Store</h2>\n<table>"
         << "<tr><th>key fingerprint</th><td class=\"mono\">" << Escape(facts.store_fingerprint)
         << "</td></tr><tr><th>tombstones</th><td>" << facts.digest.tombstones << " ("
         << facts.digest.held << " on legal hold)</td></tr><tr><th>digest</th><td class=\"mono\">"
         << Escape(facts.digest.hash) << "</td></tr></table>\n"
         << "<p>The digest is the one receipts name (docs/receipt.md): the same tombstones always "
            "give the same digest.</p>\n";
  }

  void Coverage(const CatalogCoverage& c) {
    out_ << "<h2>Backup catalog</h2>\n<p>" << Escape(CatalogLine(c)) << ". Checked at "
         << FormatTime(c.checked_at) << ".</p>\n";
    if (c.sources.empty()) return;
    out_ << "<table><tr><th>source</th><th>backups</th><th>unexpired</th><th>last import</th>"
            "<th>state</th></tr>\n";
    for (const SourceCoverage& src : c.sources)
      out_ << "<tr><td>" << Escape(SourceName(src)) << "</td><td class=\"num\">" << src.backups
           << "</td><td class=\"num\">" << src.unexpired << "</td><td>"
           << (src.last_import ? FormatTime(*src.last_import) : "unknown") << "</td><td>"
           << StateName(src.state) << "</td></tr>\n";
    out_ << "</table>\n";
  }

  // One bar per age-out month, then, apart and in their own colours, the tombstones whose
  // age-out date is unknown and those pending only because of a legal hold.
  void Timeline() {
    struct Bar {
      std::string label;
      std::uint64_t n;
      const char* fill;
    };
    std::vector<Bar> months, apart;
    for (const auto& [month, n] : by_month_) months.push_back({month, n, "#4a7bb7"});
    if (unknown_ > 0) apart.push_back({"unknown", unknown_, "url(#unknown)"});
    if (hold_only_ > 0) apart.push_back({"hold only", hold_only_, "#8e6bb8"});
    if (months.empty() && apart.empty()) {
      out_ << "<p>Nothing is pending.</p>\n";
      return;
    }
    std::uint64_t max = 1;
    for (const auto* bars : {&months, &apart})
      for (const Bar& b : *bars) max = std::max(max, b.n);
    const int bar = 34, step = 44, height = 160, gap = months.empty() || apart.empty() ? 0 : 40;
    const int width = static_cast<int>(months.size() + apart.size()) * step + gap + 20;
    out_ << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
         << "\" height=\"" << height + 40
         << "\" role=\"img\" aria-label=\"pending tombstones by age-out month\">\n"
            "<defs><pattern id=\"unknown\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
            " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ddd\"/>"
            "<rect width=\"3\" height=\"6\" fill=\"#777\"/></pattern></defs>\n";
    int x = 10;
    const auto draw = [&](const Bar& b) {
      const int h = std::max(1, static_cast<int>(static_cast<double>(b.n) /
                                                 static_cast<double>(max) * height));
      out_ << "<rect x=\"" << x << "\" y=\"" << height - h + 14 << "\" width=\"" << bar
           << "\" height=\"" << h << "\" fill=\"" << b.fill
           << "\" stroke=\"#333\" stroke-width=\"0.5\">"
           << "<title>" << Escape(b.label) << ": " << b.n << "</title></rect>\n"
           << "<text x=\"" << x + bar / 2 << "\" y=\"" << height + 28
           << "\" font-size=\"9\" text-anchor=\"middle\">" << Escape(b.label) << "</text>\n"
           << "<text x=\"" << x + bar / 2 << "\" y=\"" << height - h + 10
           << "\" font-size=\"10\" text-anchor=\"middle\">" << b.n << "</text>\n";
      x += step;
    };
    for (const Bar& b : months) draw(b);
    if (gap > 0) {
      x += gap / 2 - (step - bar) / 2;
      out_ << "<line x1=\"" << x - 4 << "\" y1=\"10\" x2=\"" << x - 4 << "\" y2=\"" << height + 34
           << "\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n";
      x += gap / 2;
    }
    for (const Bar& b : apart) draw(b);
    out_ << "</svg>\n<p class=\"legend\"><span class=\"swatch\" style=\"background:#4a7bb7\">"
            "</span>pending tombstones by the month they age out "
            "<span class=\"swatch hatch\"></span>unknown: a backup holding them has no forecast "
            "expiry, so no date can be given <span class=\"swatch\" style=\"background:#8e6bb8\">"
            "</span>hold only: no backup holds them; pending because of a legal hold</p>\n";
  }

  void Backups(const std::vector<tombstones::BackupRecord>& catalog) {
    out_ << "<h2>Unexpired backups</h2>\n<table><tr><th>backup</th><th>source</th><th>taken at</th>"
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
  std::uint64_t unknown_ = 0;
  std::uint64_t hold_only_ = 0;
  std::string rows_;
  std::uint64_t shown_ = 0;
};

}  // namespace

std::unique_ptr<PendingReport> MakeHtmlReport(std::ostream& out, Micros at) {
  return std::make_unique<HtmlReport>(out, at);
}

}  // namespace tombstone::compliance

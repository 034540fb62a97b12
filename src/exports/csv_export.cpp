#include "src/exports/csv_export.h"

#include <algorithm>
#include <cctype>

#include "src/io/csv_record.h"

namespace tombstone::exports {
namespace {

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct BoundColumn {
  std::size_t index;
  std::string header;
  match::KindMatcher* matcher;
};

// Finds each mapped column in the header: exactly, else ignoring case.
Result<std::vector<BoundColumn>> BindColumns(const io::CsvRecordParser& header, const CsvSpec& spec,
                                             match::TombstoneMatcher& tombstones,
                                             const std::string& path) {
  std::vector<BoundColumn> bound;
  for (const CsvColumn& c : spec.columns) {
    std::optional<std::size_t> at;
    for (std::size_t pass = 0; pass < 2 && !at; ++pass)
      for (std::size_t i = 0; i < header.size() && !at; ++i) {
        std::string_view name = header[i];
        if (i == 0 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);  // BOM
        if (pass == 0 ? name == c.header : SameIgnoringCase(name, c.header)) at = i;
      }
    if (!at) {
      if (!c.required) continue;
      return Status::Usage(
          "unable to read '" + path + "': no column '" + c.header + "' in its header",
          "name the columns with --column HEADER=KIND");
    }
    bound.push_back({*at, c.header, tombstones.ForKind(c.kind)});
  }
  if (bound.empty())
    return Status::Usage("unable to read '" + path +
                             "': none of the map's [csv] columns is in "
                             "its header",
                         "name the columns with --column HEADER=KIND");
  return bound;
}

}  // namespace

Status ProcessCsv(io::LineReader& lines, const CsvSpec& spec, match::TombstoneMatcher& tombstones,
                  io::OutputFile* out, FileReport* report) {
  const std::string& path = report->path;
  io::CsvRecordParser parser(spec.delimiter);
  std::string record;  // the raw bytes of a record spanning several lines
  long line_no = 0;
  bool have_header = false;
  std::size_t header_fields = 0;
  std::vector<BoundColumn> columns;
  const match::TombstoneTable& table = tombstones.table();
  match::RowMatch hits;
  for (;;) {
    std::string_view line;
    if (Status s = lines.Next(&line); !s.ok()) return s;
    if (line.empty()) break;
    // Assemble one record: usually one line, more when a quoted field holds a newline.
    const long first_line = ++line_no;
    parser.Begin();
    record.clear();
    bool multi = false;
    for (;;) {
      const io::CsvRecordParser::Fed fed = parser.Feed(line);
      if (fed == io::CsvRecordParser::Fed::kRecord) break;
      if (fed == io::CsvRecordParser::Fed::kTextAfterQuote)
        return Status::Usage("unable to read '" + path + "': text after a closing quote on line " +
                             std::to_string(line_no));
      if (!multi) record.assign(line);
      multi = true;
      if (Status s = lines.Next(&line); !s.ok()) return s;
      if (line.empty())
        return Status::Usage("unable to read '" + path + "': a quoted field opened on line " +
                             std::to_string(first_line) + " is never closed");
      ++line_no;
      record.append(line);
      if (record.size() > io::kMaxLineBytes)
        return Status::Usage("unable to read '" + path + "': the record starting on line " +
                                 std::to_string(first_line) + " is longer than " +
                                 std::to_string(io::kMaxLineBytes >> 20) + " MiB",
                             "a quoted field is probably never closed");
    }
    const std::string_view raw = multi ? std::string_view(record) : line;
    if (!have_header) {
      auto bound = BindColumns(parser, spec, tombstones, path);
      if (!bound.ok()) return bound.status();
      columns = std::move(bound.value());
      std::vector<bool> keep;
      for (const BoundColumn& c : columns) {
        if (keep.size() <= c.index) keep.resize(c.index + 1);
        keep[c.index] = true;
      }
      parser.KeepOnly(std::move(keep));
      have_header = true;
      header_fields = parser.size();
      if (out != nullptr)
        if (Status s = out->Write(raw); !s.ok()) return s;
      continue;
    }
    const bool blank = parser.blank();
    // A record of another width shifts the columns: the mapped fields would be read from the
    // wrong place and the file would pass as clean (import refuses the same shape).
    if (!blank && parser.size() != header_fields)
      return Status::Usage("unable to read '" + path + "': line " + std::to_string(first_line) +
                               ": expected " + std::to_string(header_fields) + " fields, found " +
                               std::to_string(parser.size()),
                           "a field holding the delimiter, a quote or a newline must be quoted");
    if (!blank) ++report->counts.rows;
    hits.Clear();
    const BoundColumn* where = nullptr;
    for (const BoundColumn& c : columns) {
      if (c.index >= parser.size() || c.matcher == nullptr) continue;
      const std::uint32_t t = c.matcher->Find(parser[c.index]);
      if (t == match::TombstoneTable::kNone) continue;
      hits.Add(t, table.held(t), table.erased_at(t));
      if (where == nullptr) where = &c;
    }
    if (!hits.empty()) {
      // CSV has no guard
      const Outcome o =
          hits.Decide(match::Guard{}) == match::RowFate::kHeld ? Outcome::kHeld : Outcome::kRemoved;
      report->Record(first_line, where->header, std::string(table.request_id(hits.decisive())), o,
                     nullptr);
      if (o == Outcome::kRemoved) continue;
    }
    if (out != nullptr)
      if (Status s = out->Write(raw); !s.ok()) return s;
  }
  if (!have_header) return Status::Usage("unable to read '" + path + "': no header row");
  report->bytes = lines.bytes();
  return Status::Ok();
}

}  // namespace tombstone::exports

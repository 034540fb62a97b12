// Scanning and scrubbing CSV/TSV exports: a header, then one row per record (RFC 4180 quoting,
// fields with embedded newlines, CRLF or LF). Rows holding a tombstoned identifier in a mapped
// column are listed (scan) or left out of the copy (scrub); every other byte is kept as read.
#pragma once

#include <string>
#include <vector>

#include "src/io/byte_stream.h"
#include "src/exports/export_report.h"
#include "src/match/kind_matcher.h"

namespace tombstone::exports {

struct CsvColumn {
  std::string header;  // as in the file's header row (matched exactly, else ignoring case)
  std::string kind;
  // Columns named by --column must be in the header; the map's [csv] section may describe
  // several exports, so its columns are used where present (at least one column must be).
  bool required = true;
};

struct CsvSpec {
  char delimiter = ',';
  std::vector<CsvColumn> columns;
};

// Reads `lines` to the end. `out`, when not null, receives every record that stays (scrub).
// kUsage naming the file and line for malformed quoting, a missing header, or mapped columns
// absent from the header.
Status ProcessCsv(io::LineReader& lines, const CsvSpec& spec, match::TombstoneMatcher& tombstones,
                  io::OutputFile* out, FileReport* report);

}  // namespace tombstone::exports

// Scanning and scrubbing plain-format pg_dump files: the COPY blocks of the data map's tables are
// read row by row (COPY text format, one row per line); rows holding a tombstoned identifier in
// a mapped column are listed (scan), or dropped, anonymized or kept by the table's action
// (scrub). Every other byte (DDL, comments, \restrict lines, other tables' rows, the unchanged
// fields of an anonymized row) is written exactly as read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/io/byte_stream.h"
#include "src/exports/dump_cascade.h"
#include "src/exports/export_report.h"
#include "src/match/kind_matcher.h"
#include "src/map/data_map.h"

namespace tombstone::exports {

// What a dump can evaluate of the map: plain columns and "column->>'key'" on json/jsonb
// columns. Any other match expression is skipped (counted in FileReport::not_evaluable for the
// rows of its table) and named once in FileReport::warnings.
//
// Reads `lines` to the end. `out`, when not null, receives the scrubbed copy. `key` makes the
// "hash" strategy's pseudonyms (Key::Pseudonym of the field's value).
// kUsage naming the file, the table and the map line when a mapped column, guard column or
// anonymized column is absent from the table's COPY column list, when a mapped table's rows
// are INSERT statements (pg_dump --inserts), or when a redact marker is not known for the
// column's type; kUsage naming the file and line for a COPY block that never ends.
//
// `cascade`, when given, follows the dump's foreign keys (src/exports/dump_cascade.h: call once
// per pass, the same object each time); kUsage ("unable to scrub ...") when a key would make the
// copy fail to restore or touch a row the map keeps ("unable to scan ..." for a scan).
Status ProcessDump(io::LineReader& lines, const DataMap& map, match::TombstoneMatcher& tombstones,
                   const tombstones::Key& key, io::OutputFile* out, FileReport* report,
                   DumpCascade* cascade = nullptr);

// The value "redact" writes into a column of SQL type `type` (as pg_dump prints it, e.g.
// "text", "character varying(80)", "bigint", "jsonb"); nullopt for a type with no known marker.
// Text types get "[redacted]".
std::optional<std::string> RedactMarker(std::string_view type);
// Whether `type` is a character type (text, varchar(n), character(n), citext, name).
bool IsTextType(std::string_view type);

}  // namespace tombstone::exports

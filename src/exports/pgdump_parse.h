// The pieces of a plain-format pg_dump file that scan and scrub read: COPY headers, COPY text
// escaping, CREATE TABLE column types, simple jsonb expressions and timestamps.
#pragma once

#include "src/pg/copy_text.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tombstones/tombstones.h"

namespace tombstone::exports {

// "COPY public.users (id, email) FROM stdin;" -> {"public", "users", {"id", "email"}}.
// Quoted identifiers ("My Table") are unquoted. False when the line is not such a header.
struct CopyHeader {
  std::string schema, table;
  std::vector<std::string> columns;  // empty when the statement lists none
};
bool ParseCopyHeader(std::string_view line, CopyHeader* out);

// "INSERT INTO public.users VALUES (...);" or "INSERT INTO public.users (id, ...) VALUES" ->
// schema, table. False for other lines.
bool ParseInsertTable(std::string_view line, std::string* schema, std::string* table);

// "CREATE TABLE public.users (" -> schema, table. False for other lines.
bool ParseCreateTable(std::string_view line, std::string* schema, std::string* table);
// A column line inside CREATE TABLE ("    email character varying(80) NOT NULL,") -> its name
// and type as pg_dump prints it ("character varying(80)"). False for constraints and the end.
bool ParseColumnLine(std::string_view line, std::string* name, std::string* type);
// "ALTER TABLE ONLY public.events ATTACH PARTITION public.events_2024 FOR VALUES ..." -> the
// parent and the partition. False for other lines.
bool ParseAttachPartition(std::string_view line, std::string* parent_schema, std::string* parent,
                          std::string* child_schema, std::string* child);
// "INHERITS (public.reviews);", the line pg_dump writes after the closing parenthesis of a
// CREATE TABLE whose table inherits (the old way of partitioning) -> the parents as
// schema.table, in order. False for other lines.
bool ParseInherits(std::string_view line, std::vector<std::string>* parents);

// The elements of a PostgreSQL array literal in text form ("{a,\"b c\",NULL}", with an optional
// "[1:2]=" bounds prefix; nested arrays are flattened), unquoted and unescaped, NULL elements
// left out. False when `text` is not a well-formed array literal: then `each` is never called.
bool ForEachArrayElement(std::string_view text,
                         const std::function<void(std::string_view)>& each);

// COPY's text format (src/pg/copy_text.h).
using pg::AppendCopyEscaped;
using pg::UnescapeCopyField;

// The form "column->>'key'" (spaces, a quoted column and outer parentheses allowed): the only
// expressions a dump can evaluate. nullopt for any other expression.
struct JsonKeyExpr {
  std::string column, key;
};
std::optional<JsonKeyExpr> ParseJsonKeyExpr(std::string_view expr);
// `json ->> key` on the text of a json/jsonb value: nullopt when not an object, no such key,
// or JSON null. Strings unquoted, other values as JSON text. An array or object value nested
// deeper than kMaxJsonKeyDepth is not printed (printing recurses once per level: a deep enough
// value in a small line would exhaust the stack): nullopt, and *too_deep set when given.
inline constexpr std::size_t kMaxJsonKeyDepth = 1000;
std::optional<std::string> JsonKeyText(std::string_view json, const std::string& key,
                                       bool* too_deep = nullptr);

// RFC 3339 and PostgreSQL's text forms: "2026-01-31 12:00:00+00", "...12:00:00.5+05:30",
// without an offset (timestamp without time zone: read as UTC), "infinity", "-infinity".
std::optional<tombstones::Micros> ParsePgTimestamp(std::string_view text);

}  // namespace tombstone::exports

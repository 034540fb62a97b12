#include "src/match/redact.h"

namespace tombstone::match {

std::string RedactMarker(char category, std::string_view type) {
  switch (category) {
    case 'S':
      return "[redacted]";
    case 'N':
      return "0";
    case 'B':
      return "false";
    case 'T':
      return "0";
    case 'I':
      return "0.0.0.0";
    case 'A':
      return "{}";
    case 'D':
      if (type == "date") return "1970-01-01";
      if (type.rfind("time ", 0) == 0 || type.rfind("time(", 0) == 0 || type == "time")
        return "00:00:00";
      return "1970-01-01 00:00:00+00";
    default:
      if (type == "uuid") return "00000000-0000-0000-0000-000000000000";
      if (type == "json" || type == "jsonb") return "{}";
      if (type == "bytea") return "\\x";
      return "";
  }
}

char DumpTypeCategory(std::string_view type) {
  if (type.size() > 2 && type.substr(type.size() - 2) == "[]") return 'A';
  const std::string_view base = type.substr(0, type.find('('));
  for (std::string_view s : {"text", "character varying", "varchar", "character", "char",
                             "bpchar", "citext", "public.citext", "name"})
    if (base == s) return 'S';
  for (std::string_view n : {"smallint", "integer", "bigint", "numeric", "decimal", "real",
                             "double precision", "money", "oid"})
    if (base == n) return 'N';
  if (base == "boolean") return 'B';
  if (base == "date" || base.rfind("time", 0) == 0) return 'D';  // time..., timestamp...
  if (base.rfind("interval", 0) == 0) return 'T';
  if (base == "inet" || base == "cidr") return 'I';
  if (base == "uuid" || base == "json" || base == "jsonb" || base == "bytea") return 'U';
  return 'X';
}

}  // namespace tombstone::match

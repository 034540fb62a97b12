// PostgreSQL's COPY text format, shared by replay (rows streamed from the server) and the exports
// (COPY blocks of plain pg_dump files): backslash escapes, \N for NULL.
#pragma once

#include <string>
#include <string_view>

namespace tombstone::pg {

// A field of COPY's text format: false for NULL (\N); otherwise the unescaped value (\b \f \n
// \r \t \v, octal \ooo and hex \xhh; any other escaped character stands for itself).
bool UnescapeCopyField(std::string_view raw, std::string* out);
// Appends `value` escaped for COPY's text format.
void AppendCopyEscaped(std::string_view value, std::string* out);

}  // namespace tombstone::pg

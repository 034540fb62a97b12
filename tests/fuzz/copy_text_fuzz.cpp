// COPY's text format (src/pg/copy_text.h): any field unescapes without reading past its end,
// and escaping a value then unescaping it gives the value back.
#include "src/pg/copy_text.h"
#include "tests/fuzz/fuzz_support.h"

using tombstone::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw = tombstone::fuzz::Text(data, size);
  std::string value;
  const bool not_null = tombstone::pg::UnescapeCopyField(raw, &value);
  Require(not_null || raw == "\\N", "a field other than \\N read as NULL");
  Require(value.size() <= raw.size(), "an unescaped field grew");
  std::string escaped;
  tombstone::pg::AppendCopyEscaped(raw, &escaped);
  std::string back;
  Require(tombstone::pg::UnescapeCopyField(escaped, &back), "an escaped value read as NULL");
  Require(back == raw, "escaping then unescaping changed a value");
  return 0;
}

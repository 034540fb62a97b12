// The CSV reader of 'tombstone import' (src/input/csv.h) on its own, with the limits import
// gives it: far faster than import_csv, which opens the store for each input. Records stay
// within the limits, and an error names a line and column.
#include <sstream>

#include "src/input/csv.h"
#include "tests/fuzz/fuzz_support.h"

using tombstone::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in{std::string(tombstone::fuzz::Text(data, size))};
  const tombstone::CsvReader::Limits limits{.field_bytes = 64, .record_bytes = 256, .fields = 8};
  tombstone::CsvReader reader(in, ',', limits);
  std::vector<std::string> fields;
  long last_line = 0;
  while (reader.Next(&fields)) {
    Require(fields.size() <= limits.fields, "a record with more fields than the limit");
    for (const std::string& f : fields)
      Require(f.size() <= limits.field_bytes + 1, "a field longer than the limit");
    Require(reader.first_line() > last_line, "records out of line order");
    last_line = reader.first_line();
  }
  if (!reader.error().empty())
    Require(reader.error().starts_with("line "), "a CSV error without its line", reader.error());
  return 0;
}

// The CSV/TSV export reader (src/exports/csv_export.h), columns as the exports tests' map
// gives them ([csv] E-Mail = email, customer_id = user_id), through export_run.h.
#include "src/exports/csv_export.h"
#include "tests/fuzz/export_run.h"

using namespace tombstone;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static match::TombstoneMatcher* index = [] {
    fuzz::FixtureStore& f = fuzz::Reader();
    auto loaded = match::TombstoneMatcher::Load(*f.store, *f.key, {"email", "user_id"});
    fuzz::Require(loaded.ok(), "unable to load the fixture index", loaded.status().message());
    return loaded.value().release();
  }();
  if (size == 0) return 0;
  exports::CsvSpec spec;
  spec.delimiter = (data[0] & 2) != 0 ? '\t' : ',';
  spec.columns = {{"E-Mail", "email", false}, {"customer_id", "user_id", false}};
  fuzz::RunExport(data, size, "in.csv",
                  [&](io::LineReader& lines, io::OutputFile* out,
                      exports::FileReport* report) {
                    return exports::ProcessCsv(lines, spec, *index, out, report);
                  });
  return 0;
}

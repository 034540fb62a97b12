// The plain pg_dump reader (src/exports/pgdump_export.h) with the map of the exports tests
// (tests/support/pgdump_test_map.h), through export_run.h.
#include "src/exports/pgdump_export.h"
#include "src/map/data_map.h"
#include "tests/fuzz/export_run.h"
#include "tests/support/pgdump_test_map.h"

using namespace tombstone;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const DataMap* map = [] {
    auto parsed = ParseDataMap(testing::kPgDumpTestMap, "map.toml");
    fuzz::Require(parsed.ok(), "unable to parse the fixture map", parsed.status().message());
    return new DataMap(std::move(parsed.value()));
  }();
  static match::TombstoneMatcher* index = [] {
    fuzz::FixtureStore& f = fuzz::Reader();
    auto loaded = match::TombstoneMatcher::Load(*f.store, *f.key, {"email", "user_id"});
    fuzz::Require(loaded.ok(), "unable to load the fixture index", loaded.status().message());
    return loaded.value().release();
  }();
  fuzz::RunExport(data, size, "in.sql",
                  [&](io::LineReader& lines, io::OutputFile* out,
                      exports::FileReport* report) {
                    return exports::ProcessDump(lines, *map, *index, *fuzz::Reader().key, out,
                                                report);
                  });
  return 0;
}

// The plain pg_dump reader (src/exports/pgdump_export.h) with the map of the exports tests
// (tests/src/exports/pgdump_export_test.cpp: delete with a guard, a json key expression, an
// anonymize with every strategy, a retain with an expression a dump cannot evaluate), through
// export_run.h.
#include "src/exports/pgdump_export.h"
#include "src/map/data_map.h"
#include "tests/fuzz/export_run.h"

using namespace tombstone;

namespace {

const char* kMap = R"MAP([kinds]
email = "email"
user_id = "exact"

[[table]]
name = "public.users"
match = [ { column = "id", kind = "user_id" }, { column = "email", kind = "email" } ]
action = "delete"
created_at = "created_at"

[[table]]
name = "public.events"
match = [ { column = "user_id", kind = "user_id" }, { expr = "payload->>'email'", kind = "email" } ]
action = "delete"

[[table]]
name = "public.invoices"
match = [ { column = "customer_id", kind = "user_id" } ]
action = "anonymize"
set = { billing_name = "null", billing_email = "redact", vat_number = "hash", note = "'gone'" }

[[table]]
name = "public.audit_log"
match = [ { column = "actor_id", kind = "user_id" }, { expr = "lower(detail)", kind = "email" } ]
action = "retain"
reason = "security log"
)MAP";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const DataMap* map = [] {
    auto parsed = ParseDataMap(kMap, "map.toml");
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
                  [&](exports::LineReader& lines, exports::OutputFile* out,
                      exports::FileReport* report) {
                    return exports::ProcessDump(lines, *map, *index, *fuzz::Reader().key, out,
                                                report);
                  });
  return 0;
}

#include "tests/support/integration_db.h"

#include <stdexcept>

#include "tests/support/temp_dir.h"

namespace tombstone::testing {

IntegrationDb::IntegrationDb(PgCluster& pg, const std::string& prefix) : pg_(pg) {
  name = pg.CreateDatabase(prefix);
  dsn = pg.Dsn(name);
  pg.Psql(ReadFile(SourceDir() + "/tests/data/integration/schema.sql"), name);
}

std::string IntegrationDb::Value(const std::string& sql) const {
  std::string out = Psql(sql);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string IntegrationMap() { return SourceDir() + "/tests/data/integration/map.toml"; }

void RecordIntegrationTombstones(const StoreFixture& store) {
  std::vector<int> subjects = kErasedSubjects;
  subjects.push_back(kHeldSubject);
  for (int s : subjects) {
    const std::string n = std::to_string(s);
    std::vector<std::string> args = {
        "add", "--request", "R-" + n, "--ids-from", "-", "--erased-at", "2024-06-01T00:00:00Z"};
    if (s == kHeldSubject) args.insert(args.end(), {"--hold", "litigation 2024-17"});
    const RunResult r = store.Run(args, "user_id:" + n + "\nemail:User" + n + "@Example.com\n");
    if (r.code != 0) throw std::runtime_error("add failed: " + r.err);
  }
}

IntegrationFixture::IntegrationFixture() : IntegrationFixture("it") {}

IntegrationFixture::IntegrationFixture(const std::string& prefix)
    : pg(PgCluster::Shared()), store(dir.path()), db(pg, prefix) {
  RecordIntegrationTombstones(store);
}

}  // namespace tombstone::testing

// A replay::Job built by hand for the engine's tests (the commands' Prepare, without the
// options): the data map, the case's store key and tombstones, a session on its database, and
// the plan. Callers add what their test needs (read paths, scan settings).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "src/map/data_map.h"
#include "src/replay/job.h"
#include "tests/src/replay/schema_case.h"

namespace tombstone::testing {

inline void BuildJob(const SchemaCase& c, const std::string& map_text,
                     const std::string& application_name, replay::PlanFor plan_for,
                     replay::Job* job) {
  auto map = ParseDataMap(map_text, "map.toml");
  REQUIRE(map.ok());
  job->map = std::move(map.value());
  auto key = tombstones::Key::Load(c.store().key);
  REQUIRE(key.ok());
  job->key = std::make_unique<tombstones::Key>(std::move(key.value()));
  {
    tombstones::Store::Options options;
    options.dir = c.store().store;
    options.key = job->key.get();
    auto store = tombstones::Store::Open(options);
    REQUIRE(store.ok());
    auto table = match::TombstoneTable::Load(*store.value());
    REQUIRE(table.ok());
    job->tombstones.emplace(std::move(table.value()));
  }
  auto session = pg::Session::Connect(c.dsn(), application_name);
  REQUIRE(session.ok());
  job->session = std::move(session.value());
  auto plan = replay::PlanTables(*job->session, job->map, *job->tombstones, *job->key, plan_for);
  INFO(plan.status().message());
  REQUIRE(plan.ok());
  job->plan = std::move(plan.value());
}

}  // namespace tombstone::testing

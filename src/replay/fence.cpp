#include "src/replay/fence.h"

#include "src/pg/catalog.h"

namespace tombstone::replay {
namespace {

// ALTER DATABASE takes no parameters: the database name is quoted by the driver and the only
// values written are integers read from the catalog.
Result<std::string> QuotedDatabase(pg::Session& session) {
  auto row =
      session.Query("read the database name", "SELECT current_database()", {}, pg::Shape::kOneRow);
  if (!row.ok()) return row.status();
  return session.QuoteName(row.value()[0][0].c_str());
}

}  // namespace

Result<FenceState> ReadFence(pg::Session& session) {
  auto row = session.Query(
      "read the fence",
      "SELECT d.datconnlimit,"
      "       (SELECT substr(c, length('tombstone.fence=') + 1)"
      "          FROM pg_db_role_setting s, unnest(s.setconfig) c"
      "         WHERE s.setdatabase = d.oid AND s.setrole = 0 AND c LIKE 'tombstone.fence=%')"
      "  FROM pg_database d WHERE d.datname = current_database()",
      {}, pg::Shape::kOneRow);
  if (!row.ok()) return row.status();
  auto record = pg::NullableValue<std::string>(row.value()[0], 1, "read the fence");
  if (!record.ok()) return record.status();
  FenceState state;
  if (!record.value()) {
    auto limit = pg::Value<int>(row.value()[0], 0, "read the fence");
    if (!limit.ok()) return limit.status();
    state.original_limit = limit.value();
    return state;
  }
  state.raised = true;
  try {
    state.original_limit = std::stoi(*record.value());
  } catch (const std::exception&) {
    state.original_limit = -1;  // an unreadable record: restore "no limit"
  }
  return state;
}

Result<FenceState> RaiseFence(pg::Session& session) {
  auto super = pg::IsSuperuser(session);
  if (!super.ok()) return super.status();
  if (!super.value())
    return Status::Usage("unable to fence the database: the connecting role is not a superuser",
                         "replay connects as a superuser (e.g. user=postgres in --dsn): only a "
                         "superuser can fence out every other role and is never fenced out itself");
  auto state = ReadFence(session);
  if (!state.ok()) return state.status();
  auto db = QuotedDatabase(session);
  if (!db.ok()) return db.status();
  const std::string record = "ALTER DATABASE " + db.value() + " SET tombstone.fence = '" +
                             std::to_string(state->original_limit) + "'";
  for (const std::string& sql : {record, "ALTER DATABASE " + db.value() + " CONNECTION LIMIT 0"}) {
    auto done = session.Query("fence the database", sql);
    if (!done.ok()) return done.status();
  }
  state->raised = true;
  auto ended = session.QueryValue<int>(
      "end the sessions of other roles",
      "SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid, 5000))"
      "  FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid"
      " WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND NOT r.rolsuper");
  if (!ended.ok()) return ended.status();
  state->sessions_ended = ended.value();
  return state;
}

Status LiftFence(pg::Session& session, const FenceState& state) {
  if (!state.raised) return Status::Ok();
  auto db = QuotedDatabase(session);
  if (!db.ok()) return db.status();
  for (const std::string& sql : {"ALTER DATABASE " + db.value() + " CONNECTION LIMIT " +
                                     std::to_string(state.original_limit),
                                 "ALTER DATABASE " + db.value() + " RESET tombstone.fence"}) {
    auto done = session.Query("lift the fence", sql);
    if (!done.ok()) return done.status();
  }
  return Status::Ok();
}

}  // namespace tombstone::replay

// The inner fence: while replay runs, no role but a superuser can connect to the database, and
// the sessions of other roles are ended. It is the database's connection limit set to 0
// (superusers are exempt), with the original limit kept beside it in a database-level setting
// (tombstone.fence) so that a failed run leaves the fence up and any later run, or a DBA by hand,
// restores exactly what was there:
//   ALTER DATABASE db CONNECTION LIMIT <original>;  ALTER DATABASE db RESET tombstone.fence;
// Both statements commit on their own, before and after the replay transaction.
#pragma once

#include <optional>
#include <string>

#include "src/pg/session.h"

namespace tombstone::replay {

using tombstones::Result;
using tombstones::Status;

struct FenceState {
  bool raised = false;      // a fence was found or put up
  int original_limit = -1;  // the connection limit to restore when lifting
  int sessions_ended = 0;   // sessions of other roles ended when raising
};

// The fence on the session's database as recorded, or raised=false when there is none.
Result<FenceState> ReadFence(pg::Session& session);
// Puts up the fence (keeping the original limit of an earlier, unlifted fence) and ends the
// other roles' sessions. kUsage when the session's role is not a superuser.
Result<FenceState> RaiseFence(pg::Session& session);
// Restores the original connection limit and removes the record. No-op when not fenced.
Status LiftFence(pg::Session& session, const FenceState& state);

}  // namespace tombstone::replay

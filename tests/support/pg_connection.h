// An in-process libpq session for tests that must know when something happened on the server:
// a lock held once Query returns, a session connected once the constructor returns, a query's
// end (or its session's termination) when Finish returns. No sleeps, no guessed delays.
#pragma once

#include <libpq-fe.h>

#include <string>

namespace tombstone::testing {

class PgConnection {
 public:
  // Connects (blocking); throws std::runtime_error with libpq's message when it cannot.
  explicit PgConnection(const std::string& dsn);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs `sql` (one or more statements) and returns the first value of the last result ("" when
  // it has no rows). Throws with the server's message when a statement fails.
  std::string Query(const std::string& sql);
  // Sends `sql` without waiting; Finish() waits for its end.
  void Send(const std::string& sql);
  // Waits until the query sent by Send ends; returns "" on success, else the error message
  // (e.g. "terminating connection due to administrator command" when the session was ended).
  std::string Finish();
  // Asks `sql` (one boolean) again and again until it is true: for server states that no event
  // announces (a session starting to wait on a lock, a WAL segment archived). Throws naming
  // `what` after `limit_seconds`, a bound far above any expected wait, so slow machines pass.
  void WaitUntil(const std::string& sql, const std::string& what, int limit_seconds = 300);

 private:
  PGconn* conn_ = nullptr;
};

}  // namespace tombstone::testing

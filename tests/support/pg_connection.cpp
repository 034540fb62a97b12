#include "tests/support/pg_connection.h"

#include <chrono>
#include <stdexcept>
#include <thread>

namespace tombstone::testing {

PgConnection::PgConnection(const std::string& dsn) : conn_(::PQconnectdb(dsn.c_str())) {
  if (::PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = ::PQerrorMessage(conn_);
    ::PQfinish(conn_);
    throw std::runtime_error("unable to connect: " + message);
  }
}

PgConnection::~PgConnection() { ::PQfinish(conn_); }

std::string PgConnection::Query(const std::string& sql) {
  if (::PQsendQuery(conn_, sql.c_str()) != 1)
    throw std::runtime_error("unable to send '" + sql + "': " + ::PQerrorMessage(conn_));
  std::string value, error;
  while (PGresult* r = ::PQgetResult(conn_)) {
    const ExecStatusType status = ::PQresultStatus(r);
    if (status == PGRES_FATAL_ERROR && error.empty()) error = ::PQresultErrorMessage(r);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
      value = ::PQntuples(r) > 0 && ::PQnfields(r) > 0 ? ::PQgetvalue(r, 0, 0) : "";
    ::PQclear(r);
  }
  if (!error.empty()) throw std::runtime_error("'" + sql + "' failed: " + error);
  return value;
}

void PgConnection::Send(const std::string& sql) {
  if (::PQsendQuery(conn_, sql.c_str()) != 1)
    throw std::runtime_error("unable to send '" + sql + "': " + ::PQerrorMessage(conn_));
}

std::string PgConnection::Finish() {
  std::string error;
  while (PGresult* r = ::PQgetResult(conn_)) {
    if (::PQresultStatus(r) == PGRES_FATAL_ERROR && error.empty())
      error = ::PQresultErrorMessage(r);
    ::PQclear(r);
  }
  if (error.empty() && ::PQstatus(conn_) != CONNECTION_OK) error = ::PQerrorMessage(conn_);
  return error;
}

void PgConnection::WaitUntil(const std::string& sql, const std::string& what, int limit_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limit_seconds);
  while (Query(sql) != "t") {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("waited " + std::to_string(limit_seconds) + " s in vain until " +
                               what);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace tombstone::testing

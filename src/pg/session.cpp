#include "src/pg/session.h"

#include <libpq-fe.h>

#include <cstring>
#include <regex>

#include "src/pg/errors.h"

namespace tombstone::pg {
namespace {

// The first line of a server or libpq message, without "ERROR:  " and trailing blanks.
std::string FirstLine(std::string_view text) {
  std::string line(text.substr(0, text.find('\n')));
  for (std::string_view prefix : {"ERROR:  ", "FATAL:  "})
    if (line.rfind(prefix, 0) == 0) line.erase(0, prefix.size());
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

// The libpq handle under libpqxx's connection, for the binary results libpqxx 6.4 cannot ask
// for. libpqxx keeps it for its large-object class; a subclass may read it.
class RawConnection : public pqxx::largeobject {
 public:
  static PGconn* Of(const pqxx::dbtransaction& t) { return largeobject::raw_connection(t); }
};

void AppendInt32(std::string* out, std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  out->push_back(static_cast<char>(u >> 24));
  out->push_back(static_cast<char>(u >> 16));
  out->push_back(static_cast<char>(u >> 8));
  out->push_back(static_cast<char>(u));
}

}  // namespace

std::string DescribeColumn(const pqxx::row& row, pqxx::row::size_type column) {
  std::string text = "column " + std::to_string(column + 1);
  try {
    text += " (" + std::string(row[column].name()) + ")";
  } catch (const std::exception&) {
    // No name to give: the number says enough.
  }
  return text;
}

Status ValueError(ExitCode code, const std::string& what, const std::string& column,
                  std::string_view problem) {
  const std::string message = "unable to " + what + ": " + column + " " + std::string(problem);
  switch (code) {
    case ExitCode::kUsage:
      return Status::Usage(message);
    case ExitCode::kResidue:
      return Status::Residue(message);
    case ExitCode::kStoreError:
      return Status::StoreError(message);
    default:
      return Status::Failed(message);
  }
}

Result<std::unique_ptr<Session>> Session::Connect(const std::string& dsn,
                                                  const std::string& application_name) {
  std::unique_ptr<Session> session(new Session());
  session->redacted_dsn_ = RedactDsn(dsn);
  try {
    session->conn_ = std::make_unique<pqxx::connection>(dsn);
    // UTF-8 whatever the environment (PGCLIENTENCODING) or the database's encoding: identifiers
    // are normalized and hashed as UTF-8, as they were recorded; the server converts.
    session->conn_->set_client_encoding("UTF8");
    pqxx::nontransaction setup(*session->conn_);
    // ISO dates in UTC: a value the scan reads as text (an identifier of a type printed by its
    // output function, an anonymized column) reads the same whatever the server's defaults. A
    // database restored with read-only default transactions must still be replayed (verify
    // asks for read-only transactions itself).
    setup.exec_params(
        "SELECT set_config('application_name', $1, false), set_config('DateStyle', 'ISO, YMD', "
        "false), set_config('TimeZone', 'UTC', false),"
        " set_config('default_transaction_read_only', 'off', false)",
        application_name);
  } catch (const std::exception& e) {
    // libpq's text about a DSN it cannot parse quotes the token it stopped at (maybe a piece of
    // the password): it is replaced by words that quote nothing (src/pg/dsn.h).
    const std::optional<std::string> problem = DsnProblem(dsn);
    return Status::Failed(
        "unable to connect to '" + session->redacted_dsn_ +
            "': " + (problem ? *problem : RedactSecrets(FirstLine(e.what()), dsn)),
        problem ? "fix --dsn: a libpq connection string (key=value ...) or URI "
                  "(postgresql://...)"
                : "check --dsn (or PGHOST, PGPORT, PGUSER, PGDATABASE) and that the server runs");
  }
  return session;
}

Session::~Session() { Rollback(); }

pqxx::transaction_base& Session::Current() { return *work_; }

Status Session::Convert(const std::string& what, ExitCode code, const std::exception& e,
                        Detail detail) {
  last_sqlstate_.clear();
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) last_sqlstate_ = sql->sqlstate();
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    work_.reset();
    return Status::Failed("unable to " + what + ": the connection to the server was lost (" +
                              FirstLine(e.what()) + ")",
                          "nothing was committed; run the command again");
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    work_.reset();
    return Status::Failed("unable to " + what + ": the connection was lost during commit",
                          "the outcome is unknown to the client; run the command again: it is "
                          "idempotent and verifies the result");
  }
  const std::string cause = detail == Detail::kServerText
                                ? FirstLine(e.what())
                                : "the server refused it (" + DescribeSqlState(last_sqlstate_) + ")";
  switch (code) {
    case ExitCode::kUsage:
      return Status::Usage("unable to " + what + ": " + cause);
    case ExitCode::kResidue:
      return Status::Residue("unable to " + what + ": " + cause);
    case ExitCode::kStoreError:
      return Status::StoreError("unable to " + what + ": " + cause);
    default:
      return Status::Failed("unable to " + what + ": " + cause);
  }
}

Status Session::Begin(bool repeatable_read, bool read_only) {
  try {
    if (repeatable_read && read_only)
      work_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(
          *conn_, "tombstone");
    else if (repeatable_read)
      work_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read>>(*conn_, "tombstone");
    else
      work_ = std::make_unique<pqxx::work>(*conn_, "tombstone");
  } catch (const std::exception& e) {
    return Convert("begin a transaction", ExitCode::kFailed, e);
  }
  return Status::Ok();
}

Result<std::string> Session::ExportSnapshot() {
  if (!work_)
    return Status::Failed("unable to export the snapshot: no transaction is open (internal error)");
  return QueryValue<std::string>("export the snapshot", "SELECT pg_catalog.pg_export_snapshot()");
}

Status Session::BeginWithSnapshot(const std::string& snapshot) {
  if (Status s = Begin(/*repeatable_read=*/true, /*read_only=*/true); !s.ok()) return s;
  // The first statement of the transaction, before anything takes a snapshot; it takes no
  // parameter, so the identifier (the server's own text) is quoted by the driver.
  auto set = Query("import the snapshot", "SET TRANSACTION SNAPSHOT " + QuoteLiteral(snapshot));
  if (!set.ok()) {
    Rollback();
    return set.status();
  }
  return Status::Ok();
}

Status Session::PrepareCancel() {
  const auto* txn = dynamic_cast<const pqxx::dbtransaction*>(work_.get());
  if (txn == nullptr)
    return Status::Failed("unable to prepare a cancel request: no transaction is open (internal "
                          "error)");
  PGcancel* cancel = PQgetCancel(RawConnection::Of(*txn));
  if (cancel == nullptr)
    return Status::Failed("unable to prepare a cancel request: the connection is not open");
  cancel_ = std::shared_ptr<pg_cancel>(cancel, &PQfreeCancel);
  return Status::Ok();
}

void Session::Cancel() const noexcept {
  if (!cancel_) return;
  char error[256];
  (void)PQcancel(cancel_.get(), error, sizeof error);  // best effort: the statement's own error follows
}

Status Session::Commit() {
  try {
    work_->commit();
    work_.reset();
  } catch (const std::exception& e) {
    // A deferred trigger may raise naming a row: the condition only.
    Status s = Convert("commit", ExitCode::kFailed, e, Detail::kConditionOnly);
    work_.reset();
    return s;
  }
  return Status::Ok();
}

void Session::Rollback() noexcept {
  try {
    if (work_) work_->abort();
  } catch (...) {
  }
  work_.reset();
}

Result<pqxx::result> Session::Query(const std::string& what, const std::string& sql,
                                    const std::vector<std::string>& params, Shape shape,
                                    ExitCode code, Detail detail) {
  pqxx::result result;
  try {
    if (work_) {
      result = work_->exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    } else {
      pqxx::nontransaction autocommit(*conn_);
      result = autocommit.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    }
  } catch (const std::exception& e) {
    return Convert(what, code, e, detail);
  }
  const bool fits = shape == Shape::kAnyRows || (shape == Shape::kNone && result.empty()) ||
                    (shape == Shape::kOneRow && result.size() == 1);
  if (!fits)
    return Status::Failed("unable to " + what + ": expected " +
                          (shape == Shape::kNone ? "no rows" : "one row") + ", got " +
                          std::to_string(result.size()));
  return result;
}

Status Session::Copy(const std::string& what, const std::string& select,
                     const std::function<void(std::string_view row)>& row, CopyFormat format) {
  try {
    std::unique_ptr<pqxx::nontransaction> autocommit;
    if (!work_) autocommit = std::make_unique<pqxx::nontransaction>(*conn_);
    pqxx::transaction_base& txn = work_ ? *work_ : *autocommit;
    // libpqxx 6.4's stream_from pastes its "table" argument between "COPY " and " TO STDOUT",
    // so a parenthesized query streams `COPY (query) TO STDOUT` through the library's COPY
    // path. It has no way to add options: for the binary format the statement is completed here
    // and the library's suffix, on the same line, becomes a comment.
    const bool binary = format == CopyFormat::kBinary;
    pqxx::stream_from stream(txn, "(" + select + ")" +
                                      (binary ? " TO STDOUT (FORMAT binary) --" : ""));
    std::string line;
    while (stream.get_raw_line(line)) {
      std::string_view view(line);
      if (!binary && !view.empty() && view.back() == '\n') view.remove_suffix(1);
      row(view);
    }
    stream.complete();
  } catch (const std::exception& e) {
    return Convert(what, ExitCode::kFailed, e, Detail::kConditionOnly);
  }
  return Status::Ok();
}

Status Session::QueryBinary(const std::string& what, const std::string& sql,
                            const std::vector<std::string>& params,
                            const std::function<void(std::string_view message)>& row) {
  const auto* txn = dynamic_cast<const pqxx::dbtransaction*>(work_.get());
  if (txn == nullptr)
    return Status::Failed("unable to " + what + ": no transaction is open (internal error)");
  PGconn* conn = RawConnection::Of(*txn);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                   nullptr, nullptr, /*resultFormat=binary*/ 1),
      &PQclear);
  last_sqlstate_.clear();
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    if (result) {
      const char* code = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
      last_sqlstate_ = code != nullptr ? code : "";
    }
    if (PQstatus(conn) != CONNECTION_OK)
      return Status::Failed("unable to " + what + ": the connection to the server was lost",
                            "nothing was committed; run the command again");
    return Status::Failed("unable to " + what + ": the server refused it (" +
                          DescribeSqlState(last_sqlstate_) + ")");
  }
  const int rows = PQntuples(result.get());
  const int fields = PQnfields(result.get());
  std::string message;
  for (int r = 0; r < rows; ++r) {
    message.clear();
    if (r == 0) message.append("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
    message.push_back(static_cast<char>(fields >> 8));
    message.push_back(static_cast<char>(fields));
    for (int f = 0; f < fields; ++f) {
      if (PQgetisnull(result.get(), r, f)) {
        AppendInt32(&message, -1);
        continue;
      }
      const int length = PQgetlength(result.get(), r, f);
      AppendInt32(&message, length);
      message.append(PQgetvalue(result.get(), r, f), static_cast<std::size_t>(length));
    }
    row(message);
  }
  if (rows > 0) row(std::string_view("\xff\xff", 2));  // the trailer
  return Status::Ok();
}

Status Session::SetTimeouts(int lock_timeout_ms) {
  auto done = Query("set the session's timeouts",
                    "SELECT set_config('lock_timeout', $1, false),"
                    " set_config('statement_timeout', '0', false),"
                    " set_config('idle_in_transaction_session_timeout', '0', false)",
                    {std::to_string(lock_timeout_ms)}, Shape::kOneRow);
  return done.ok() ? Status::Ok() : done.status();
}

Result<std::uint32_t> Session::ResultType(const std::string& what, const std::string& sql,
                                          ExitCode code) {
  auto result = Query(what, sql, {}, Shape::kAnyRows, code);
  if (!result.ok()) return result.status();
  if (result->columns() < 1)
    return Status::Failed("unable to " + what + ": the statement returns no column");
  return static_cast<std::uint32_t>(result->column_type(0));
}

std::string Session::QuoteLiteral(std::string_view value) const {
  return conn_->quote(std::string(value));
}

std::string Session::QuoteName(std::string_view name) const {
  return conn_->quote_name(std::string(name));
}

std::string Session::QuoteTable(std::string_view schema, std::string_view table) const {
  return QuoteName(schema) + "." + QuoteName(table);
}

int Session::backend_pid() const { return conn_->backendpid(); }

}  // namespace tombstone::pg

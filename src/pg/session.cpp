#include "src/pg/session.h"

#include <regex>

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

}  // namespace

Result<std::unique_ptr<Session>> Session::Connect(const std::string& dsn,
                                                  const std::string& application_name) {
  std::unique_ptr<Session> session(new Session());
  session->redacted_dsn_ = RedactDsn(dsn);
  try {
    session->conn_ = std::make_unique<pqxx::connection>(dsn);
    pqxx::nontransaction setup(*session->conn_);
    // ISO dates in UTC: a value the scan reads as text (an identifier of a type printed by its
    // output function, an anonymized column) reads the same whatever the server's defaults.
    setup.exec_params(
        "SELECT set_config('application_name', $1, false), set_config('DateStyle', 'ISO, YMD', "
        "false),"
        " set_config('TimeZone', 'UTC', false)",
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

Status Session::Convert(const std::string& what, ExitCode code, const std::exception& e) {
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
  const std::string cause = FirstLine(e.what());
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

Status Session::Begin(bool repeatable_read) {
  try {
    if (repeatable_read)
      work_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read>>(*conn_, "tombstone");
    else
      work_ = std::make_unique<pqxx::work>(*conn_, "tombstone");
  } catch (const std::exception& e) {
    return Convert("begin a transaction", ExitCode::kFailed, e);
  }
  return Status::Ok();
}

Status Session::Commit() {
  try {
    work_->commit();
    work_.reset();
  } catch (const std::exception& e) {
    Status s = Convert("commit", ExitCode::kFailed, e);
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
                                    ExitCode code) {
  pqxx::result result;
  try {
    if (work_) {
      result = work_->exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    } else {
      pqxx::nontransaction autocommit(*conn_);
      result = autocommit.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    }
  } catch (const std::exception& e) {
    return Convert(what, code, e);
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
    return Convert(what, ExitCode::kFailed, e);
  }
  return Status::Ok();
}

std::string Session::QuoteName(std::string_view name) const {
  return conn_->quote_name(std::string(name));
}

std::string Session::QuoteTable(std::string_view schema, std::string_view table) const {
  return QuoteName(schema) + "." + QuoteName(table);
}

int Session::backend_pid() const { return conn_->backendpid(); }

}  // namespace tombstone::pg

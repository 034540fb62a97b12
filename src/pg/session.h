// One PostgreSQL session for replay and verify: a libpqxx connection with at most one open
// transaction, every statement run through Query() or Copy() so that library exceptions become a
// Status at this boundary. Identifiers are quoted by the driver (QuoteName); values are always
// parameters. Not thread-safe: one thread uses a session at a time (Cancel() excepted).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

struct pg_cancel;  // libpq's PGcancel

#include "src/pg/dsn.h"  // RedactDsn
#include "tombstones/tombstones.h"

namespace tombstone::pg {

using tombstones::ExitCode;
using tombstones::Result;
using tombstones::Status;

// What a statement is expected to return; a different result is an error naming the statement.
enum class Shape { kNone, kOneRow, kAnyRows };

// What an error message may say of the server's own text: kServerText for statements that read
// only the catalog or the map's own values (a missing column, a bad expression); kConditionOnly
// for statements over rows, whose server text may quote a row's value (errors.h).
enum class Detail { kServerText, kConditionOnly };

// Column `column` of `row` converted to T (bool, int, std::uint32_t, std::uint64_t, double,
// std::string...): libpqxx's conversions throw, and this is their boundary. kFailed, "unable to
// <what>: ...", naming the column (number and name) when it is missing, NULL, or does not convert
// to T; the value itself is never quoted (it may be a row's data).
template <typename T>
Result<T> Value(const pqxx::row& row, pqxx::row::size_type column, const std::string& what);
// The same, with NULL as std::nullopt.
template <typename T>
Result<std::optional<T>> NullableValue(const pqxx::row& row, pqxx::row::size_type column,
                                       const std::string& what);

// Reads several typed columns of one row with Value(), keeping the first error: the caller
// reads every field it needs, then checks status() once. After an error, reads give T{}.
class RowReader {
 public:
  RowReader(pqxx::row row, std::string what) : row_(std::move(row)), what_(std::move(what)) {}
  template <typename T>
  T Get(pqxx::row::size_type column);
  const Status& status() const { return status_; }

 private:
  pqxx::row row_;
  std::string what_;
  Status status_;
};

class Session {
 public:
  // Connects with `dsn` (libpq string or URI; empty: the libpq environment). kFailed when the
  // server cannot be reached or refuses; the message names the redacted DSN, never a password.
  static Result<std::unique_ptr<Session>> Connect(const std::string& dsn,
                                                  const std::string& application_name);
  ~Session();

  // Outside Begin/Commit every statement commits on its own (autocommit).
  // A read-only transaction cannot change anything, whatever it runs (verify uses one).
  Status Begin(bool repeatable_read, bool read_only = false);
  Status Commit();
  void Rollback() noexcept;
  bool in_transaction() const { return work_ != nullptr; }

  // Exports the open transaction's snapshot (pg_export_snapshot) so that other sessions see
  // exactly what it sees; the identifier is valid until this transaction ends. REQUIRES
  // in_transaction().
  Result<std::string> ExportSnapshot();
  // Begins a repeatable-read, read-only transaction that sees exactly `snapshot` (SET
  // TRANSACTION SNAPSHOT, exported by another session's open transaction). kFailed when the
  // server refuses it (the exporting transaction has ended, another database).
  Status BeginWithSnapshot(const std::string& snapshot);
  // Readies Cancel() for this connection. REQUIRES in_transaction().
  Status PrepareCancel();
  // Asks the server to cancel the statement this session runs, if any: the one call another
  // thread may make while a thread works with this session. A no-op before PrepareCancel().
  void Cancel() const noexcept;

  // Runs `sql` with text parameters ($1, $2, ...). `what` names the statement in errors
  // ("unable to <what>: <server message>"). Errors get `code` (kFailed unless told).
  Result<pqxx::result> Query(const std::string& what, const std::string& sql,
                             const std::vector<std::string>& params = {},
                             Shape shape = Shape::kAnyRows, ExitCode code = ExitCode::kFailed,
                             Detail detail = Detail::kServerText);
  // Runs `sql` expecting one row (Shape::kOneRow) and returns its first column as T (Value()):
  // the typed form of Query() for a statement that returns one value. Errors as Query() and
  // Value(), with `code` for both.
  template <typename T>
  Result<T> QueryValue(const std::string& what, const std::string& sql,
                       const std::vector<std::string>& params = {},
                       ExitCode code = ExitCode::kFailed, Detail detail = Detail::kServerText);
  // Runs `sql` (with text parameters) inside the open transaction and hands each result row to
  // `row` in the shape of a binary COPY message (the first with the file header in front, then
  // the trailer), so that rows read back by their locators go through the scan's own decoder.
  // REQUIRES in_transaction(). Errors name the SQLSTATE only (Detail::kConditionOnly).
  Status QueryBinary(const std::string& what, const std::string& sql,
                     const std::vector<std::string>& params,
                     const std::function<void(std::string_view message)>& row);
  // The SQLSTATE of the last statement that failed ("" when it had none).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  // How long a statement waits for a lock before it fails with lock_not_available (0: forever),
  // and no statement_timeout or idle timeout of the database's or role's settings for this
  // session: a replay must neither wait forever nor be cut off halfway.
  Status SetTimeouts(int lock_timeout_ms);
  // Streams `COPY (select) TO STDOUT` in `format`; `row` gets each CopyData message: in text
  // format one line without its newline, in binary format one row (the first with the file
  // header in front, the last the trailer; see copy_binary.h). Memory does not grow with the
  // result. Errors name the SQLSTATE only: the rows are data (Detail::kConditionOnly).
  enum class CopyFormat { kText, kBinary };
  Status Copy(const std::string& what, const std::string& select,
              const std::function<void(std::string_view row)>& row,
              CopyFormat format = CopyFormat::kText);

  // The type (pg_type oid) of the first column `sql` returns; `sql` should read no rows (LIMIT 0).
  Result<std::uint32_t> ResultType(const std::string& what, const std::string& sql,
                                   ExitCode code = ExitCode::kFailed);

  std::string QuoteName(std::string_view name) const;
  // A string constant quoted by the driver, for the one place a value cannot be a parameter:
  // inside the query of a COPY.
  std::string QuoteLiteral(std::string_view value) const;
  // "schema"."table" with both parts quoted.
  std::string QuoteTable(std::string_view schema, std::string_view table) const;
  // The server's backend pid, for tests and messages.
  int backend_pid() const;
  const std::string& redacted_dsn() const { return redacted_dsn_; }

 private:
  Session() = default;
  pqxx::transaction_base& Current();
  Status Convert(const std::string& what, ExitCode code, const std::exception& e,
                 Detail detail = Detail::kServerText);

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::transaction_base> work_;
  std::shared_ptr<pg_cancel> cancel_;  // PrepareCancel(): libpq's cancel request, thread-safe
  std::string redacted_dsn_;
  std::string last_sqlstate_;
};

// --- templates -------------------------------------------------------------------------------

// "column 2 (relkind)": the name is the statement's own (the tool wrote it), never row data.
std::string DescribeColumn(const pqxx::row& row, pqxx::row::size_type column);
// "unable to <what>: <column> <problem>", with `code`.
Status ValueError(ExitCode code, const std::string& what, const std::string& column,
                  std::string_view problem);

// Value() and NullableValue() with the exit code of their errors.
template <typename T>
Result<std::optional<T>> ReadField(const pqxx::row& row, pqxx::row::size_type column,
                                   const std::string& what, ExitCode code) {
  if (column >= row.size())
    return ValueError(code, what, "column " + std::to_string(column + 1),
                      "is missing from the result");
  const pqxx::field field = row[column];
  if (field.is_null()) return std::optional<T>();
  try {
    return std::optional<T>(field.as<T>());
  } catch (const std::exception&) {
    // libpqxx's message quotes the text it could not convert: not repeated.
    return ValueError(code, what, DescribeColumn(row, column), "does not hold the type read");
  }
}

template <typename T>
Result<std::optional<T>> NullableValue(const pqxx::row& row, pqxx::row::size_type column,
                                       const std::string& what) {
  return ReadField<T>(row, column, what, ExitCode::kFailed);
}

template <typename T>
Result<T> Value(const pqxx::row& row, pqxx::row::size_type column, const std::string& what) {
  auto value = ReadField<T>(row, column, what, ExitCode::kFailed);
  if (!value.ok()) return value.status();
  if (!value.value())
    return ValueError(ExitCode::kFailed, what, DescribeColumn(row, column), "is NULL");
  return std::move(*value.value());
}

template <typename T>
T RowReader::Get(pqxx::row::size_type column) {
  if (!status_.ok()) return T{};
  auto value = Value<T>(row_, column, what_);
  if (!value.ok()) {
    status_ = value.status();
    return T{};
  }
  return std::move(value.value());
}

template <typename T>
Result<T> Session::QueryValue(const std::string& what, const std::string& sql,
                              const std::vector<std::string>& params, ExitCode code,
                              Detail detail) {
  auto result = Query(what, sql, params, Shape::kOneRow, code, detail);
  if (!result.ok()) return result.status();
  const pqxx::row row = result.value()[0];
  auto value = ReadField<T>(row, 0, what, code);
  if (!value.ok()) return value.status();
  if (!value.value()) return ValueError(code, what, DescribeColumn(row, 0), "is NULL");
  return std::move(*value.value());
}

}  // namespace tombstone::pg

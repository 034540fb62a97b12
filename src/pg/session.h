// One PostgreSQL session for replay and verify: a libpqxx connection with at most one open
// transaction, every statement run through Query() or Copy() so that library exceptions become a
// Status at this boundary. Identifiers are quoted by the driver (QuoteName); values are always
// parameters. Not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "src/pg/dsn.h"  // RedactDsn
#include "tombstones/tombstones.h"

namespace tombstone::pg {

using tombstones::ExitCode;
using tombstones::Result;
using tombstones::Status;

// What a statement is expected to return; a different result is an error naming the statement.
enum class Shape { kNone, kOneRow, kAnyRows };

class Session {
 public:
  // Connects with `dsn` (libpq string or URI; empty: the libpq environment). kFailed when the
  // server cannot be reached or refuses; the message names the redacted DSN, never a password.
  static Result<std::unique_ptr<Session>> Connect(const std::string& dsn,
                                                  const std::string& application_name);
  ~Session();

  // Outside Begin/Commit every statement commits on its own (autocommit).
  Status Begin(bool repeatable_read);
  Status Commit();
  void Rollback() noexcept;
  bool in_transaction() const { return work_ != nullptr; }

  // Runs `sql` with text parameters ($1, $2, ...). `what` names the statement in errors
  // ("unable to <what>: <server message>"). Errors get `code` (kFailed unless told).
  Result<pqxx::result> Query(const std::string& what, const std::string& sql,
                             const std::vector<std::string>& params = {}, Shape shape = Shape::kAnyRows,
                             ExitCode code = ExitCode::kFailed);
  // Streams `COPY (select) TO STDOUT` in `format`; `row` gets each CopyData message: in text
  // format one line without its newline, in binary format one row (the first with the file
  // header in front, the last the trailer; see copy_binary.h). Memory does not grow with the
  // result.
  enum class CopyFormat { kText, kBinary };
  Status Copy(const std::string& what, const std::string& select,
              const std::function<void(std::string_view row)>& row,
              CopyFormat format = CopyFormat::kText);

  std::string QuoteName(std::string_view name) const;
  // "schema"."table" with both parts quoted.
  std::string QuoteTable(std::string_view schema, std::string_view table) const;
  // The server's backend pid, for tests and messages.
  int backend_pid() const;
  const std::string& redacted_dsn() const { return redacted_dsn_; }

 private:
  Session() = default;
  pqxx::transaction_base& Current();
  Status Convert(const std::string& what, ExitCode code, const std::exception& e);

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::transaction_base> work_;
  std::string redacted_dsn_;
};

}  // namespace tombstone::pg

// Connection strings in messages. A DSN may hold a password; libpq's own error text about a
// DSN it cannot parse quotes the token it stopped at, which may be a piece of that password.
// Everything here reads the DSN with libpq's own parser (PQconninfoParse), so that what is
// redacted is what libpq takes for a secret, and never prints libpq's parse errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tombstone::pg {

// The DSN for messages: "keyword=value ..." for every keyword libpq parsed from it (in
// libpq's order), the value of each keyword libpq marks as secret (password, sslpassword) as
// <redacted>. When libpq cannot parse the DSN, or it is a URI whose user name or password holds
// an unencoded '@' or '/' (libpq then reads part of the password as the host or the database
// name), nothing of it is shown: "<redacted connection string>", or "postgresql://<redacted>"
// for a URI. "" stays "" (the libpq environment applies). Never fails.
std::string RedactDsn(std::string_view dsn);

// Why libpq cannot use `dsn` as intended, in words that quote nothing of it ("a quoted value
// is never closed"); nullopt when libpq parses it without ambiguity.
std::optional<std::string> DsnProblem(std::string_view dsn);

// `message` (libpq's error text after a failed connection) with every secret value of `dsn`
// replaced by <redacted>: what libpq says about a host or a user never holds the password, but
// nothing relies on that.
std::string RedactSecrets(std::string message, std::string_view dsn);

// `dsn` (a connection string or URI) with its database replaced by `dbname`, as a
// "keyword=value ..." string (the password kept: it is for connecting, never for messages).
// "" gives "dbname=DB" (the libpq environment for the rest). nullopt when DsnProblem(dsn).
std::optional<std::string> WithDatabase(std::string_view dsn, std::string_view dbname);

}  // namespace tombstone::pg

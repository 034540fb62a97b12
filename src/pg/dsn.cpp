#include "src/pg/dsn.h"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>

namespace tombstone::pg {
namespace {

constexpr std::string_view kRedacted = "<redacted>";

struct Parsed {
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{nullptr, PQconninfoFree};
  std::string error;  // libpq's message: may quote the DSN, never printed
};

Parsed Parse(std::string_view dsn) {
  Parsed parsed;
  const std::string text(dsn);  // libpq needs a terminated string
  char* error = nullptr;
  parsed.options.reset(PQconninfoParse(text.c_str(), &error));
  if (error != nullptr) {
    parsed.error = error;
    PQfreemem(error);
  }
  return parsed;
}

// libpq marks secret keywords with dispchar "*" (password, sslpassword); the two are named too
// in case a libpq marks them otherwise.
bool IsSecret(const PQconninfoOption& o) {
  const std::string_view keyword = o.keyword;
  return (o.dispchar != nullptr && o.dispchar[0] == '*') || keyword == "password" ||
         keyword == "sslpassword";
}

std::string_view UriPrefix(std::string_view dsn) {
  for (std::string_view prefix : {"postgresql://", "postgres://"})
    if (dsn.substr(0, prefix.size()) == prefix) return dsn.substr(0, prefix.size());
  return {};
}

// libpq takes the user-info of a URI to end at the first '@' before the first '/': a password
// holding an unencoded '@' or '/' is cut there, and its rest read as the host, the port or the
// database name. Any '@' that libpq could not have meant that way makes the URI ambiguous
// (an '@' in the query string, "?user=bob@corp", is a value libpq reads correctly).
bool AmbiguousUri(std::string_view dsn) {
  const std::string_view prefix = UriPrefix(dsn);
  if (prefix.empty()) return false;
  const std::string_view rest = dsn.substr(prefix.size());
  const std::string_view authority = rest.substr(0, rest.find('/'));
  const std::size_t ats =
      static_cast<std::size_t>(std::count(authority.begin(), authority.end(), '@'));
  const std::string_view path =
      authority.size() < rest.size() ? rest.substr(authority.size()) : std::string_view();
  const std::string_view before_query = path.substr(0, path.find('?'));
  return ats > 1 || before_query.find('@') != std::string_view::npos;
}

std::string Quoted(std::string_view value) {
  if (!value.empty() && value.find_first_of(" \t\n\r\f\v'\\") == std::string_view::npos)
    return std::string(value);
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string Unshown(std::string_view dsn) {
  const std::string_view prefix = UriPrefix(dsn);
  return prefix.empty() ? "<redacted connection string>" : std::string(prefix) + "<redacted>";
}

// libpq's parse errors by their fixed beginnings (English; a translated libpq gets the
// general words). The token libpq quotes after them is never repeated.
std::string DescribeParseError(const std::string& error) {
  const auto starts = [&](std::string_view p) { return error.rfind(p, 0) == 0; };
  if (starts("missing \"=\" after"))
    return "a word without '=' (a value holding spaces must be quoted: key='a b')";
  if (starts("unterminated quoted string")) return "a quoted value is never closed";
  if (starts("invalid connection option")) return "an unknown keyword";
  if (starts("invalid percent-encoded token") || starts("forbidden value %00"))
    return "an invalid percent-encoding (expected %XX with two hex digits, never %00)";
  if (error.find("URI") != std::string::npos) return "a malformed URI";
  return "libpq cannot parse it";
}

}  // namespace

std::string RedactDsn(std::string_view dsn) {
  if (dsn.empty()) return "";
  Parsed parsed = Parse(dsn);
  if (!parsed.options || AmbiguousUri(dsn)) return Unshown(dsn);
  std::string out;
  for (const PQconninfoOption* o = parsed.options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (!out.empty()) out.push_back(' ');
    out += o->keyword;
    out.push_back('=');
    out += IsSecret(*o) ? std::string(kRedacted) : Quoted(o->val);
  }
  return out;
}

std::optional<std::string> DsnProblem(std::string_view dsn) {
  if (dsn.empty()) return std::nullopt;
  Parsed parsed = Parse(dsn);
  if (!parsed.options)
    return "the connection string is not valid: " + DescribeParseError(parsed.error);
  if (AmbiguousUri(dsn))
    return "the URI's user name or password holds an '@' or '/' that is not percent-encoded "
           "(write %40 and %2F): libpq would read part of it as the host or database name";
  return std::nullopt;
}

std::string RedactSecrets(std::string message, std::string_view dsn) {
  Parsed parsed = Parse(dsn);
  if (!parsed.options) return message;
  for (const PQconninfoOption* o = parsed.options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr || o->val[0] == '\0' || !IsSecret(*o)) continue;
    const std::string secret = o->val;
    for (std::size_t at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + kRedacted.size()))
      message.replace(at, secret.size(), kRedacted);
  }
  return message;
}

std::optional<std::string> WithDatabase(std::string_view dsn, std::string_view dbname) {
  if (dsn.empty()) return "dbname=" + Quoted(dbname);
  Parsed parsed = Parse(dsn);
  if (!parsed.options || AmbiguousUri(dsn)) return std::nullopt;
  std::string out;
  for (const PQconninfoOption* o = parsed.options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string_view(o->keyword) == "dbname") continue;
    out += std::string(o->keyword) + "=" + Quoted(o->val) + " ";
  }
  return out + "dbname=" + Quoted(dbname);
}

}  // namespace tombstone::pg

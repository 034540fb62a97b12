// src/pg/dsn: no secret of a DSN reaches a message, whatever form the DSN has (issue 15,
// finding 6), redaction and connection errors both read through libpq's own parser.
#include "src/pg/dsn.h"

#include <catch2/catch.hpp>

#include "src/pg/session.h"

namespace tombstone::pg {
namespace {

struct Case {
  const char* dsn;
  const char* redacted;         // RedactDsn's output
  std::vector<const char*> secrets;  // fragments that must appear in no message
  bool usable;                  // DsnProblem is nullopt
};

const std::vector<Case> kCases = {
    // key=value: libpq's keywords in libpq's order, secrets redacted.
    {"host=/run port=5 password=s3cret dbname=app",
     "password=<redacted> dbname=app host=/run port=5", {"s3cret"}, true},
    {"host=h password = 'se cret\\'s' user=u", "user=u password=<redacted> host=h",
     {"se cret", "cret"}, true},
    {"PASSWORD=x", "<redacted connection string>", {}, false},  // keywords are lowercase
    {"host=h sslpassword=k3y sslmode=require", "host=h sslmode=require sslpassword=<redacted>",
     {"k3y"}, true},
    {"dbname='my app' password=''", "password=<redacted> dbname='my app'", {}, true},
    // Malformed key=value: nothing of it is shown, not even libpq's words about it.
    {"host=h password=se cret", "<redacted connection string>", {"se", "cret"}, false},
    {"host=h password='unterminated s3cret", "<redacted connection string>",
     {"unterminated", "s3cret"}, false},
    {"host=h s3cret", "<redacted connection string>", {"s3cret"}, false},
    // URIs.
    {"postgresql://alice:s3cret@db.example:5432/app",
     "user=alice password=<redacted> dbname=app host=db.example port=5432", {"s3cret"}, true},
    {"postgresql://db/app?user=a&password=s3cret&sslmode=require",
     "user=a password=<redacted> dbname=app host=db sslmode=require", {"s3cret"}, true},
    {"postgres://h/db?sslpassword=k3y", "dbname=db host=h sslpassword=<redacted>", {"k3y"}, true},
    {"postgresql://alice:p%40ss@host/db", "user=alice password=<redacted> dbname=db host=host",
     {"p@ss", "p%40ss"}, true},
    {"postgresql://alice@db/app", "user=alice dbname=app host=db", {}, true},
    {"postgresql://db/app?user=bob@corp", "user=bob@corp dbname=app host=db", {}, true},
    // An unencoded '@' or '/' in the password: libpq would read its rest as a host or database.
    {"postgresql://alice:p@ss@host/db", "postgresql://<redacted>", {"ss@host", "p@ss"}, false},
    {"postgresql://alice:p/ss@host/db", "postgresql://<redacted>", {"ss@host", "p/ss"}, false},
    {"postgresql://alice:p@s/s@host/db", "postgresql://<redacted>", {"s/s", "s@host"}, false},
    // Percent-encoding libpq refuses: its error would quote the token.
    {"postgresql://u:se%zzs3cret@h/db", "postgresql://<redacted>", {"zzs3cret", "se%zz"}, false},
    {"postgresql://u:a%00b@h/db", "postgresql://<redacted>", {"a%00b"}, false},
    {"postgresql://h/db?password=s3cr&et9", "postgresql://<redacted>", {"s3cr", "et9"}, false},
    {"", "", {}, true},
};

TEST_CASE("RedactDsn shows what libpq parsed, never a secret", "[pg]") {
  for (const Case& c : kCases) {
    INFO(c.dsn);
    const std::string redacted = RedactDsn(c.dsn);
    CHECK(redacted == c.redacted);
    for (const char* secret : c.secrets) CHECK(redacted.find(secret) == std::string::npos);
    const std::optional<std::string> problem = DsnProblem(c.dsn);
    CHECK(problem.has_value() == !c.usable);
    if (problem)
      for (const char* secret : c.secrets) CHECK(problem->find(secret) == std::string::npos);
  }
}

TEST_CASE("libpq's complaint about a DSN is reworded so that it quotes nothing", "[pg]") {
  CHECK(DsnProblem("host=h password=se cret") ==
        "the connection string is not valid: a word without '=' (a value holding spaces must "
        "be quoted: key='a b')");
  CHECK(DsnProblem("host=h password='abc") ==
        "the connection string is not valid: a quoted value is never closed");
  CHECK(DsnProblem("host=h pasword=x") ==
        "the connection string is not valid: an unknown keyword");
  CHECK(DsnProblem("postgresql://u:se%zz@h/db") ==
        "the connection string is not valid: an invalid percent-encoding (expected %XX with two "
        "hex digits, never %00)");
  CHECK(DsnProblem("postgresql://alice:p@ss@host/db").value().find("not percent-encoded") !=
        std::string::npos);
}

TEST_CASE("a connection error never echoes a token of the DSN", "[pg]") {
  // Each DSN fails in libpq's parser, before any connection is tried.
  for (const Case& c : kCases) {
    const std::optional<std::string> problem = DsnProblem(c.dsn);
    if (!problem || problem->rfind("the connection string is not valid", 0) != 0) continue;
    INFO(c.dsn);
    auto session = Session::Connect(c.dsn, "tombstone test");
    REQUIRE_FALSE(session.ok());
    const std::string message = session.status().message();
    CHECK(message.rfind("unable to connect to '" + std::string(c.redacted) +
                            "': the connection string is not valid: ",
                        0) == 0);
    for (const char* secret : c.secrets) CHECK(message.find(secret) == std::string::npos);
  }
}

TEST_CASE("secret values are taken out of libpq's connection messages", "[pg]") {
  CHECK(RedactSecrets("FATAL: password s3cret rejected", "host=h password=s3cret") ==
        "FATAL: password <redacted> rejected");
  CHECK(RedactSecrets("could not connect to host h", "host=h password=s3cret") ==
        "could not connect to host h");
}

}  // namespace
}  // namespace tombstone::pg

#include "src/pg/session.h"

#include <catch2/catch.hpp>

using tombstone::pg::RedactDsn;

TEST_CASE("passwords in a DSN never reach a message", "[pg]") {
  CHECK(RedactDsn("host=/run port=5 password=s3cret dbname=app") ==
        "host=/run port=5 password=<redacted> dbname=app");
  CHECK(RedactDsn("host=h password = 'se cret\\'s' user=u") ==
        "host=h password = <redacted> user=u");
  CHECK(RedactDsn("PASSWORD=x") == "PASSWORD=<redacted>");
  CHECK(RedactDsn("postgresql://alice:s3cret@db.example:5432/app") ==
        "postgresql://alice:<redacted>@db.example:5432/app");
  CHECK(RedactDsn("postgresql://db/app?user=a&password=s3cret&sslmode=require") ==
        "postgresql://db/app?user=a&password=<redacted>&sslmode=require");
  CHECK(RedactDsn("postgresql://alice@db/app") == "postgresql://alice@db/app");
  CHECK(RedactDsn("") == "");
}

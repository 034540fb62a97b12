// The scan reads COPY's binary format and must see every identifier exactly as COPY's text
// format would print it (the store's hashes were made from that text). Checked here against the
// server itself, value by value.
#include <catch2/catch.hpp>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "src/pg/copy_binary.h"
#include "src/pg/copy_text.h"
#include "src/pg/session.h"
#include "src/replay/guard_time.h"
#include "tests/support/pg_cluster.h"

namespace {

using tombstone::pg::CopyBinaryRows;
using tombstone::pg::Session;
using tombstone::pg::Wire;
using tombstone::testing::PgCluster;

// Every row of `select` in COPY's text format, each field unescaped ("\N" for NULL).
std::vector<std::vector<std::string>> AsText(Session& session, const std::string& select) {
  std::vector<std::vector<std::string>> rows;
  const auto s = session.Copy("copy as text", select, [&](std::string_view line) {
    std::vector<std::string> row;
    std::size_t start = 0;
    while (true) {
      const std::size_t tab = line.find('\t', start);
      const std::string_view raw =
          line.substr(start, tab == std::string_view::npos ? line.npos : tab - start);
      std::string value;
      row.push_back(tombstone::pg::UnescapeCopyField(raw, &value) ? value : "\\N");
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    rows.push_back(row);
  });
  REQUIRE(s.ok());
  return rows;
}

// The same through the binary format, each field decoded as `wires` says.
std::vector<std::vector<std::string>> AsBinary(Session& session, const std::string& select,
                                               const std::vector<Wire>& wires) {
  std::vector<std::vector<std::string>> rows;
  CopyBinaryRows reader;
  bool ended = false;
  const auto s = session.Copy(
      "copy as binary", select,
      [&](std::string_view message) {
        const auto got = reader.Next(message);
        if (got == CopyBinaryRows::Got::kEnd) ended = true;
        REQUIRE(got != CopyBinaryRows::Got::kMalformed);
        if (got != CopyBinaryRows::Got::kRow) return;
        REQUIRE(reader.size() == wires.size());
        std::vector<std::string> row;
        for (std::size_t i = 0; i < wires.size(); ++i) {
          std::string text = "\\N";
          if (!reader.Null(i)) {
            text.clear();
            REQUIRE(tombstone::pg::AppendAsText(wires[i], reader.Raw(i), &text));
          }
          row.push_back(text);
        }
        rows.push_back(row);
      },
      Session::CopyFormat::kBinary);
  REQUIRE(s.ok());
  CHECK(ended);
  return rows;
}

}  // namespace

TEST_CASE("the binary scan reads every identifier as COPY's text format prints it", "[pg]") {
  PgCluster& pg = PgCluster::Shared();
  const std::string db = pg.CreateDatabase("copybin");
  pg.Psql(R"(
    CREATE TABLE t (n bigint, i integer, s smallint, txt text, v varchar(20), c char(6),
                    b boolean, ip inet, u uuid, num numeric, d date, ts timestamptz);
    INSERT INTO t VALUES
      (-9223372036854775808, -2147483648, -32768, 'tab	and \ back', 'Ünïcode', 'ab',
       true, '10.0.0.1', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1.50, '2024-06-01',
       '2024-06-01 12:30:05.25+02'),
      (9223372036854775807, 2147483647, 32767, '', '', '', false, '10.0.0.0/8',
       '00000000-0000-0000-0000-000000000000', -0.001, 'infinity', '-infinity'),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  )",
          db);
  auto session = Session::Connect(pg.Dsn(db), "copy binary test");
  REQUIRE(session.ok());
  Session& s = *session.value();

  SECTION("integers and text natively, other types through concat(), char(n) cast to text") {
    const auto text =
        AsText(s, "SELECT n, i, s, txt, v, (c)::text, b, ip, u, num, d, ts, ctid FROM t");
    const auto binary = AsBinary(
        s,
        "SELECT n, i, s, txt, v, (c)::text, pg_catalog.concat(b), pg_catalog.concat(ip), "
        "pg_catalog.concat(u), pg_catalog.concat(num), pg_catalog.concat(d), "
        "pg_catalog.concat(ts), ctid FROM t",
        {Wire::kInt8, Wire::kInt4, Wire::kInt2, Wire::kText, Wire::kText, Wire::kText, Wire::kText,
         Wire::kText, Wire::kText, Wire::kText, Wire::kText, Wire::kText, Wire::kTid});
    REQUIRE(text.size() == 3);
    CHECK(binary[0] == text[0]);
    CHECK(binary[1] == text[1]);
    CHECK(binary[0][6] == "t");         // boolean::text would say 'true'
    CHECK(binary[0][7] == "10.0.0.1");  // inet::text would say '10.0.0.1/32'
    // concat() prints NULL as '' (an empty identifier: never hashed, like NULL); the native
    // fields keep NULL.
    CHECK(binary[2][0] == "\\N");
    CHECK(binary[2][6].empty());
  }
  SECTION("guard dates and timestamps are the instants the server means") {
    CopyBinaryRows reader;
    std::vector<std::pair<std::optional<tombstones::Micros>, std::optional<tombstones::Micros>>>
        got;
    REQUIRE(s.Copy(
                 "guards", "SELECT d, ts FROM t WHERE d IS NOT NULL",
                 [&](std::string_view message) {
                   if (reader.Next(message) != CopyBinaryRows::Got::kRow) return;
                   got.emplace_back(tombstone::replay::GuardTime(Wire::kDate, reader.Raw(0)),
                                    tombstone::replay::GuardTime(Wire::kTimestamp, reader.Raw(1)));
                 },
                 Session::CopyFormat::kBinary)
                .ok());
    REQUIRE(got.size() == 2);
    CHECK(got[0].first == tombstones::ParseTime("2024-06-01T00:00:00Z").value());
    CHECK(got[0].second == tombstones::ParseTime("2024-06-01T10:30:05.25Z").value());
    auto epoch = s.Query("read the epoch",
                         "SELECT (extract(epoch FROM ts) * 1000000)::bigint FROM t "
                         "WHERE isfinite(ts)",
                         {}, tombstone::pg::Shape::kOneRow);
    REQUIRE(epoch.ok());
    CHECK(got[0].second == epoch.value()[0][0].as<long long>());
    CHECK(got[1].first == std::numeric_limits<tombstones::Micros>::max());
    CHECK(got[1].second == std::numeric_limits<tombstones::Micros>::min());
  }
}

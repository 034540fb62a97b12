// Not a test but a measurement (hidden: run with pg_tests "[.bench]"): the time per GB of SQL
// of scan and scrub on a plain dump, and on custom and directory archives streamed through
// pg_restore, for docs/exports.md. Rows: TOMBSTONE_BENCH_ROWS (default 2,000,000).
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "tests/src/exports/export_fixture.h"
#include "tests/support/pg_cluster.h"

using tombstone::testing::ExportFixture;
using tombstone::testing::PgBinDir;
using tombstone::testing::PgCluster;
using tombstone::testing::WriteFile;

namespace {

double Seconds(const std::function<void()>& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Shell(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

TEST_CASE("scan and scrub time per GB: plain dump against archives through pg_restore",
          "[.bench][pg]") {
  const char* env = std::getenv("TOMBSTONE_BENCH_ROWS");
  const long rows = env ? std::atol(env) : 2000000;
  PgCluster& pg = PgCluster::Shared();
  const std::string db = pg.CreateDatabase("bench_dump");
  pg.Psql("CREATE TABLE users (id bigint PRIMARY KEY, email text, name text, created_at "
          "timestamptz);"
          "INSERT INTO users SELECT g, 'User' || g || '@Example.com', 'name ' || g, "
          "'2024-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, " +
              std::to_string(rows) + ") g;",
          db);
  ExportFixture f;
  f.Add("REQ-1", {"email:user77@example.com"});
  WriteFile(f.Path("map.toml"),
            "[kinds]\nemail = \"email\"\n\n[[table]]\nname = \"public.users\"\n"
            "match = [ { column = \"email\", kind = \"email\" } ]\naction = \"delete\"\n"
            "created_at = \"created_at\"\n");
  const std::string dsn = "'" + pg.Dsn(db) + "'";
  REQUIRE(Shell(PgBinDir() + "/pg_dump -Fp -f " + f.Path("d.sql") + " " + dsn) == 0);
  REQUIRE(Shell(PgBinDir() + "/pg_dump -Fc -f " + f.Path("d.custom") + " " + dsn) == 0);
  REQUIRE(Shell(PgBinDir() + "/pg_dump -Fd -f " + f.Path("d.dir") + " " + dsn) == 0);
  const double gb = static_cast<double>(std::filesystem::file_size(f.Path("d.sql"))) / 1e9;
  std::cout << "rows " << rows << ", plain SQL " << gb * 1000 << " MB, custom "
            << std::filesystem::file_size(f.Path("d.custom")) / 1e6 << " MB\n";
  const double restore_only = Seconds([&] {
    REQUIRE(Shell(PgBinDir() + "/pg_restore -f /dev/null " + f.Path("d.custom")) == 0);
  });
  std::cout << "pg_restore -f /dev/null (custom): " << restore_only / gb << " s/GB\n";
  for (const char* in : {"d.sql", "d.custom", "d.dir"}) {
    const double scan = Seconds([&] {
      CHECK(f.fx.Run({"scan", "--map", f.Path("map.toml"), f.Path(in)}).code == 3);
    });
    std::filesystem::remove(f.Path("out.sql"));
    const double scrub = Seconds([&] {
      CHECK(f.fx.Run({"scrub", "--map", f.Path("map.toml"), f.Path(in), f.Path("out.sql")})
                .code == 0);
    });
    std::cout << in << ": scan " << scan / gb << " s/GB, scrub " << scrub / gb
              << " s/GB (per GB of plain SQL)\n";
  }
}

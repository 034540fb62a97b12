// One small schema nobody designed for the happy path, in a database of its own, with a store of
// tombstones and a data map: for the replay tests that ask "could this say clean while the data
// is still there?". Every case checks the exit code, that no erased identifier is left (residue),
// that every other row is byte-identical (collateral), and for refusals that no fence went up.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/cli_runner.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {

class SchemaCase {
 public:
  // A new database (created with `create_options`, e.g. "ENCODING 'LATIN1' ...") holding `sql`.
  explicit SchemaCase(const std::string& sql, const std::string& create_options = "")
      : pg_(PgCluster::Shared()), store_(dir_.path()) {
    db_ = "s_" + std::to_string(::getpid()) + "_" + std::to_string(++Counter());
    pg_.Psql("CREATE DATABASE " + db_ + " " + create_options + ";");
    dsn_ = pg_.Dsn(db_);
    Psql(sql);
  }

  // Records a tombstone: `ids` are KIND:VALUE lines (given on standard input, never argv).
  void Erase(const std::string& request, const std::string& ids,
             const std::string& erased_at = "2024-06-01T00:00:00Z", const std::string& hold = "") {
    std::vector<std::string> args = {"add",         "--request",  request, "--ids-from",
                                     "-",           "--erased-at", erased_at};
    if (!hold.empty()) args.insert(args.end(), {"--hold", hold});
    const RunResult r = store_.Run(args, ids);
    INFO(r.err);
    REQUIRE(r.code == 0);
  }

  void Map(const std::string& toml) { WriteFile(MapPath(), toml); }
  std::string MapPath() const { return dir_ / "map.toml"; }
  std::string ReceiptPath() const { return dir_ / "receipt.json"; }

  RunResult Replay(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"replay", "--dsn", dsn_, "--map", MapPath(), "--receipt",
                                      ReceiptPath()};
    args.insert(args.end(), extra.begin(), extra.end());
    return store_.Run(args);
  }
  RunResult Verify() { return store_.Run({"verify", "--dsn", dsn_, "--map", MapPath()}); }

  std::string Psql(const std::string& sql) const { return pg_.Psql(sql, db_); }
  // One value (psql unaligned, tuples only), without the trailing newline.
  std::string Value(const std::string& sql) const {
    std::string out = Psql(sql);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  // Every row of `table` (ONLY it, not its children) whose text form does not satisfy
  // `erased` (SQL over alias x), as one md5: equal before and after means no collateral.
  std::string Others(const std::string& table, const std::string& erased = "false") const {
    return Value("SELECT md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) FROM ONLY " +
                 table + " x WHERE NOT coalesce(" + erased + ", false)");
  }
  // The whole database's user data (every table and materialized view), one md5 each: equal
  // before and after means nothing changed.
  std::string Everything() const {
    const std::string list = Psql(
        "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = "
        "c.relnamespace WHERE (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated)) AND n.nspname NOT IN ('pg_catalog', "
        "'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1");
    std::string sums;
    std::size_t start = 0;
    for (std::size_t end; (end = list.find('\n', start)) != std::string::npos; start = end + 1) {
      const std::string table = list.substr(start, end - start);
      if (!table.empty()) sums += table + ":" + Others(table) + "\n";
    }
    return sums;
  }
  // Whether replay's fence is on the database (connection limit 0 and its record).
  bool Fenced() const {
    return Value("SELECT datconnlimit = 0 OR EXISTS (SELECT 1 FROM pg_db_role_setting s, "
                 "unnest(s.setconfig) c WHERE s.setdatabase = d.oid AND c LIKE 'tombstone.fence=%')"
                 " FROM pg_database d WHERE datname = current_database()") == "t";
  }

  const std::string& db() const { return db_; }
  const std::string& dsn() const { return dsn_; }
  const StoreFixture& store() const { return store_; }
  const TempDir& dir() const { return dir_; }

 private:
  static int& Counter() {
    static int n = 0;
    return n;
  }
  PgCluster& pg_;
  TempDir dir_;
  StoreFixture store_;
  std::string db_, dsn_;
};

}  // namespace tombstone::testing

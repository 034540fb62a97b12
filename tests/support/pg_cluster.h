// A throwaway PostgreSQL 15 cluster for tests: initdb into a temporary directory, Unix socket
// only, random port. As root, the server runs as the 'postgres' user. Stopped on destruction.
#pragma once

#include <string>

namespace tombstone::testing {

class PgCluster {
 public:
  // Starts a new cluster; throws std::runtime_error (with the server log) when it cannot.
  PgCluster();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // One cluster per test binary, started on first use.
  static PgCluster& Shared();

  // libpq connection string for `dbname` as the superuser.
  std::string Dsn(const std::string& dbname = "postgres") const;
  // Runs SQL through psql (ON_ERROR_STOP); returns its output (unaligned, tuples only).
  // Throws on failure.
  std::string Psql(const std::string& sql, const std::string& dbname = "postgres") const;
  // A fresh, empty database with a unique name; returns the name.
  std::string CreateDatabase(const std::string& prefix = "t");

  const std::string& socket_dir() const { return socket_dir_; }
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& bin_dir() const { return bin_dir_; }
  const std::string& superuser() const { return superuser_; }
  // Runs a shell command as the server's OS user (postgres when we are root); returns status.
  int RunAsServerUser(const std::string& command) const;

 private:
  std::string base_dir_, data_dir_, socket_dir_, bin_dir_, superuser_;
  int port_ = 0;
  int databases_ = 0;
};

// The PostgreSQL 15 binaries directory (pg_config --bindir of version 15).
std::string PgBinDir();

}  // namespace tombstone::testing

// A throwaway PostgreSQL 15 cluster for tests: initdb into a temporary directory, Unix socket
// only, random port. As root, the server runs as the 'postgres' user. Stopped on destruction,
// unless it was published for other processes (the ctest fixture, tests/README.md).
#pragma once

#include <memory>
#include <string>

namespace tombstone::testing {

// The environment variable that names the shared cluster's state file. ctest sets it for every
// PostgreSQL test (the fixture 'pg_cluster' in tests/CMakeLists.txt).
inline constexpr const char* kSharedClusterEnv = "TOMBSTONE_TEST_PG_CLUSTER";

class PgCluster {
 public:
  // Starts a new cluster; throws std::runtime_error (with the server log) when it cannot.
  PgCluster();
  // Stops the cluster and removes its directory, unless it is attached or published.
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // The cluster of this test process, on first use: the one named by $TOMBSTONE_TEST_PG_CLUSTER
  // when set (started once by ctest, shared by every test process), else a cluster of its own
  // (a test binary run by hand), stopped at exit. Throws when the named cluster does not answer.
  static PgCluster& Shared();

  // A running cluster described by `state_file` (see Publish). Never stopped by this object.
  static std::unique_ptr<PgCluster> Attach(const std::string& state_file);
  // Writes how to reach this cluster to `state_file` (atomically) and hands the cluster over:
  // it outlives this object until StopPublished. Throws when the file cannot be written.
  void Publish(const std::string& state_file);
  // Stops the cluster `state_file` describes, removes its directory and the file. A missing
  // file is not an error (the cluster never started). Returns false when the stop failed.
  static bool StopPublished(const std::string& state_file);

  // libpq connection string for `dbname` as the superuser.
  std::string Dsn(const std::string& dbname = "postgres") const;
  // The same as `user` (a role without a password: the cluster trusts local connections).
  std::string DsnAs(const std::string& user, const std::string& dbname) const;
  // Runs SQL through psql (ON_ERROR_STOP); returns its output (unaligned, tuples only).
  // Throws on failure.
  std::string Psql(const std::string& sql, const std::string& dbname = "postgres") const;
  // A fresh, empty database with a unique name; returns the name.
  std::string CreateDatabase(const std::string& prefix = "t");
  // A database name no other test process on this cluster will use (nothing is created).
  // Unique across processes that share the cluster, also when process ids are reused.
  std::string UniqueName(const std::string& prefix);
  // Creates a LOGIN role without privileges unless it exists; safe when test processes call it
  // for the same name at the same time. Roles are cluster-wide: never change their attributes.
  void EnsureRole(const std::string& role) const;

  const std::string& socket_dir() const { return socket_dir_; }
  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& bin_dir() const { return bin_dir_; }
  const std::string& superuser() const { return superuser_; }
  // Runs a shell command as the server's OS user (postgres when we are root); returns status.
  int RunAsServerUser(const std::string& command) const;

 private:
  struct AttachTag {};
  explicit PgCluster(AttachTag) {}

  std::string base_dir_, data_dir_, socket_dir_, bin_dir_, superuser_;
  int port_ = 0;
  int databases_ = 0;
  bool owned_ = true;  // this object stops the cluster when destroyed
};

// The PostgreSQL 15 binaries directory (pg_config --bindir of version 15).
std::string PgBinDir();

}  // namespace tombstone::testing

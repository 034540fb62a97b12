// The ctest fixture 'pg_cluster' (tests/CMakeLists.txt): one PostgreSQL cluster for every test
// process of a ctest run, so that each test case does not start a server of its own.
//   pg_cluster_fixture start STATE_FILE   starts a cluster and describes it in STATE_FILE
//   pg_cluster_fixture stop STATE_FILE    stops it, removes its directory and STATE_FILE
// The test processes find STATE_FILE through $TOMBSTONE_TEST_PG_CLUSTER (PgCluster::Shared).
#include <exception>
#include <iostream>
#include <string>

#include "tests/support/pg_cluster.h"

using tombstone::testing::PgCluster;

int main(int argc, char** argv) {
  const std::string command = argc == 3 ? argv[1] : "";
  if (command != "start" && command != "stop") {
    std::cerr << "usage: pg_cluster_fixture start|stop STATE_FILE\n";
    return 2;
  }
  const std::string state = argv[2];
  try {
    // A cluster left by an interrupted run (no cleanup test ran) goes first.
    if (!PgCluster::StopPublished(state)) {
      std::cerr << "unable to stop the cluster described in '" << state << "'\n";
      if (command == "stop") return 1;
    }
    if (command == "stop") return 0;
    PgCluster pg;
    pg.Publish(state);
    std::cout << "PostgreSQL " << pg.Psql("SHOW server_version;") << "socket " << pg.socket_dir()
              << " port " << pg.port() << ", data " << pg.data_dir() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "unable to " << command << " the shared cluster: " << e.what() << "\n";
    return 1;
  }
}

#include "tests/support/pg_cluster.h"

#include <pwd.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::string Capture(const std::string& command, int* status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *status = ::pclose(p);
  return out;
}

bool PortFree(int port, const std::string& socket_dir) {
  return !std::filesystem::exists(socket_dir + "/.s.PGSQL." + std::to_string(port));
}

}  // namespace

std::string PgBinDir() {
  if (const char* env = std::getenv("TOMBSTONE_PG_BINDIR")) return env;
  return "/usr/lib/postgresql/15/bin";
}

int PgCluster::RunAsServerUser(const std::string& command) const {
  const std::string full =
      ::geteuid() == 0 ? "runuser -u postgres -- sh -c " + Quote(command) : command;
  return std::system(full.c_str());
}

PgCluster::PgCluster() : bin_dir_(PgBinDir()) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "tombstone-pg-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  base_dir_ = tmpl;
  data_dir_ = base_dir_ + "/data";
  socket_dir_ = base_dir_ + "/socket";
  std::filesystem::create_directories(socket_dir_);
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("running as root but there is no 'postgres' user");
    for (const auto& p : {base_dir_, socket_dir_}) {
      if (::chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("chown failed: " + p);
    }
    superuser_ = "postgres";
  } else {
    const passwd* pw = ::getpwuid(::geteuid());
    superuser_ = pw != nullptr ? pw->pw_name : "postgres";
  }
  if (RunAsServerUser(bin_dir_ + "/initdb -A trust -U " + superuser_ + " -E UTF8 --locale=C -D " +
                      Quote(data_dir_) + " > " + Quote(base_dir_ + "/initdb.log") + " 2>&1") != 0)
    throw std::runtime_error("initdb failed: " + ReadFile(base_dir_ + "/initdb.log"));

  std::mt19937 rng(std::random_device{}());
  for (int attempt = 0; attempt < 20; ++attempt) {
    port_ = 20000 + static_cast<int>(rng() % 30000);
    if (!PortFree(port_, socket_dir_)) continue;
    const std::string opts = "-c listen_addresses='' -c unix_socket_directories=" + socket_dir_ +
                             " -c port=" + std::to_string(port_) +
                             " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                             " -c max_connections=50 -c wal_level=replica -c max_wal_senders=4";
    const int rc = RunAsServerUser(bin_dir_ + "/pg_ctl -w -t 60 -D " + Quote(data_dir_) +
                                   " -l " + Quote(base_dir_ + "/server.log") + " -o " +
                                   Quote(opts) + " start > /dev/null 2>&1");
    if (rc == 0) return;
  }
  throw std::runtime_error("unable to start PostgreSQL: " + ReadFile(base_dir_ + "/server.log"));
}

PgCluster::~PgCluster() {
  RunAsServerUser(bin_dir_ + "/pg_ctl -w -t 60 -m immediate -D " + Quote(data_dir_) +
                  " stop > /dev/null 2>&1");
  std::error_code ignored;
  std::filesystem::remove_all(base_dir_, ignored);
}

PgCluster& PgCluster::Shared() {
  static PgCluster cluster;
  return cluster;
}

std::string PgCluster::Dsn(const std::string& dbname) const {
  return "host=" + socket_dir_ + " port=" + std::to_string(port_) + " user=" + superuser_ +
         " dbname=" + dbname;
}

std::string PgCluster::Psql(const std::string& sql, const std::string& dbname) const {
  TempDir tmp;
  const std::string file = tmp / "q.sql";
  WriteFile(file, sql);
  int status = 0;
  const std::string out =
      Capture(bin_dir_ + "/psql -X -q -A -t -v ON_ERROR_STOP=1 " + Quote(Dsn(dbname)) + " -f " +
                  Quote(file) + " 2>&1",
              &status);
  if (status != 0) throw std::runtime_error("psql failed: " + out);
  return out;
}

std::string PgCluster::CreateDatabase(const std::string& prefix) {
  const std::string name = prefix + "_" + std::to_string(::getpid()) + "_" +
                           std::to_string(++databases_);
  Psql("CREATE DATABASE " + name + ";");
  return name;
}

}  // namespace tombstone::testing

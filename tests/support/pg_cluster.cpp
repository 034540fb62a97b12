#include "tests/support/pg_cluster.h"

#include <pwd.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
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

// key=value lines, as Publish writes them.
std::map<std::string, std::string> ReadState(const std::string& path) {
  std::map<std::string, std::string> state;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) state[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return state;
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
  if (!owned_) return;
  RunAsServerUser(bin_dir_ + "/pg_ctl -w -t 60 -m immediate -D " + Quote(data_dir_) +
                  " stop > /dev/null 2>&1");
  std::error_code ignored;
  std::filesystem::remove_all(base_dir_, ignored);
}

PgCluster& PgCluster::Shared() {
  // Initialized once (thread-safe); after a throw, the next call tries again.
  static const std::unique_ptr<PgCluster> cluster = []() -> std::unique_ptr<PgCluster> {
    const char* state = std::getenv(kSharedClusterEnv);
    if (state != nullptr && *state != '\0') return Attach(state);
    return std::make_unique<PgCluster>();
  }();
  return *cluster;
}

void PgCluster::Publish(const std::string& state_file) {
  std::string state;
  for (const auto& [key, value] :
       std::map<std::string, std::string>{{"base_dir", base_dir_},
                                          {"data_dir", data_dir_},
                                          {"socket_dir", socket_dir_},
                                          {"bin_dir", bin_dir_},
                                          {"superuser", superuser_},
                                          {"port", std::to_string(port_)}})
    state += key + "=" + value + "\n";
  const std::string partial = state_file + ".partial";
  WriteFile(partial, state);
  if (ReadFile(partial) != state || ::rename(partial.c_str(), state_file.c_str()) != 0)
    throw std::runtime_error("unable to write '" + state_file + "'");
  owned_ = false;
}

std::unique_ptr<PgCluster> PgCluster::Attach(const std::string& state_file) {
  const auto state = ReadState(state_file);
  std::unique_ptr<PgCluster> pg(new PgCluster(AttachTag{}));
  pg->owned_ = false;
  try {
    pg->base_dir_ = state.at("base_dir");
    pg->data_dir_ = state.at("data_dir");
    pg->socket_dir_ = state.at("socket_dir");
    pg->bin_dir_ = state.at("bin_dir");
    pg->superuser_ = state.at("superuser");
    pg->port_ = std::stoi(state.at("port"));
  } catch (const std::exception&) {
    throw std::runtime_error("no shared PostgreSQL cluster described in '" + state_file + "' (" +
                             kSharedClusterEnv +
                             "): did the ctest fixture 'pg_cluster_start' fail?");
  }
  pg->Psql("SELECT 1;");  // throws with psql's message when the server does not answer
  return pg;
}

bool PgCluster::StopPublished(const std::string& state_file) {
  if (!std::filesystem::exists(state_file)) return true;
  bool stopped = true;
  try {
    std::unique_ptr<PgCluster> pg(new PgCluster(AttachTag{}));
    const auto state = ReadState(state_file);
    pg->bin_dir_ = state.at("bin_dir");
    pg->data_dir_ = state.at("data_dir");
    pg->base_dir_ = state.at("base_dir");
    pg->owned_ = true;  // its destructor stops the server and removes the directory
    stopped = pg->RunAsServerUser(pg->bin_dir_ + "/pg_ctl status -D " + Quote(pg->data_dir_) +
                                  " > /dev/null 2>&1") != 0 ||
              pg->RunAsServerUser(pg->bin_dir_ + "/pg_ctl -w -t 60 -m immediate -D " +
                                  Quote(pg->data_dir_) + " stop > /dev/null 2>&1") == 0;
  } catch (const std::exception&) {
    stopped = false;
  }
  std::error_code ignored;
  std::filesystem::remove(state_file, ignored);
  return stopped;
}

std::string PgCluster::Dsn(const std::string& dbname) const { return DsnAs(superuser_, dbname); }

std::string PgCluster::DsnAs(const std::string& user, const std::string& dbname) const {
  return "host=" + socket_dir_ + " port=" + std::to_string(port_) + " user=" + user +
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

std::string PgCluster::UniqueName(const std::string& prefix) {
  // The process id alone is not enough on a cluster that outlives processes: ids are reused.
  static const std::uint32_t salt = std::random_device{}();
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", salt);
  return prefix + "_" + std::to_string(::getpid()) + "_" + suffix + "_" +
         std::to_string(++databases_);
}

std::string PgCluster::CreateDatabase(const std::string& prefix) {
  const std::string name = UniqueName(prefix);
  Psql("CREATE DATABASE " + name + ";");
  return name;
}

void PgCluster::EnsureRole(const std::string& role) const {
  // Two sessions creating the same role at once: the loser gets unique_violation, not
  // duplicate_object.
  Psql("DO $$ BEGIN CREATE ROLE \"" + role +
       "\" LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;");
}

}  // namespace tombstone::testing

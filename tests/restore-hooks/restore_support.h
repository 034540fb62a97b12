// Helpers for the restore-hook tests: a throwaway source cluster with a WAL archive (the database
// that gets backed up), shell commands with captured output, key=value summaries and receipts.
// Header-only: used by the *_pgtest.cpp files of this directory alone.
#pragma once

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/support/cli_runner.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/pg_connection.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing::restore {

inline std::string Q(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Sh {
  int code = -1;
  std::string out;  // stdout and stderr together
};

// Runs a shell command (stderr folded into the output); never throws on a non-zero exit.
inline Sh Shell(const std::string& command) {
  Sh r;
  FILE* p = ::popen(("(" + command + ") 2>&1").c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return r;
}

// The OS user servers run as: postgres when we are root, else ourselves.
inline std::string ServerUser() {
  if (::geteuid() == 0) return "postgres";
  std::string user = Shell("id -un").out;
  while (!user.empty() && user.back() == '\n') user.pop_back();
  return user;
}
inline std::string AsServerUser(const std::string& command) {
  return ::geteuid() == 0 ? "runuser -u postgres -- sh -c " + Q(command) : command;
}
// Hands a path (recursively) to the server user.
inline void GiveToServerUser(const std::string& path) {
  if (::geteuid() == 0) Shell("chown -R postgres " + Q(path));
}

// The scripts' environment: the built tombstone and a private TMPDIR.
inline std::string Env(const TempDir& dir) {
  return "TOMBSTONE_BIN=" + Q(Binary()) + " TMPDIR=" + Q(dir.path()) + " ";
}
inline std::string Hook(const std::string& script) {
  return SourceDir() + "/restore-hooks/" + script;
}
inline std::string TestData(const std::string& name) {
  return SourceDir() + "/tests/restore-hooks/data/" + name;
}

// A temporary directory the server user can use.
inline void OpenToServerUser(const TempDir& dir) {
  ::chmod(dir.path().c_str(), 0755);
  GiveToServerUser(dir.path());
}

// key=value lines (the post-restore step's --summary).
inline std::map<std::string, std::string> ReadSummary(const std::string& path) {
  std::map<std::string, std::string> m;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return m;
}

inline nlohmann::json ReadJson(const std::string& path) {
  const std::string text = ReadFile(path);
  if (text.empty()) throw std::runtime_error("no such JSON file: " + path);
  return nlohmann::json::parse(text);
}

inline bool FenceIn(const std::string& pgdata) {
  return ReadFile(pgdata + "/postgresql.auto.conf").find("# BEGIN tombstone fence") !=
         std::string::npos;
}

// What "fenced" means for a restored data directory (restore-hooks/lib/fence.sh): the fence block
// in postgresql.auto.conf, or, when that could not be written, PG_VERSION moved aside.
inline bool Fenced(const std::string& pgdata) {
  return FenceIn(pgdata) || std::filesystem::exists(pgdata + "/PG_VERSION.tombstone-fenced");
}

// True when a server runs on the data directory.
inline bool ServerRunningOn(const std::string& pgdata) {
  return Shell(AsServerUser(PgBinDir() + "/pg_ctl status -D " + Q(pgdata))).code == 0;
}

// A plain start, as a service manager would start the directory: true when it fails on the fence
// (its log names the fence path). A start that succeeds is stopped at once and gives false.
inline bool PlainStartRefused(const std::string& pgdata, const std::string& log) {
  Sh r =
      Shell(AsServerUser(PgBinDir() + "/pg_ctl start -w -t 30 -D " + Q(pgdata) + " -l " + Q(log)));
  if (r.code == 0) {
    Shell(AsServerUser(PgBinDir() + "/pg_ctl stop -w -m immediate -D " + Q(pgdata)));
    return false;
  }
  return ReadFile(log).find("TOMBSTONE-FENCED") != std::string::npos;
}

// A trigger that makes replay's DELETE on `events` skip every row while the session has
// restore_test.refuse_delete = on (PGOPTIONS='-c restore_test.refuse_delete=on' in the hook's
// environment): replay then counts fewer deleted rows than it found and exits 3, a real residue.
constexpr const char* kRefuseDeleteTrigger =
    "CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF current_setting('restore_test.refuse_delete', true) = 'on' THEN RETURN NULL; END IF; "
    "RETURN OLD; END $$; "
    "CREATE TRIGGER refuse_delete BEFORE DELETE ON events FOR EACH ROW "
    "EXECUTE FUNCTION refuse_delete()";
constexpr const char* kRefuseDeleteEnv = "PGOPTIONS='-c restore_test.refuse_delete=on' ";

// A source cluster to back up: its own initdb under `dir`, Unix socket only, WAL archiving with
// `archive_command` (default: copy into dir/archive). Stopped on destruction.
class SourceCluster {
 public:
  SourceCluster(const std::string& dir, int port, const std::string& archive_command = "")
      : dir_(dir),
        data_(dir + "/source"),
        sock_(dir + "/source-sock"),
        archive_(dir + "/archive"),
        port_(port) {
    std::filesystem::create_directories(sock_);
    std::filesystem::create_directories(archive_);
    GiveToServerUser(sock_);
    GiveToServerUser(archive_);
    const std::string bin = PgBinDir();
    Must(AsServerUser(bin + "/initdb -N -A trust -U " + ServerUser() + " -E UTF8 --locale=C -D " +
                      Q(data_)),
         "initdb");
    const std::string command =
        archive_command.empty() ? "cp %p " + archive_ + "/%f" : archive_command;
    // settings in postgresql.conf (ALTER SYSTEM), so that tools reading the config see them
    std::string conf = "listen_addresses = ''\nunix_socket_directories = '" + sock_ +
                       "'\nport = " + std::to_string(port_) +
                       "\nwal_level = replica\narchive_mode = on\n" + "archive_command = '" +
                       command + "'\nfsync = off\n";
    WriteFile(dir_ + "/source.conf", conf);
    Must("cat " + Q(dir_ + "/source.conf") + " >> " + Q(data_ + "/postgresql.conf"), "configure");
    Must(AsServerUser(bin + "/pg_ctl start -w -t 60 -D " + Q(data_) + " -l " +
                      Q(dir_ + "/source.log")),
         "start the source cluster");
    up_ = true;
  }
  ~SourceCluster() {
    if (up_) Shell(AsServerUser(PgBinDir() + "/pg_ctl stop -w -m immediate -D " + Q(data_)));
  }
  SourceCluster(const SourceCluster&) = delete;
  SourceCluster& operator=(const SourceCluster&) = delete;

  std::string Dsn(const std::string& db = "postgres") const {
    return "host=" + sock_ + " port=" + std::to_string(port_) + " user=" + ServerUser() +
           " dbname=" + db;
  }
  // Runs SQL; throws with psql's output when it fails.
  std::string Psql(const std::string& sql, const std::string& db = "postgres") const {
    return Must(PgBinDir() + "/psql -X -q -A -t -v ON_ERROR_STOP=1 " + Q(Dsn(db)) + " -c " + Q(sql),
                "psql");
  }
  std::string PsqlFile(const std::string& file, const std::string& db) const {
    return Must(
        PgBinDir() + "/psql -X -q -A -t -v ON_ERROR_STOP=1 " + Q(Dsn(db)) + " -f " + Q(file),
        "psql -f");
  }
  // The current time in RFC 3339 UTC, with a second of quiet either side (a recovery target).
  std::string TargetTime() const {
    ::sleep(1);
    std::string t = Psql(
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    ::sleep(1);
    return t.substr(0, t.size() - 1);
  }
  // Switches to a new WAL segment and waits until the old one is archived. Nothing announces
  // an archived segment: the archiver's statistics are asked until they say so, within a bound
  // far above the expected second, so that a loaded machine does not fail the test.
  void ArchiveAll() const {
    const std::string segment = Psql("SELECT pg_walfile_name(pg_current_wal_lsn())");
    Psql("SELECT pg_switch_wal()");
    try {
      PgConnection(Dsn()).WaitUntil("SELECT coalesce(last_archived_wal >= '" +
                                        segment.substr(0, segment.size() - 1) +
                                        "', false) FROM pg_stat_archiver",
                                    "the WAL is archived");
    } catch (const std::exception& e) {
      throw std::runtime_error(e.what() + ("\n" + ReadFile(dir_ + "/source.log")));
    }
  }
  std::string SystemIdentifier() const {
    const std::string s = Psql("SELECT system_identifier FROM pg_control_system()");
    return s.substr(0, s.size() - 1);
  }
  const std::string& data() const { return data_; }
  const std::string& sock() const { return sock_; }
  const std::string& archive() const { return archive_; }
  int port() const { return port_; }

  static std::string Must(const std::string& command, const std::string& what) {
    Sh r = Shell(command);
    if (r.code != 0) throw std::runtime_error("unable to " + what + ": " + r.out);
    return r.out;
  }

 private:
  std::string dir_, data_, sock_, archive_;
  int port_;
  bool up_ = false;
};

// A restored data directory started for inspection after the step (as an application would, but
// on a private socket). Stopped on destruction.
class Opened {
 public:
  Opened(const std::string& pgdata, const std::string& sock, int port)
      : pgdata_(pgdata), sock_(sock), port_(port) {
    std::filesystem::create_directories(sock_);
    GiveToServerUser(sock_);
    const std::string o = "-c listen_addresses= -c unix_socket_directories=" + sock_ +
                          " -c port=" + std::to_string(port_) + " -c archive_mode=off";
    r_ = Shell(AsServerUser(PgBinDir() + "/pg_ctl start -w -t 60 -D " + Q(pgdata_) + " -l " +
                            Q(sock_ + "/../opened.log") + " -o " + Q(o)));
  }
  ~Opened() {
    if (r_.code == 0) Shell(AsServerUser(PgBinDir() + "/pg_ctl stop -w -m fast -D " + Q(pgdata_)));
  }
  bool up() const { return r_.code == 0; }
  std::string Dsn(const std::string& db, const std::string& user = ServerUser()) const {
    return "host=" + sock_ + " port=" + std::to_string(port_) + " user=" + user + " dbname=" + db;
  }
  Sh Psql(const std::string& sql, const std::string& db,
          const std::string& user = ServerUser()) const {
    return Shell(PgBinDir() + "/psql -X -q -A -t -v ON_ERROR_STOP=1 " + Q(Dsn(db, user)) + " -c " +
                 Q(sql));
  }

 private:
  std::string pgdata_, sock_;
  int port_;
  Sh r_;
};

// Records tombstones for subjects 3 and 7 of tests/restore-hooks/data/schema.sql (id and email).
inline void RecordErasures(const StoreFixture& store) {
  for (int id : {3, 7}) {
    const std::string ids =
        "user_id:" + std::to_string(id) + "\nemail:user" + std::to_string(id) + "@example.com\n";
    auto r = store.Run({"add", "--request", "GDPR-" + std::to_string(id), "--ids-from", "-"}, ids);
    if (r.code != 0) throw std::runtime_error("tombstone add failed: " + r.err);
  }
}

// What the application does when it erases subjects 3 and 7 (the live side of the erasure).
inline void EraseLive(const SourceCluster& source, const std::string& db) {
  source.Psql(
      "DELETE FROM events WHERE user_id IN (3, 7) OR lower(payload->>'email') IN "
      "('user3@example.com', 'user7@example.com');"
      "DELETE FROM users WHERE id IN (3, 7);",
      db);
}

}  // namespace tombstone::testing::restore

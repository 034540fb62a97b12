// The Patroni recipe end to end (docs/orchestrators.md): etcd and Patroni on loopback, random free
// ports, everything in a temporary directory; Patroni bootstraps from a pgBackRest backup through
// restore-hooks/patroni-bootstrap.sh with the configuration of docs/examples/patroni.yml. A client
// polls the server from before Patroni starts and records what its first successful connection saw.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "tests/restore-hooks/restore_support.h"

using namespace tombstone::testing;
using namespace tombstone::testing::restore;

namespace {

// A free TCP port on 127.0.0.1: bound to port 0, read, released.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("unable to find a free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

bool WaitFor(const std::function<bool()>& done, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

// A command (sh -c) in a process group of its own, output into a log file. Ended on destruction,
// whatever the test's outcome: SIGTERM to the whole group, SIGKILL after 30 s.
class Background {
 public:
  Background(const std::string& command, const std::string& log) {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::setpgid(0, 0);
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
  }
  ~Background() { Stop(); }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  bool Running() {
    if (!exited_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return !exited_;
  }
  bool WaitExit(int seconds) {
    return WaitFor([this] { return !Running(); }, seconds);
  }
  int ExitCode() const { return exited_ && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1; }
  void Stop() {
    if (!Running()) return;
    ::kill(-pid_, SIGTERM);
    if (WaitExit(30)) return;
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
    exited_ = true;
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
};

// Patroni starts PostgreSQL in a session of its own (os.setsid), out of Background's reach: after
// Patroni has stopped (it stops its server itself), whatever still runs on these directories is
// stopped immediately.
class StopServersOn {
 public:
  explicit StopServersOn(std::vector<std::string> pgdata) : pgdata_(std::move(pgdata)) {}
  ~StopServersOn() {
    for (const auto& d : pgdata_)
      if (std::filesystem::exists(d + "/postmaster.pid"))
        Shell(AsServerUser(PgBinDir() + "/pg_ctl stop -w -t 30 -m immediate -D " + Q(d)));
  }
  StopServersOn(const StopServersOn&) = delete;
  StopServersOn& operator=(const StopServersOn&) = delete;

 private:
  std::vector<std::string> pgdata_;
};

// A long-running command as the server user, by exec (setpriv): the process Background signals is
// the daemon itself. (runuser stays as a parent that SIGKILLs its child 2 s after a SIGTERM, too
// soon for Patroni to stop its server.)
// It starts in the temporary directory: Patroni's worker processes change back into the directory
// they were started from, which the server user may not enter (the build directory of a clone
// in a mode 0700 directory).
std::string ExecAsServerUser(const std::string& command) {
  const std::string tmp = Q(std::filesystem::temp_directory_path());
  if (::geteuid() != 0) return "cd " + tmp + " && exec " + command;
  return "cd " + tmp + " && exec setpriv --reuid=postgres --regid=postgres --init-groups env HOME=" +
         tmp + " " + command;
}

// Replaces every `from` in `text`; throws when there is none (the sample changed under the test).
void Replace(std::string& text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  if (at == std::string::npos)
    throw std::runtime_error("not in docs/examples/patroni.yml: " + from);
  for (; at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// A source cluster with a full pgBackRest backup holding subjects 3 and 7, erased afterwards
// (live, and tombstoned in the store), and an archive past the recovery target. Made once.
struct Backup {
  Backup()
      : conf((OpenToServerUser(dir), dir / "pgbackrest.conf")),
        source((WriteConf(), dir.path()), port,
               "pgbackrest --config=" + conf + " --stanza=main archive-push %p"),
        store(dir.path()) {
    source.Psql("CREATE DATABASE app");
    source.PsqlFile(TestData("schema.sql"), "app");
    const std::string br = "pgbackrest --config=" + conf + " --stanza=main ";
    SourceCluster::Must(AsServerUser(br + "stanza-create"), "create the stanza");
    SourceCluster::Must(AsServerUser(br + "backup --type=full"), "back up");
    subjects_in_backup = source.Psql("SELECT count(*) FROM users WHERE id IN (3, 7)", "app");
    target = source.TargetTime();
    EraseLive(source, "app");
    RecordErasures(store);
    source.ArchiveAll();
    WriteFile(dir / "unfitting-map.toml",
              "[kinds]\nuser_id = \"exact\"\n\n[[table]]\nname = \"public.no_such_table\"\n"
              "match = [ { column = \"id\", kind = \"user_id\" } ]\naction = \"delete\"\n");
    Stage();
    GiveToServerUser(dir.path());  // the store and key: Patroni's command runs as the server user
  }
  // Patroni runs the bootstrap command as the server user, who may not reach the source tree or
  // the build (a clone in a mktemp -d directory or under /root: mode 0700). The hooks, the
  // program and the map go where it can read them, as an installed package would put them.
  void Stage() {
    namespace fs = std::filesystem;
    fs::create_directories(dir / "staged");
    fs::copy(SourceDir() + "/restore-hooks", hooks, fs::copy_options::recursive);
    fs::copy_file(Binary(), bin);
    fs::copy_file(TestData("map.toml"), map);
  }
  void WriteConf() const {
    WriteFile(conf, "[global]\nrepo1-path=" + dir / "repo" + "\nrepo1-retention-full=2\n" +
                        "lock-path=" + dir / "lock" + "\nlog-path=" + dir / "log" +
                        "\nlog-level-console=warn\nlog-level-file=off\nstart-fast=y\n\n[main]\n" +
                        "pg1-path=" + dir / "source" + "\npg1-socket-path=" + dir / "source-sock" +
                        "\npg1-port=" + std::to_string(port) + "\n");
    GiveToServerUser(conf);
  }
  int port = FreePort();  // the source cluster's (on its Unix socket)
  TempDir dir;
  std::string conf;
  SourceCluster source;
  StoreFixture store;
  std::string subjects_in_backup, target;
  std::string hooks = dir / "staged/restore-hooks", bin = dir / "staged/tombstone",
              map = dir / "staged/map.toml";
};

const Backup& SharedBackup() {
  static const Backup b;
  return b;
}

// One Patroni node in dir/NAME: its own etcd, ports, data directory, sockets and logs.
struct Node {
  Node(const Backup& backup, const std::string& name)
      : run(backup.dir / name),
        data(run + "/data"),
        sock(run + "/sock"),
        first(run + "/first-connection"),
        receipt(run + "/receipt.json"),
        etcd_port(FreePort()),
        rest_port(FreePort()),
        pg_port(FreePort()) {
    std::filesystem::create_directories(sock);
    GiveToServerUser(run);
  }

  // docs/examples/patroni.yml for this node, its bootstrap command given `map` and `extra`.
  std::string Config(const Backup& backup, const std::string& map, const std::string& extra) const {
    std::string y = ReadFile(SourceDir() + "/docs/examples/patroni.yml");
    Replace(y, "127.0.0.1:8008", "127.0.0.1:" + std::to_string(rest_port));
    Replace(y, "127.0.0.1:2379", "127.0.0.1:" + std::to_string(etcd_port));
    Replace(y, "127.0.0.1:5432", "127.0.0.1:" + std::to_string(pg_port));
    Replace(y, "loop_wait: 10", "loop_wait: 1");
    Replace(y, "/var/lib/postgresql/15/main", data);
    Replace(y, "/usr/lib/postgresql/15/bin", PgBinDir());
    Replace(y, "/var/lib/postgresql/.pgpass.patroni", run + "/pgpass");
    Replace(y, "/var/run/postgresql", sock);
    Replace(y, "username: postgres", "username: " + ServerUser());
    Replace(y, "/usr/libexec/tombstone/restore-hooks/patroni-bootstrap.sh",
            backup.hooks + "/patroni-bootstrap.sh");
    Replace(y, "/etc/pgbackrest/pgbackrest.conf", backup.conf);
    Replace(y, "/etc/tombstone/map.toml", map);
    Replace(y, "/var/lib/tombstone/store", backup.store.store);
    Replace(y, "/etc/tombstone/key", backup.store.key);
    Replace(y, "/var/log/tombstone/patroni-bootstrap.json",
            receipt + " --summary " + run + "/step.summary --target-time " + backup.target + extra);
    return y;
  }

  // Starts etcd and waits until it answers; then the client; then Patroni (as the server user, with
  // the built tombstone and hooks).
  void Start(const Backup& backup, const std::string& config) {
    WriteFile(run + "/patroni.yml", config);
    GiveToServerUser(run);
    const std::string client = "http://127.0.0.1:" + std::to_string(etcd_port);
    const std::string peer = "http://127.0.0.1:" + std::to_string(FreePort());
    etcd = std::make_unique<Background>(
        ExecAsServerUser("etcd --name node1 --data-dir " + Q(run + "/etcd") +
                         " --listen-client-urls " + client + " --advertise-client-urls " + client +
                         " --listen-peer-urls " + peer + " --initial-advertise-peer-urls " + peer +
                         " --initial-cluster node1=" + peer),
        run + "/etcd.log");
    if (!WaitFor(
            [&] {
              return Shell("curl -sf " + client + "/health").out.find("true") != std::string::npos;
            },
            30))
      throw std::runtime_error("etcd did not start: " + ReadFile(run + "/etcd.log"));
    client_poll = std::make_unique<Background>(ExecAsServerUser("sh -c " + Q(PollScript())),
                                               run + "/client.log");
    patroni = std::make_unique<Background>(
        ExecAsServerUser("env TOMBSTONE_BIN=" + Q(backup.bin) + " TMPDIR=" + Q(backup.dir.path()) +
                         " patroni " + Q(run + "/patroni.yml")),
        run + "/patroni.log");
  }

  // Every 50 ms from the start: a connection to Patroni's server (TCP on loopback, then its socket)
  // as the application's database. The first that succeeds writes what it saw:
  // cluster_name|erased subjects present|users|receipt present.
  std::string PollScript() const {
    const std::string dsn = "host=127.0.0.1," + sock + " port=" + std::to_string(pg_port) + "," +
                            std::to_string(pg_port) + " user=" + ServerUser() +
                            " dbname=app connect_timeout=2";
    const std::string sql =
        "SELECT current_setting('cluster_name') || '|' || (SELECT count(*) FROM users WHERE id IN "
        "(3, 7)) || '|' || (SELECT count(*) FROM users)";
    return "export PGPASSWORD=change-me; n=0; while :; do n=$((n + 1)); "
           "if seen=$(" +
           PgBinDir() + "/psql -X -A -t -d " + Q(dsn) + " -c " + Q(sql) +
           " 2>/dev/null); then r=no; [ ! -f " + Q(receipt) +
           " ] || r=yes; "
           "echo \"$seen|$r\" >" +
           Q(first + ".new") + " && mv " + Q(first + ".new") + " " + Q(first) +
           "; echo \"connected at attempt $n\"; exit 0; fi; sleep 0.05; done";
  }

  std::string Log() const {
    return "patroni.log:\n" + ReadFile(run + "/patroni.log") + "\nclient.log:\n" +
           ReadFile(run + "/client.log");
  }

  std::string run, data, sock, first, receipt;
  int etcd_port, rest_port, pg_port;
  // destroyed in reverse: the client, Patroni, then any server left behind, then etcd
  std::unique_ptr<Background> etcd;
  StopServersOn servers{{data, data + ".failed"}};
  std::unique_ptr<Background> patroni, client_poll;
};

}  // namespace

TEST_CASE(
    "Patroni: bootstrapped from pgBackRest by patroni-bootstrap.sh, the first client connection "
    "finds the erased subjects gone",
    "[pg][restore-hooks]") {
  // tests/install-deps.sh installs them; without them the recipe is not tested, which is a failure
  const Sh tools = Shell("command -v patroni etcd curl");
  INFO(tools.out);
  REQUIRE(tools.code == 0);
  const Backup& backup = SharedBackup();
  REQUIRE(backup.subjects_in_backup == "2\n");  // the backup holds both subjects

  SECTION("replay clean: Patroni starts the replayed directory; the first client sees no subject") {
    Node node(backup, "clean");
    node.Start(backup, node.Config(backup, backup.map, ""));
    if (!WaitFor([&] { return std::filesystem::exists(node.first); }, 90)) FAIL(node.Log());
    INFO(node.Log());
    // what the very first successful connection saw: Patroni's server (its cluster_name is the
    // scope; the fenced server's is tombstone-fenced), no erased subject, the receipt written
    CHECK(ReadFile(node.first) == "main|0|38|yes\n");
    const std::string rest = "http://127.0.0.1:" + std::to_string(node.rest_port);
    CHECK(WaitFor([&] { return Shell("curl -sf " + rest + "/primary").code == 0; }, 60));
    auto receipt = ReadJson(node.receipt);
    CHECK(receipt["verification"] == "clean");
    CHECK(receipt["tombstones_applied"] == 2);
    CHECK(receipt["backup"]["source"] == "pgbackrest");
    auto summary = ReadSummary(node.run + "/step.summary");
    CHECK(summary["replay_exit"] == "0");
    CHECK(summary["fenced"] == "no");
    CHECK_FALSE(FenceIn(node.data));
    CHECK(ReadFile(node.run + "/patroni.log").find("Running custom bootstrap script") !=
          std::string::npos);
  }

  SECTION("replay refused (a map that does not fit): no server for clients, the directory fenced") {
    Node node(backup, "refused");
    node.Start(backup, node.Config(backup, backup.dir / "unfitting-map.toml", ""));
    // Patroni gives up: its bootstrap failed, it renames the directory and exits
    if (!node.patroni->WaitExit(90)) FAIL(node.Log());
    INFO(node.Log());
    CHECK(node.patroni->ExitCode() != 0);
    CHECK(ReadFile(node.run + "/patroni.log").find("failed attempt to bootstrap") !=
          std::string::npos);
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the client's last attempts
    CHECK_FALSE(std::filesystem::exists(node.first));
    CHECK(node.client_poll->Running());  // still polling: it never got in
    CHECK(ReadSummary(node.run + "/step.summary")["step_exit"] == "2");
    CHECK(Fenced(node.data + ".failed"));
    CHECK_FALSE(ServerRunningOn(node.data + ".failed"));
    CHECK_FALSE(std::filesystem::exists(node.receipt));
  }

  // Patroni puts listen_addresses on the server's command line, which outranks the fence's; the
  // fence holds through unix_socket_directories and hba_file, which Patroni writes only into its
  // postgresql.conf (docs/orchestrators.md). This keeps that true for the Patroni installed.
  SECTION(
      "a bootstrap command that restores, fences and exits 0: Patroni's start fails on the fence") {
    Node node(backup, "fenced");
    const std::string command =
        node.run + "/restore-and-fence.sh";  // Patroni appends --datadir= last
    WriteFile(command, "#!/usr/bin/env bash\nsource " +
                           Q(backup.hooks + "/lib/common.sh") +
                           "\nd=${!#}; d=${d#--datadir=}\npgbackrest --config=" + Q(backup.conf) +
                           " --stanza=main --pg1-path=\"$d\" restore --archive-mode=off\n" +
                           "fence_write \"$d\" 'test: restored, not replayed'\n");
    std::filesystem::permissions(
        command, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                     std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                     std::filesystem::perms::others_exec);
    std::string config = node.Config(backup, backup.map, "");
    Replace(config, backup.hooks + "/patroni-bootstrap.sh", command);
    node.Start(backup, config);
    if (!node.patroni->WaitExit(90)) FAIL(node.Log());
    INFO(node.Log());
    CHECK(node.patroni->ExitCode() != 0);
    const std::string log = ReadFile(node.run + "/patroni.log");
    CHECK(log.find("FATAL:  could not create lock file \"/nonexistent/TOMBSTONE-FENCED") !=
          std::string::npos);
    CHECK(log.find("failed attempt to bootstrap") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    CHECK_FALSE(std::filesystem::exists(node.first));
    CHECK(Fenced(node.data + ".failed"));
    CHECK_FALSE(ServerRunningOn(node.data + ".failed"));
  }
}

TEST_CASE("Patroni: patroni-bootstrap.sh refuses bad options before it writes anything: exit 2",
          "[pg][restore-hooks]") {
  TempDir dir;
  const std::string hook = Env(dir) + Hook("patroni-bootstrap.sh");
  SECTION("no data directory (Patroni's --datadir=, or --pgdata)") {
    Sh r = Shell(hook + " --stanza main --scope=main");
    CHECK(r.code == 2);
    CHECK(r.out.find("no data directory") != std::string::npos);
  }
  SECTION("an option without its value") {
    CHECK(Shell(hook + " --datadir=" + Q(dir / "data") + " --stanza").code == 2);
    CHECK_FALSE(std::filesystem::exists(dir / "data"));
  }
  SECTION("a data directory that is not empty (Patroni's, with a cluster in it)") {
    std::filesystem::create_directories(dir / "data");
    WriteFile(dir / "data/PG_VERSION", "15\n");
    Sh r = Shell(hook + " --stanza main --map m --store s --key-file k --scope=main --datadir=" +
                 Q(dir / "data"));
    CHECK(r.code == 2);
    CHECK(r.out.find("not empty") != std::string::npos);
    CHECK_FALSE(FenceIn(dir / "data"));
  }
}

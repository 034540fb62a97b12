// replay_bench: the two client-side measurements of the replay benchmark that psql cannot time
// precisely (tests/bench/replay-bench.sh drives it; docs/performance.md has the method).
//
//   replay_bench limit DSN SQL [SQL...]
//       The physical limit of a client-side scan: `COPY (SQL) TO STDOUT` for each query, every
//       byte received through libpq and thrown away. Prints one line per query and a total:
//         limit <index> <seconds> <rows> <bytes>
//         limit total <seconds> <rows> <bytes>
//
//   replay_bench limit-binary DSN SQL [SQL...]
//       The same in COPY's binary format (`TO STDOUT (FORMAT binary)`), the format replay's
//       scan reads: the server sends integers and timestamps without printing them.
//
//   replay_bench per-subject DSN SUBJECTS indexed|complete TIME_BOX_SECONDS
//       The method existing erasure tools use: one prepared DELETE per subject per table, every
//       subject in one transaction, rolled back at the end (the database is left unchanged).
//       SUBJECTS has one line per subject: `<user id>\t<normalized email>`.
//         indexed   users: id = $1 OR email = $2            events: user_id = $1
//                   (both use an index; misses case variants and the copies inside jsonb)
//         complete  users: id = $1 OR lower(btrim(email)) = $2
//                   events: user_id = $1 OR lower(btrim(payload->>'email')) = $2
//                   (finds what replay finds; no index can serve it: a sequential scan each)
//       Stops after TIME_BOX_SECONDS and extrapolates linearly to every subject. Prints:
//         per-subject <method> subjects <done> of <total> seconds <measured>
//             extrapolated <seconds for all> boxed <0|1> users_deleted <n> events_deleted <n>
//
//   replay_bench apply DSN SUBJECTS METHOD
//       The apply limit: how fast this server deletes exactly the rows replay deletes, by row
//       identity, in one transaction (rolled back: run it on a copy). The rows are found first,
//       untimed, the way replay matches them (users: id, or the email normalized; events:
//       user_id, or the payload's email normalized; lower(btrim()) is the normalizer for this
//       ASCII dataset). Then, timed, children first (events, then users):
//         pk-batch     DELETE ... WHERE id = ANY($1::bigint[]), 10,000 keys a statement
//                      (what replay does: the primary key is its locator)
//         ctid-batch   DELETE ... WHERE ctid = ANY($1::tid[]), 10,000 a statement, in ctid order
//         ctid-one     the same, one statement per table with every ctid
//         copy-join    COPY the ctids into a temporary table, DELETE ... USING it (a join on ctid)
//       Prints:
//         apply <method> users <n> events <n> identify <s> events_s <s> users_s <s> seconds <s>
//
// Exit status: 0 measured, 1 a database error, 2 misuse. No identifier is ever printed.
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void Fail(const std::string& what, PGconn* conn) {
  std::fprintf(stderr, "replay_bench: unable to %s: %s\n", what.c_str(),
               conn != nullptr ? PQerrorMessage(conn) : "no connection");
  std::exit(1);
}

PGconn* Connect(const char* dsn) {
  PGconn* conn = PQconnectdb(dsn);
  if (PQstatus(conn) != CONNECTION_OK) Fail("connect to the benchmark database", conn);
  return conn;
}

// Runs a statement that returns no rows (or rows we do not need); fails on any error.
void Exec(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  PQclear(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) Fail("run '" + sql + "'", conn);
}

// --- limit -------------------------------------------------------------------------------

struct CopyCount {
  double seconds = 0;
  long long rows = 0, bytes = 0;
};

// COPY (sql) TO STDOUT in text or binary format; each libpq buffer is one row.
CopyCount CopyOut(PGconn* conn, const std::string& sql, bool binary) {
  CopyCount count;
  const Clock::time_point start = Clock::now();
  PGresult* r =
      PQexec(conn, ("COPY (" + sql + ") TO STDOUT" + (binary ? " (FORMAT binary)" : "")).c_str());
  const ExecStatusType st = PQresultStatus(r);
  PQclear(r);
  if (st != PGRES_COPY_OUT) Fail("start 'COPY (" + sql + ") TO STDOUT'", conn);
  char* buffer = nullptr;
  int n = 0;
  while ((n = PQgetCopyData(conn, &buffer, /*async=*/0)) > 0) {
    ++count.rows;
    count.bytes += n;
    PQfreemem(buffer);
  }
  if (n == -2) Fail("read 'COPY (" + sql + ") TO STDOUT'", conn);
  while ((r = PQgetResult(conn)) != nullptr) {
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) Fail("finish 'COPY (" + sql + ") TO STDOUT'", conn);
  }
  count.seconds = Since(start);
  return count;
}

int Limit(const char* dsn, const std::vector<std::string>& queries, bool binary) {
  PGconn* conn = Connect(dsn);
  CopyCount total;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const CopyCount c = CopyOut(conn, queries[i], binary);
    std::printf("limit %zu %.3f %lld %lld\n", i, c.seconds, c.rows, c.bytes);
    total.seconds += c.seconds, total.rows += c.rows, total.bytes += c.bytes;
  }
  std::printf("limit total %.3f %lld %lld\n", total.seconds, total.rows, total.bytes);
  PQfinish(conn);
  return 0;
}

// --- per-subject -------------------------------------------------------------------------

struct Subject {
  std::string id, email;
};

std::vector<Subject> ReadSubjects(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "replay_bench: unable to read '%s': cannot open it\n", path);
    std::exit(2);
  }
  std::vector<Subject> subjects;
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    subjects.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return subjects;
}

void Prepare(PGconn* conn, const char* name, const std::string& sql, int params) {
  PGresult* r = PQprepare(conn, name, sql.c_str(), params, nullptr);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) Fail("prepare '" + sql + "'", conn);
}

long long ExecDelete(PGconn* conn, const char* name, int params, const char* const* values) {
  PGresult* r = PQexecPrepared(conn, name, params, values, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) Fail(std::string("execute '") + name + "'", conn);
  const long long n = std::atoll(PQcmdTuples(r));
  PQclear(r);
  return n;
}

int PerSubject(const char* dsn, const char* subjects_path, const std::string& method,
               double time_box) {
  const std::vector<Subject> subjects = ReadSubjects(subjects_path);
  const bool complete = method == "complete";
  if (!complete && method != "indexed") {
    std::fprintf(stderr, "replay_bench: unable to run 'per-subject': unknown method\n");
    return 2;
  }
  PGconn* conn = Connect(dsn);
  Exec(conn, "BEGIN");
  if (complete) {
    Prepare(conn, "users", "DELETE FROM users WHERE id = $1 OR lower(btrim(email)) = $2", 2);
    Prepare(conn, "events",
            "DELETE FROM events WHERE user_id = $1 OR lower(btrim(payload->>'email')) = $2", 2);
  } else {
    Prepare(conn, "users", "DELETE FROM users WHERE id = $1 OR email = $2", 2);
    Prepare(conn, "events", "DELETE FROM events WHERE user_id = $1", 1);
  }
  long long users_deleted = 0, events_deleted = 0;
  std::size_t done = 0;
  bool boxed = false;
  const Clock::time_point start = Clock::now();
  for (const Subject& s : subjects) {
    if (Since(start) >= time_box) {
      boxed = true;
      break;
    }
    const char* values[] = {s.id.c_str(), s.email.c_str()};
    events_deleted += ExecDelete(conn, "events", complete ? 2 : 1, values);  // child first
    users_deleted += ExecDelete(conn, "users", 2, values);
    ++done;
  }
  const double seconds = Since(start);
  Exec(conn, "ROLLBACK");
  PQfinish(conn);
  const double extrapolated =
      done == 0 ? 0 : seconds * static_cast<double>(subjects.size()) / static_cast<double>(done);
  std::printf(
      "per-subject %s subjects %zu of %zu seconds %.3f extrapolated %.3f boxed %d "
      "users_deleted %lld events_deleted %lld\n",
      method.c_str(), done, subjects.size(), seconds, extrapolated, boxed ? 1 : 0, users_deleted,
      events_deleted);
  return 0;
}

// --- apply -------------------------------------------------------------------------------

// Runs a query with text parameters; returns its result (the caller clears it).
PGresult* Query(PGconn* conn, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  PGresult* r = PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) Fail("run '" + sql + "'", conn);
  return r;
}

void CopyIn(PGconn* conn, const std::string& copy, const std::string& data) {
  PGresult* r = PQexec(conn, copy.c_str());
  const bool started = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!started || PQputCopyData(conn, data.data(), static_cast<int>(data.size())) != 1 ||
      PQputCopyEnd(conn, nullptr) != 1)
    Fail("run '" + copy + "'", conn);
  while ((r = PQgetResult(conn)) != nullptr) {
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) Fail("finish '" + copy + "'", conn);
  }
}

// The doomed rows of one table: their ctids (in ctid order) and primary keys.
struct Doomed {
  std::vector<std::string> ctids, ids;
};

Doomed Identify(PGconn* conn, const std::string& sql) {
  PGresult* r = Query(conn, sql, {});
  Doomed d;
  for (int i = 0; i < PQntuples(r); ++i) {
    d.ctids.emplace_back(PQgetvalue(r, i, 0));
    d.ids.emplace_back(PQgetvalue(r, i, 1));
  }
  PQclear(r);
  return d;
}

std::string Array(const std::vector<std::string>& v, std::size_t begin, std::size_t end) {
  std::string a = "{";
  for (std::size_t i = begin; i < end; ++i) {
    if (i > begin) a += ',';
    a += '"' + v[i] + '"';  // ctids "(1,2)" and integers: nothing to escape
  }
  return a + "}";
}

long long Deleted(PGresult* r) {
  const long long n = std::atoll(PQcmdTuples(r));
  PQclear(r);
  return n;
}

// Deletes the doomed rows of `table` by `method`; returns the rows deleted.
long long DeleteRows(PGconn* conn, const std::string& table, const Doomed& d,
                     const std::string& method) {
  long long n = 0;
  if (method == "copy-join") {
    std::string data;
    for (const std::string& c : d.ctids) data += c + "\n";
    Exec(conn, "CREATE TEMPORARY TABLE doomed (c tid) ON COMMIT DROP");
    CopyIn(conn, "COPY doomed FROM STDIN", data);
    Exec(conn, "ANALYZE doomed");
    n = Deleted(Query(conn, "DELETE FROM " + table + " t USING doomed WHERE t.ctid = doomed.c", {}));
    Exec(conn, "DROP TABLE doomed");
    return n;
  }
  const bool by_ctid = method != "pk-batch";
  const std::vector<std::string>& keys = by_ctid ? d.ctids : d.ids;
  const std::string sql = "DELETE FROM " + table + (by_ctid ? " WHERE ctid = ANY($1::tid[])"
                                                            : " WHERE id = ANY($1::bigint[])");
  const std::size_t batch = method == "ctid-one" ? keys.size() : 10000;
  for (std::size_t b = 0; b < keys.size(); b += batch)
    n += Deleted(Query(conn, sql, {Array(keys, b, std::min(keys.size(), b + batch))}));
  return n;
}

int Apply(const char* dsn, const char* subjects_path, const std::string& method) {
  if (method != "pk-batch" && method != "ctid-batch" && method != "ctid-one" &&
      method != "copy-join") {
    std::fprintf(stderr, "replay_bench: unable to run 'apply': unknown method\n");
    return 2;
  }
  const std::vector<Subject> subjects = ReadSubjects(subjects_path);
  PGconn* conn = Connect(dsn);
  const Clock::time_point start = Clock::now();
  Exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ");
  std::string data;
  for (const Subject& s : subjects) data += s.id + "\t" + s.email + "\n";
  Exec(conn, "CREATE TEMPORARY TABLE subjects (id bigint, email text) ON COMMIT DROP");
  CopyIn(conn, "COPY subjects FROM STDIN", data);
  Exec(conn, "ANALYZE subjects");
  const Doomed events = Identify(
      conn, "SELECT ctid, id FROM events WHERE user_id IN (SELECT id FROM subjects) OR "
            "lower(btrim(payload->>'email')) IN (SELECT email FROM subjects) ORDER BY ctid");
  const Doomed users = Identify(
      conn, "SELECT ctid, id FROM users WHERE id IN (SELECT id FROM subjects) OR "
            "lower(btrim(email)) IN (SELECT email FROM subjects) ORDER BY ctid");
  const double identify = Since(start);
  Clock::time_point t = Clock::now();
  const long long events_deleted = DeleteRows(conn, "events", events, method);
  const double events_s = Since(t);
  t = Clock::now();
  const long long users_deleted = DeleteRows(conn, "users", users, method);
  const double users_s = Since(t);
  Exec(conn, "ROLLBACK");
  PQfinish(conn);
  std::printf("apply %s users %lld events %lld identify %.3f events_s %.3f users_s %.3f "
              "seconds %.3f\n",
              method.c_str(), users_deleted, events_deleted, identify, events_s, users_s,
              events_s + users_s);
  return 0;
}

int Usage() {
  std::fprintf(stderr,
               "usage: replay_bench limit|limit-binary DSN SQL [SQL...]\n"
               "       replay_bench per-subject DSN SUBJECTS indexed|complete TIME_BOX_SECONDS\n"
               "       replay_bench apply DSN SUBJECTS pk-batch|ctid-batch|ctid-one|copy-join\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string command = argv[1];
  if ((command == "limit" || command == "limit-binary") && argc >= 4)
    return Limit(argv[2], std::vector<std::string>(argv + 3, argv + argc),
                 command == "limit-binary");
  if (command == "per-subject" && argc == 6)
    return PerSubject(argv[2], argv[3], argv[4], std::atof(argv[5]));
  if (command == "apply" && argc == 5) return Apply(argv[2], argv[3], argv[4]);
  return Usage();
}

// discover_bench: the client's share of `tombstone discover` alone (docs/performance.md). The
// binary COPY of each SQL is read into memory once; then discover's per-value work
// (src/discover/relation_scan.h: every value, array element and json leaf normalized, hashed with
// each kind that reads its type, looked up) runs over it RUNS times, without the server or the
// network, so that two builds can be compared on a busy machine by their CPU time.
//
//   discover_bench DSN STORE KEY_FILE RUNS SQL TYPES [SQL TYPES...]
//
// TYPES: the type of each column the SQL selects, comma separated: text, int2, int4, int8, uuid,
// json, text[] (as discover selects them: text-like, json and uuid columns cast to text, arrays to
// text[]). Every kind of the store that reads a type probes its column, as in discover.
// Prints one line per run:  run <i> <cpu seconds> <rows> <places found>
// and then:                 best <cpu seconds>
// No identifier is ever printed.
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "src/discover/relation_scan.h"
#include "src/match/tombstone_table.h"
#include "tombstones/tombstones.h"

namespace {

using tombstone::discover::Candidate;
using tombstone::discover::Probe;
using tombstone::discover::RelationScan;

[[noreturn]] void Fail(const std::string& what, const std::string& cause) {
  std::fprintf(stderr, "discover_bench: unable to %s: %s\n", what.c_str(), cause.c_str());
  std::exit(1);
}

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// The messages of `COPY (sql) TO STDOUT (FORMAT binary)`, one per row as the server sends them.
std::vector<std::string> CopyMessages(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, ("COPY (" + sql + ") TO STDOUT (FORMAT binary)").c_str());
  const bool started = PQresultStatus(r) == PGRES_COPY_OUT;
  PQclear(r);
  if (!started) Fail("start the COPY of '" + sql + "'", PQerrorMessage(conn));
  std::vector<std::string> messages;
  char* buffer = nullptr;
  int n = 0;
  while ((n = PQgetCopyData(conn, &buffer, /*async=*/0)) > 0) {
    messages.emplace_back(buffer, static_cast<std::size_t>(n));
    PQfreemem(buffer);
  }
  if (n == -2) Fail("read the COPY of '" + sql + "'", PQerrorMessage(conn));
  while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
  return messages;
}

Candidate CandidateOf(const std::string& type, const std::vector<Probe>& probes) {
  using tombstone::match::ValueClass;
  using tombstone::pg::Wire;
  Candidate c;
  c.name = c.type = type;
  c.source.value = ValueClass::kText;
  if (type == "json") c.source.value = ValueClass::kJson;
  if (type == "uuid") c.source.value = ValueClass::kUuid;
  if (type == "text[]") c.source.array = true, c.wire = Wire::kTextArray;
  if (type == "int2" || type == "int4" || type == "int8") {
    c.source.value = ValueClass::kInteger;
    c.wire = type == "int2" ? Wire::kInt2 : type == "int4" ? Wire::kInt4 : Wire::kInt8;
  } else if (type != "text" && type != "json" && type != "uuid" && type != "text[]") {
    Fail("read the types", "unknown type '" + type + "'");
  }
  for (std::size_t p = 0; p < probes.size(); ++p)
    if (tombstone::match::Accepts(probes[p].normalizer, c.source)) c.probes.push_back(p);
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7 || (argc - 5) % 2 != 0) {
    std::fprintf(stderr,
                 "usage: discover_bench DSN STORE KEY_FILE RUNS SQL TYPES [SQL TYPES...]\n");
    return 2;
  }
  auto key = tombstones::Key::Load(argv[3]);
  if (!key.ok()) Fail("load the key", key.status().message());
  tombstones::Store::Options options;
  options.dir = argv[2];
  options.key = &key.value();
  auto store = tombstones::Store::Open(options);
  if (!store.ok()) Fail("open the store", store.status().message());
  auto table = tombstone::match::TombstoneTable::Load(*store.value());
  if (!table.ok()) Fail("read the store", table.status().message());
  std::vector<Probe> probes;
  for (const auto& [kind, normalizer] : table->kinds())
    probes.push_back({kind, normalizer, key->ForKind(kind)});

  PGconn* conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) Fail("connect", PQerrorMessage(conn));
  struct Query {
    std::vector<std::string> messages;
    std::vector<Candidate> candidates;
  };
  std::vector<Query> queries;
  for (int a = 5; a + 1 < argc; a += 2) {
    Query q;
    q.messages = CopyMessages(conn, argv[a]);
    std::string list = std::string(argv[a + 1]) + ",";
    for (std::size_t p = 0, e; (e = list.find(',', p)) != std::string::npos; p = e + 1)
      q.candidates.push_back(CandidateOf(list.substr(p, e - p), probes));
    queries.push_back(std::move(q));
  }
  PQfinish(conn);

  const int runs = std::atoi(argv[4]);
  tombstone::discover::Options scan_options;
  double best = 1e300;
  for (int run = 1; run <= runs; ++run) {
    const double start = CpuSeconds();
    std::uint64_t rows = 0, places = 0;
    for (const Query& q : queries) {
      RelationScan scan(table.value(), probes, q.candidates, scan_options, {});
      for (const std::string& m : q.messages) scan.Add(m);
      const auto found = scan.Finish();
      if (!scan.error().empty()) Fail("scan", scan.error());
      rows += scan.scanned();
      places += found.size();
    }
    const double seconds = CpuSeconds() - start;
    best = std::min(best, seconds);
    std::printf("run %d %.3f %llu %llu\n", run, seconds, static_cast<unsigned long long>(rows),
                static_cast<unsigned long long>(places));
  }
  std::printf("best %.3f\n", best);
  return 0;
}

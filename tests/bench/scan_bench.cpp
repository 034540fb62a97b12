// scan_bench: a reference client-side scan, to split the replay hot path into its stages and see
// what each costs on top of the COPY stream (docs/performance.md, "Where the time goes").
//
//   scan_bench DSN STORE KEY_FILE STAGE SQL KINDS [SQL KINDS...]
//
// For each SQL, `COPY (SQL) TO STDOUT` (text format) is read through libpq in one thread, and
// every row goes through the stages up to STAGE:
//   copy       receive the row and drop it (the limit)
//   parse      split the row into fields (tab separated, \N is NULL, backslash escapes)
//   normalize  normalize each key field with its kind's normalizer (tombstones::Normalize)
//   hash       keyed hash of each normalized value (Key::KindHasher, SipHash-2-4 128-bit)
//   lookup     membership test against the store's tombstone hashes (std::unordered_set)
//   flat       the same test against an open-addressing table of the 128-bit hashes
//   prefetch   flat, probing 64 values at a time after prefetching their slots
//   delete     flat, then in one REPEATABLE READ transaction delete the matched rows by ctid
//              (each SQL's first column must be ctid, its kind '-'), children first (the
//              reverse of the argument order), 10,000 per statement; rolled back
//   commit     the same, committed (run it on a copy)
//              With SCAN_BENCH_LOCATOR=id the first column is that bigint key instead of ctid
//              (it may also be a key column) and the deletes use `id = ANY($1::bigint[])`.
// KINDS names the kind of each column, comma separated, '-' for a column that is not a key
// (e.g. "user_id,email,-"). Prints per query and in total:
//   scan <stage> <index|total> <seconds> <rows> <matches> <peak rss kB>
// No identifier is ever printed.
#include <libpq-fe.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <map>
#include <memory>
#include <unordered_set>
#include <vector>

#include "tombstones/tombstones.h"

namespace {

using Clock = std::chrono::steady_clock;
using tombstones::Hash128;
using tombstones::Key;
using tombstones::Normalizer;

enum Stage { kCopy, kParse, kNormalize, kHash, kLookup, kFlat, kDelete, kCommit };

struct HashOf {
  std::size_t operator()(const Hash128& h) const { return h.Low64(); }
};
using HashSet = std::unordered_set<Hash128, HashOf>;

// The alternative to std::unordered_set: open addressing over the 128-bit hashes themselves,
// power-of-two slots at most half full, linear probing; an all-zero slot is empty. One probe
// is one cache line in the common case (a miss), against a bucket array and a node chase.
class FlatSet {
 public:
  explicit FlatSet(std::size_t n) {
    std::size_t slots = 16;
    while (slots < 2 * n) slots *= 2;
    slots_.resize(slots);
    mask_ = slots - 1;
  }
  void Insert(const Hash128& h) {
    if (h == Hash128{}) return;  // never produced in practice; kept out of the table
    std::size_t i = h.Low64() & mask_;
    while (!(slots_[i] == Hash128{}) && !(slots_[i] == h)) i = (i + 1) & mask_;
    slots_[i] = h;
  }
  void Prefetch(const Hash128& h) const { __builtin_prefetch(&slots_[h.Low64() & mask_]); }
  bool Contains(const Hash128& h) const {
    for (std::size_t i = h.Low64() & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return true;
      if (slots_[i] == Hash128{}) return false;
    }
  }

 private:
  std::vector<Hash128> slots_;
  std::size_t mask_ = 0;
};

[[noreturn]] void Fail(const std::string& what, const std::string& cause) {
  std::fprintf(stderr, "scan_bench: unable to %s: %s\n", what.c_str(), cause.c_str());
  std::exit(1);
}

// One key column: its kind's normalizer, hasher and the tombstones' hashes of that kind.
struct Column {
  bool key = false;
  Normalizer normalizer = Normalizer::kExact;
  const Key::KindHasher* hasher = nullptr;
  const HashSet* hashes = nullptr;
  const FlatSet* flat = nullptr;
};

struct Kind {
  Normalizer normalizer = Normalizer::kExact;
  std::unique_ptr<Key::KindHasher> hasher;
  HashSet hashes;
  std::unique_ptr<FlatSet> flat;
};

// Splits one COPY text row (without its newline) into fields; unescapes in place only when a
// backslash occurs. NULL (\N) becomes an empty view with null set.
struct Field {
  std::string_view text;
  bool null = false;
};

void SplitRow(char* row, int length, std::vector<Field>* fields, std::string* scratch) {
  fields->clear();
  int start = 0;
  for (int i = 0; i <= length; ++i) {
    if (i < length && row[i] != '\t') continue;
    std::string_view text(row + start, static_cast<std::size_t>(i - start));
    Field f;
    if (text == "\\N") {
      f.null = true;
    } else if (text.find('\\') != std::string_view::npos) {
      scratch->clear();
      for (std::size_t j = 0; j < text.size(); ++j) {
        char c = text[j];
        if (c == '\\' && j + 1 < text.size()) {
          c = text[++j];
          c = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
        }
        scratch->push_back(c);
      }
      std::copy(scratch->begin(), scratch->end(), row + start);
      f.text = std::string_view(row + start, scratch->size());
    } else {
      f.text = text;
    }
    fields->push_back(f);
    start = i + 1;
  }
}

struct Count {
  double seconds = 0;
  long long rows = 0, matches = 0;
  std::vector<std::string> ctids;  // kDelete/kCommit: the rows to delete (first column: ctid)
};

// The "prefetch" stage: flat, but the probes of 64 key values are issued after their slots were
// prefetched, so that their cache misses overlap (matches are only counted).
bool prefetch = false;
struct Pending {
  const Column* column;
  Hash128 hash;
};
long long ProbeAll(std::vector<Pending>* pending) {
  long long matches = 0;
  for (const Pending& p : *pending) matches += p.column->flat->Contains(p.hash) ? 1 : 0;
  pending->clear();
  return matches;
}

Count Scan(PGconn* conn, const std::string& sql, const std::vector<Column>& columns, Stage stage) {
  Count count;
  const Clock::time_point start = Clock::now();
  PGresult* r = PQexec(conn, ("COPY (" + sql + ") TO STDOUT").c_str());
  const bool started = PQresultStatus(r) == PGRES_COPY_OUT;
  PQclear(r);
  if (!started) Fail("start 'COPY (" + sql + ") TO STDOUT'", PQerrorMessage(conn));
  std::vector<Field> fields;
  std::vector<Pending> pending;
  std::string scratch, normalized;
  char* buffer = nullptr;
  int n = 0;
  while ((n = PQgetCopyData(conn, &buffer, /*async=*/0)) > 0) {
    ++count.rows;
    if (stage >= kParse) {
      SplitRow(buffer, n - 1, &fields, &scratch);  // n - 1: drop the newline
      bool row_matched = false;
      for (std::size_t i = 0; stage >= kNormalize && i < fields.size() && i < columns.size(); ++i) {
        const Column& c = columns[i];
        if (!c.key || fields[i].null) continue;
        if (!tombstones::Normalize(c.normalizer, fields[i].text, &normalized)) continue;
        if (stage < kHash) continue;
        const Hash128 h = c.hasher->Hash(normalized);
        if (stage == kLookup && c.hashes->count(h) != 0) ++count.matches;
        if (prefetch) {  // probe later, a batch at a time, after prefetching every slot
          c.flat->Prefetch(h);
          pending.push_back({&c, h});
          if (pending.size() == 64) count.matches += ProbeAll(&pending);
          continue;
        }
        if (stage >= kFlat && c.flat->Contains(h)) ++count.matches, row_matched = true;
      }
      if (row_matched && stage >= kDelete) count.ctids.emplace_back(fields[0].text);
    }
    PQfreemem(buffer);
  }
  count.matches += ProbeAll(&pending);
  if (n == -2) Fail("read 'COPY (" + sql + ") TO STDOUT'", PQerrorMessage(conn));
  while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
  count.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return count;
}

// Deletes the collected rows children first (the reverse of the scan order), in batches of
// 10,000 ctids per statement. The table is the word after " FROM " in its query.
double DeleteRows(PGconn* conn, const std::vector<std::string>& queries,
                  const std::vector<Count>& counts) {
  const Clock::time_point start = Clock::now();
  for (std::size_t t = queries.size(); t-- > 0;) {
    std::string table = queries[t].substr(queries[t].find(" FROM ") + 6);
    table = table.substr(0, table.find(' '));
    const char* locator = std::getenv("SCAN_BENCH_LOCATOR");  // a bigint key column, or ctid
    const std::string sql =
        "DELETE FROM " + table + " WHERE " +
        (locator != nullptr ? std::string(locator) + " = ANY($1::bigint[])" : "ctid = ANY($1::tid[])");
    const std::vector<std::string>& ctids = counts[t].ctids;
    const Clock::time_point table_start = Clock::now();
    for (std::size_t i = 0; i < ctids.size(); i += 10000) {
      std::string array = "{";
      for (std::size_t j = i; j < ctids.size() && j < i + 10000; ++j)
        array += (j > i ? ",\"" : "\"") + ctids[j] + "\"";
      array += "}";
      const char* values[] = {array.c_str()};
      PGresult* r = PQexecParams(conn, sql.c_str(), 1, nullptr, values, nullptr, nullptr, 0);
      const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (!ok) Fail("run '" + sql + "'", PQerrorMessage(conn));
    }
    std::printf("scan delete %zu %.3f %zu\n", t,
                std::chrono::duration<double>(Clock::now() - table_start).count(), ctids.size());
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Exec(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) Fail(std::string("run '") + sql + "'", PQerrorMessage(conn));
}

long PeakRssKb() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7 || (argc - 5) % 2 != 0) {
    std::fprintf(stderr,
                 "usage: scan_bench DSN STORE KEY_FILE copy|parse|normalize|hash|lookup|flat|prefetch|delete|commit "
                 "SQL KINDS [SQL KINDS...]\n");
    return 2;
  }
  const std::string stage_name = argv[4];
  const std::vector<std::string> stages = {"copy",   "parse",  "normalize", "hash",
                                           "lookup", "flat",   "delete",    "commit"};
  Stage stage = kCopy;
  if (stage_name == "prefetch") stage = kFlat, prefetch = true;
  for (std::size_t i = 0; i < stages.size(); ++i)
    if (stages[i] == stage_name) stage = static_cast<Stage>(i);

  auto key = Key::Load(argv[3]);
  if (!key.ok()) Fail("load the key", key.status().message());
  tombstones::Store::Options options;
  options.dir = argv[2];
  options.key = &key.value();
  auto store = tombstones::Store::Open(options);
  if (!store.ok()) Fail("open the store", store.status().message());
  std::map<std::string, Kind> kinds;
  const tombstones::Status visited = store.value()->ForEach([&](const tombstones::Tombstone& t) {
    for (const auto& id : t.identifiers) {
      Kind& k = kinds[id.kind];
      k.normalizer = id.normalizer;
      k.hashes.insert(id.hash);
    }
    return true;
  });
  if (!visited.ok()) Fail("read the store", visited.message());
  for (auto& [name, k] : kinds) {
    k.hasher = std::make_unique<Key::KindHasher>(key.value().ForKind(name));
    k.flat = std::make_unique<FlatSet>(k.hashes.size());
    for (const Hash128& h : k.hashes) k.flat->Insert(h);
  }

  PGconn* conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) Fail("connect", PQerrorMessage(conn));
  const Clock::time_point begin = Clock::now();
  if (stage >= kDelete) Exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ");
  std::vector<std::string> queries;
  std::vector<Count> counts;
  Count total;
  for (int a = 5, index = 0; a + 1 < argc; a += 2, ++index) {
    std::vector<Column> columns;
    std::string list = std::string(argv[a + 1]) + ",";
    for (std::size_t p = 0, q; (q = list.find(',', p)) != std::string::npos; p = q + 1) {
      Column c;
      auto it = kinds.find(list.substr(p, q - p));
      if (it != kinds.end())
        c = Column{true, it->second.normalizer, it->second.hasher.get(), &it->second.hashes,
                   it->second.flat.get()};
      columns.push_back(c);
    }
    const Count c = Scan(conn, argv[a], columns, stage);
    std::printf("scan %s %d %.3f %lld %lld %ld\n", stage_name.c_str(), index, c.seconds, c.rows,
                c.matches, PeakRssKb());
    total.seconds += c.seconds, total.rows += c.rows, total.matches += c.matches;
    queries.emplace_back(argv[a]);
    counts.push_back(c);
  }
  if (stage >= kDelete) {
    const double deleting = DeleteRows(conn, queries, counts);
    const Clock::time_point ending = Clock::now();
    Exec(conn, stage == kCommit ? "COMMIT" : "ROLLBACK");
    std::printf("scan %s delete %.3f end %.3f all %.3f\n", stage_name.c_str(), deleting,
                std::chrono::duration<double>(Clock::now() - ending).count(),
                std::chrono::duration<double>(Clock::now() - begin).count());
  }
  std::printf("scan %s total %.3f %lld %lld %ld\n", stage_name.c_str(), total.seconds, total.rows,
              total.matches, PeakRssKb());
  PQfinish(conn);
  return 0;
}

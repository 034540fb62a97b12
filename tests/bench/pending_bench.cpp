// pending over a million tombstones and 300 backups: prints seconds, asserts nothing.
// Usage: pending_bench [TOMBSTONES] [BACKUPS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "src/cli/app.h"
#include "tests/support/temp_dir.h"
#include "tombstones/tombstones.h"

using tombstones::Micros;

namespace {

constexpr Micros kDay = 86400LL * 1000000;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1000000;
  const int backups = argc > 2 ? std::atoi(argv[2]) : 300;
  tombstone::testing::TempDir dir;
  std::array<unsigned char, 32> raw{};
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<unsigned char>(i * 7 + 1);
  const tombstones::Key key = tombstones::Key::FromBytes(raw);
  auto created = tombstones::Store::Create(dir / "store", key);
  if (!created.ok()) return std::fprintf(stderr, "%s\n", created.status().message().c_str()), 1;
  auto& store = *created.value();

  // Tombstones erased over the last 600 days; backups daily-ish over the same span.
  const Micros now = tombstones::Now();
  const Micros start = now - 600 * kDay;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<tombstones::Tombstone> batch;
  for (long i = 0; i < n; ++i) {
    tombstones::Tombstone t;
    t.request_id = "REQ-" + std::to_string(1000000000 + i);
    t.erased_at = start + (600 * kDay / n) * i;
    if (i % 1000 == 0) t.hold_reason = "bench hold";
    tombstones::IdentifierHash id;
    id.kind = "user_id";
    id.hash = key.HashIdentifier("user_id", std::to_string(i));
    t.identifiers.push_back(id);
    batch.push_back(std::move(t));
    if (batch.size() == 10000 || i + 1 == n) {
      auto s = store.Add(batch);
      if (!s.ok()) return std::fprintf(stderr, "%s\n", s.status().message().c_str()), 1;
      batch.clear();
    }
  }
  std::vector<tombstones::BackupRecord> catalog;
  for (int b = 0; b < backups; ++b) {
    tombstones::BackupRecord r;
    r.id = "backup-" + std::to_string(b);
    r.source = "manual";
    r.taken_at = start + (600 * kDay / backups) * b;
    if (b < backups - 3) r.expires_at = r.taken_at + 400 * kDay;  // the newest: no forecast
    catalog.push_back(r);
  }
  if (!store.PutBackups(catalog).ok()) return 1;
  std::printf("setup: %ld tombstones, %d backups in %.2f s\n", n, backups, Seconds(t0));
  created.value().reset();

  for (const char* format : {"csv", "json", "table"}) {
    std::istringstream in;
    std::ostringstream out, err;
    tombstone::Io io{in, out, err, false};
    t0 = std::chrono::steady_clock::now();
    const int code = tombstone::RunApp({"tombstone", "--store", dir / "store", "pending",
                                        "--format", format}, io);
    const double s = Seconds(t0);
    std::printf("pending --format %-5s exit %d, %.2f s, %zu bytes of output\n", format, code, s,
                out.str().size());
    if (std::string(format) == "table") {
      const std::string o = out.str();
      const auto last = o.rfind('\n', o.size() - 2);
      std::printf("  %s", o.substr(last + 1).c_str());
    }
  }
  return 0;
}

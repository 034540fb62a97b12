// tombstone backups import: read a backup tool's listing, forecast each backup's expiry, record it.
#include "src/commands/backups_import.h"

#include <iterator>
#include <set>

#include "src/cli/store_access.h"
#include "src/compliance/backup_sources.h"
#include "src/compliance/retention.h"
#include "src/input/input_source.h"

namespace tombstone {
namespace {

using compliance::RetentionPolicy;

void Declare(cxxopts::Options& options) {
  options.add_options()
      ("from", "the tool that printed the listing: pgbackrest, barman or walg",
       cxxopts::value<std::string>(), "TOOL")
      ("retention-full", "pgbackrest: repo1-retention-full (full backups, or days with type time)",
       cxxopts::value<int>(), "N")
      ("retention-full-type", "pgbackrest: repo1-retention-full-type, count or time (default: "
       "count)", cxxopts::value<std::string>(), "TYPE")
      ("redundancy", "barman: retention_policy = REDUNDANCY N", cxxopts::value<int>(), "N")
      ("recovery-window", "barman: retention_policy = RECOVERY WINDOW OF N DAYS|WEEKS|MONTHS",
       cxxopts::value<std::string>(), "N")
      ("retain-full", "walg: your schedule runs 'wal-g delete retain FULL N'",
       cxxopts::value<int>(), "N")
      ("retain-days", "walg: your schedule runs 'wal-g delete before' N days back",
       cxxopts::value<int>(), "N")
      ("full-every", "how often a full backup is taken (e.g. 7, '1 week'): lets the newest "
       "backups get a forecast", cxxopts::value<std::string>(), "DAYS")
      ("margin", "added to every forecast, for the lag until the expire run (default: 0)",
       cxxopts::value<std::string>(), "DAYS");
}

// pgBackRest's own maximum for its retention counts; counts of days stop at about a century.
constexpr int kMaxCount = 9999999;
constexpr int kMaxDays = 36600;

Status NeedInRange(int n, const std::string& option, int max = kMaxCount) {
  if (n < 1 || n > max)
    return Status::Usage("unable to use " + option + " " + std::to_string(n) +
                         ": expected 1 to " + std::to_string(max));
  return Status::Ok();
}

// The retention options that belong to `from`; any other retention option is a usage error.
Result<RetentionPolicy> ReadPolicy(const Context& ctx, const std::string& from) {
  const std::set<std::string> allowed =
      from == "pgbackrest" ? std::set<std::string>{"retention-full", "retention-full-type"}
      : from == "barman"   ? std::set<std::string>{"redundancy", "recovery-window"}
                           : std::set<std::string>{"retain-full", "retain-days"};
  for (const char* o : {"retention-full", "redundancy", "recovery-window", "retain-full",
                        "retain-days"})
    if (ctx.Has(o) && !allowed.count(o))
      return Status::Usage("unable to import backups: --" + std::string(o) +
                           " does not apply to --from " + from);
  RetentionPolicy p;
  const auto one_of = [&](const char* a, const char* b) -> Status {
    if (ctx.Has(a) == ctx.Has(b))
      return Status::Usage("unable to import backups from " + from + ": give exactly one of --" +
                               a + " and --" + b,
                           "the forecast needs the retention rule you configured");
    return Status::Ok();
  };
  if (from == "pgbackrest") {
    if (!ctx.Has("retention-full"))
      return Status::Usage("unable to import backups from pgbackrest: --retention-full is required",
                           "copy repo1-retention-full (and -type) from pgbackrest.conf");
    const int n = ctx.Get<int>("retention-full");
    const std::string type =
        ctx.Has("retention-full-type") ? ctx.Get<std::string>("retention-full-type") : "count";
    if (type != "count" && type != "time")
      return Status::Usage("unable to use --retention-full-type '" + type +
                           "': expected count or time");
    if (Status s = NeedInRange(n, "--retention-full", type == "time" ? kMaxDays : kMaxCount);
        !s.ok())
      return s;
    p.rule = type == "count" ? RetentionPolicy::Rule::kCount : RetentionPolicy::Rule::kTime;
    p.count = n;
    p.window = static_cast<tombstones::Micros>(n) * 86400 * 1000000;
    p.text = "pgbackrest retention-full=" + std::to_string(n) + " (" + type + ")";
  } else if (from == "barman") {
    if (Status s = one_of("redundancy", "recovery-window"); !s.ok()) return s;
    if (ctx.Has("redundancy")) {
      p.count = ctx.Get<int>("redundancy");
      if (Status s = NeedInRange(p.count, "--redundancy"); !s.ok()) return s;
      p.text = "barman REDUNDANCY " + std::to_string(p.count);
    } else {
      auto w = compliance::ParseDays(ctx.Get<std::string>("recovery-window"), "--recovery-window");
      if (!w.ok()) return w.status();
      p.rule = RetentionPolicy::Rule::kTime;
      p.window = w.value();
      p.text = "barman RECOVERY WINDOW OF " + ctx.Get<std::string>("recovery-window");
    }
  } else {
    if (Status s = one_of("retain-full", "retain-days"); !s.ok()) return s;
    if (ctx.Has("retain-full")) {
      p.count = ctx.Get<int>("retain-full");
      if (Status s = NeedInRange(p.count, "--retain-full"); !s.ok()) return s;
      p.text = "wal-g delete retain FULL " + std::to_string(p.count);
    } else {
      const int days = ctx.Get<int>("retain-days");
      if (Status s = NeedInRange(days, "--retain-days", kMaxDays); !s.ok()) return s;
      p.rule = RetentionPolicy::Rule::kTime;
      p.window = static_cast<tombstones::Micros>(days) * 86400 * 1000000;
      p.text = "wal-g delete before " + std::to_string(days) + " days";
    }
  }
  if (ctx.Has("full-every")) {
    auto every = compliance::ParseDays(ctx.Get<std::string>("full-every"), "--full-every");
    if (!every.ok()) return every.status();
    if (every.value() <= 0) return Status::Usage("unable to use --full-every 0: expected 1 or more days");
    p.full_every = every.value();
  }
  if (ctx.Has("margin")) {
    auto margin = compliance::ParseDays(ctx.Get<std::string>("margin"), "--margin");
    if (!margin.ok()) return margin.status();
    p.margin = margin.value();
  }
  return p;
}

// A listing of a thousand backups is a few megabytes. The bound keeps the parsed form (about
// ten times the text) in memory whatever the input.
constexpr std::size_t kMaxListingBytes = std::size_t{16} << 20;

Result<std::string> ReadListing(Context& ctx, std::string* where) {
  auto source = InputSource::Open(ctx.args[0], ctx.io.in);
  if (!source.ok()) return source.status();
  *where = ctx.args[0] == "-" ? "standard input" : ctx.args[0];
  std::string text;
  std::vector<char> chunk(1 << 16);
  std::istream& in = source->stream();
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxListingBytes)
      return Status::Usage("unable to read listing '" + *where + "': it is larger than " +
                           std::to_string(kMaxListingBytes >> 20) + " MiB");
  }
  if (!source->status().ok()) return source->status();
  return text;
}

// Backups of the same tool and scope that the listing no longer shows were deleted by it:
// they are kept in the catalog (history) but marked expired now.
std::vector<tombstones::BackupRecord> NoLongerListed(
    const std::vector<tombstones::BackupRecord>& catalog,
    const compliance::SourceListing& listing, const std::vector<tombstones::BackupRecord>& fresh,
    tombstones::Micros now) {
  std::set<std::string> listed;
  for (const auto& b : fresh) listed.insert(b.id);
  const auto in_scope = [&](const std::string& id) {
    if (listing.scopes.empty()) return true;  // WAL-G: one storage per listing
    for (const std::string& scope : listing.scopes)
      if (id.rfind(scope + "/", 0) == 0) return true;
    return false;
  };
  std::vector<tombstones::BackupRecord> gone;
  for (tombstones::BackupRecord b : catalog) {
    if (b.source != listing.source || listed.count(b.id) || !in_scope(b.id)) continue;
    if (b.expires_at && *b.expires_at <= now) continue;
    b.expires_at = now;
    b.retention = "no longer listed by " + listing.source + " at " + tombstones::FormatTime(now);
    gone.push_back(std::move(b));
  }
  return gone;
}

Status Run(Context& ctx) {
  if (!ctx.Has("from"))
    return Status::Usage("unable to import backups: --from is required",
                         "--from pgbackrest, --from barman or --from walg");
  const std::string from = ctx.Get<std::string>("from");
  if (from != "pgbackrest" && from != "barman" && from != "walg")
    return Status::Usage("unable to import backups: unknown --from '" + from + "'",
                         "expected pgbackrest, barman or walg");
  auto policy = ReadPolicy(ctx, from);
  if (!policy.ok()) return policy.status();
  std::string where;
  auto text = ReadListing(ctx, &where);
  if (!text.ok()) return text.status();
  auto listing = compliance::ParseListing(from, text.value(), where);
  if (!listing.ok()) return listing.status();

  const tombstones::Micros now = tombstones::Now();
  std::vector<tombstones::BackupRecord> records =
      compliance::ForecastExpiry(listing.value(), policy.value(), now);
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto catalog = opened->store->Backups();
  if (!catalog.ok()) return catalog.status();
  std::vector<tombstones::BackupRecord> gone = NoLongerListed(catalog.value(), *listing, records, now);
  std::vector<tombstones::BackupRecord> all = records;
  all.insert(all.end(), gone.begin(), gone.end());
  // When each stanza or server was imported, in the same write: 'pending' warns when a source
  // has not been imported lately (its newest backups would be missing).
  std::vector<tombstones::SourceImport> sources;
  for (const std::string& scope : listing->scopes) sources.push_back({from, scope, now});
  if (listing->scopes.empty()) sources.push_back({from, "", now});
  if (Status s = opened->store->ImportBackups(all, sources); !s.ok()) return s;

  std::size_t unknown = 0;
  for (const auto& r : records) unknown += r.expires_at ? 0 : 1;
  ctx.io.out << "imported " << records.size() << (records.size() == 1 ? " backup" : " backups")
             << " from " << from << " (" << unknown
             << " without a forecast)";
  if (listing->skipped > 0) ctx.io.out << "; skipped " << listing->skipped << " not usable";
  if (!gone.empty()) ctx.io.out << "; " << gone.size() << " no longer listed, marked expired";
  ctx.io.out << '\n';
  return Status::Ok();
}

}  // namespace

const CommandSpec& BackupsImportCommand() {
  static const CommandSpec spec{
      "backups import", "--from TOOL FILE|-", 1, 1,
      "import a backup tool's listing and forecast when each backup expires",
      "Reads the JSON of 'pgbackrest info --output=json', 'barman -f json list-backups SERVER'\n"
      "or 'wal-g backup-list --json --detail' (FILE, or - for standard input), forecasts each\n"
      "backup's expiry from the retention rule you configured in that tool, and records the\n"
      "backups in the store's catalog. Re-importing updates them; backups the tool no longer\n"
      "lists (in the same stanza or server) are marked expired. Run it after every backup and\n"
      "expire run, e.g. from the same cron job.\n\n"
      "Retention (exactly the rule the tool applies):\n"
      "  pgbackrest  --retention-full N [--retention-full-type count|time]\n"
      "  barman      --redundancy N | --recovery-window 'N DAYS'\n"
      "  walg        --retain-full N | --retain-days N     (what your schedule runs)\n"
      "The newest backups have no newer full yet: --full-every DAYS (your schedule) lets them\n"
      "get a forecast too; without it their expiry is 'unknown'. docs/compliance.md explains.\n\n"
      "Example:\n"
      "  pgbackrest --stanza=main info --output=json |\n"
      "    tombstone backups import --from pgbackrest --retention-full 2 --full-every 7 -\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

#include "src/exports/export_job.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "src/exports/pgdump_export.h"
#include "src/io/progress_line.h"
#include "src/io/scratch_dir.h"

namespace tombstone::exports {
namespace {

// "<file>: NN% of M MB" on a terminal, from the bytes read of the file itself.
std::function<void(std::uint64_t)> Progress(const std::string& path,
                                            std::shared_ptr<io::ProgressLine> line) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  return [=](std::uint64_t raw) {
    if (ec || size == 0 || !line->Due()) return;
    line->Show(path + ": " + std::to_string(raw * 100 / size) + "% of " +
               std::to_string((size + 999999) / 1000000) + " MB");
  };
}

}  // namespace

Result<std::unique_ptr<ExportJob>> ExportJob::Prepare(const ExportOptions& options,
                                                      tombstones::Store& store,
                                                      const tombstones::Key& key) {
  std::unique_ptr<ExportJob> job(new ExportJob(options, key));
  if (!options.map_path.empty()) {
    auto map = LoadDataMap(options.map_path);
    if (!map.ok()) return map.status();
    job->map_ = std::move(map.value());
  }
  if (options.columns.empty() && !job->map_)
    return Status::Usage("unable to scan: nothing says where identifiers are",
                         "pass --column HEADER=KIND for CSV/TSV files, or --map FILE");
  std::vector<std::string> kinds;
  for (const CsvColumn& c : options.columns) kinds.push_back(c.kind);
  if (job->map_) {
    if (job->map_->csv)
      for (const auto& [header, kind] : job->map_->csv->columns) kinds.push_back(kind);
    for (const TableMap& t : job->map_->tables)
      for (const MatchSource& m : t.match) kinds.push_back(m.kind);
  }
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  for (const std::string& kind : kinds) {
    auto recorded = store.KindNormalizer(kind);
    if (!recorded.ok()) return recorded.status();
    if (!recorded.value())
      job->notes_.push_back("no tombstone holds an identifier of kind '" + kind +
                            "': its columns cannot match");
  }
  auto tombstones =
      match::TombstoneMatcher::Load(store, key, kinds, job->map_ ? &job->map_->kinds : nullptr,
                                    options.map_path);
  if (!tombstones.ok()) return tombstones.status();
  job->tombstones_ = std::move(tombstones.value());
  return job;
}

CsvSpec ExportJob::SpecFor(FileType type) const {
  CsvSpec spec;
  spec.delimiter = type == FileType::kTsv ? '\t' : ',';
  spec.columns = options_.columns;
  if (map_ && map_->csv)
    for (const auto& column : map_->csv->columns) {
      // Not a structured binding: clang 15 (the fuzz build) cannot capture one in a lambda.
      const std::string& header = column.first;
      const bool named = std::any_of(options_.columns.begin(), options_.columns.end(),
                                     [&](const CsvColumn& c) { return c.header == header; });
      if (!named) spec.columns.push_back({header, column.second, false});
    }
  return spec;
}

Status ExportJob::Process(const std::string& path, io::OutputFile* out, FileReport* report) {
  report->path = path;
  report->max_matches = options_.all_matches ? 0 : 1000;
  if (path == "-") return ProcessStandardInput(out, report);
  auto detected = DetectType(path, options_.type);
  if (!detected.ok()) return detected.status();
  if (Status s = CheckReadable(detected.value(), report); !s.ok()) return s;
  auto in = Open(path, detected.value());
  if (!in.ok()) return in.status();
  return ProcessOpened(path, detected.value(), *in.value(), out, report);
}

// A pipe is read once: its head, read to detect the format, is put back in front of the rest. A
// CSV/TSV file is then streamed; a dump, read several times (its foreign keys come after its
// data), is spooled first, zstd-compressed, to a private directory removed at the end.
Status ExportJob::ProcessStandardInput(io::OutputFile* out, FileReport* report) {
  if (standard_input_ == nullptr)
    return Status::Usage("unable to read '-': no standard input is given to this command");
  auto in = io::InputFile::OpenStream(*standard_input_, "-");
  if (!in.ok()) return in.status();
  auto head = ReadHead(*in.value());
  if (!head.ok()) return head.status();
  const bool compressed = in.value()->compressed();
  auto detected = DetectHead(head.value(), "-", options_.type, compressed);
  if (!detected.ok()) return detected.status();
  Detected d = detected.value();
  if (Status s = CheckReadable(d, report); !s.ok()) return s;
  in.value()->Unread(std::move(head.value()));
  if (d.type == FileType::kCsv || d.type == FileType::kTsv)
    return ProcessOpened("-", d, *in.value(), out, report);
  const char* tmp = std::getenv("TMPDIR");
  auto dir = io::ScratchDir::Create(std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                                        "/tombstone-stdin-",
                                    "spool standard input");
  if (!dir.ok()) return dir.status();
  const std::string spool = dir.value()->path() + "/stdin.zst";
  if (Status s = Spool(*in.value(), spool); !s.ok()) return s;
  d.compressed = true;
  auto file = Open(spool, d);
  if (!file.ok()) return file.status();
  Status s = ProcessOpened(spool, d, *file.value(), out, report);
  report->compressed = compressed;
  return s;
}

Status ExportJob::Spool(io::InputFile& in, const std::string& path) {
  auto out = io::OutputFile::Create(path);
  if (!out.ok()) return out.status();
  std::string buf(std::size_t{1} << 17, '\0');
  for (;;) {
    std::size_t got = 0;
    if (Status s = in.Read(buf.data(), buf.size(), &got); !s.ok()) return s;
    if (got == 0) break;
    if (Status s = out.value()->Write(std::string_view(buf.data(), got)); !s.ok()) return s;
  }
  return out.value()->Commit();
}

// What a file of type `d` needs that was not given.
Status ExportJob::CheckReadable(const Detected& d, FileReport* report) const {
  report->format = std::string(TypeName(d.type));
  const std::string& path = report->path;
  if ((d.type == FileType::kPgDump || d.type == FileType::kPgArchive) && !map_)
    return Status::Usage("unable to read '" + path + "': a pg_dump file needs --map",
                         "the map's [[table]] sections say which COPY columns hold identifiers");
  if ((d.type == FileType::kCsv || d.type == FileType::kTsv) && SpecFor(d.type).columns.empty())
    return Status::Usage("unable to read '" + path + "': no CSV columns to match",
                         "pass --column HEADER=KIND, or give the map a [csv] section");
  return Status::Ok();
}

// `source`: where to read the file again (a dump's foreign keys); report->path names it.
Status ExportJob::ProcessOpened(const std::string& source, const Detected& d, io::InputFile& in,
                                io::OutputFile* out, FileReport* report) {
  const std::string& path = report->path;
  report->compressed = d.compressed;
  io::LineReader lines(in);
  // An archive's size says nothing of the SQL pg_restore makes of it: no percentage.
  std::shared_ptr<io::ProgressLine> progress;
  if (progress_ != nullptr && d.type != FileType::kPgArchive) {
    progress = std::make_shared<io::ProgressLine>(*progress_, true);
    lines.OnChunk(Progress(source, progress));
  }
  if (d.type == FileType::kPgArchive && out != nullptr)
    report->warnings.push_back("'" + path + "' is a pg_dump " + d.archive +
                               "-format archive: the scrubbed copy is a plain SQL dump; restore "
                               "it with psql -v ON_ERROR_STOP=1 -f, not pg_restore");
  Status s;
  if (d.type == FileType::kPgDump || d.type == FileType::kPgArchive) {
    // Both read the file first to follow its foreign keys: scrub then writes the copy, scan
    // counts what the copy would lose (a scan that ignored them would report fewer rows than
    // scrub removes). (pg_restore failing shows at the end of its output, before the reader's
    // own checks.)
    DumpCascade cascade(out != nullptr ? "scrub" : "scan");
    s = FollowForeignKeys(source, d, &cascade, report);
    if (s.ok()) s = ProcessDump(lines, *map_, *tombstones_, key_, out, report, &cascade);
    if (s.ok() && report->cascade_removed + report->cascade_set_null > 0)
      report->warnings.push_back(
          "the dump's foreign keys (" + std::to_string(cascade.keys()) + ", followed in " +
          std::to_string(cascade.passes()) + " passes over the file): " +
          std::to_string(report->cascade_removed) + " rows " +
          (out != nullptr ? "removed" : "that scrub would remove") + " by ON DELETE CASCADE, " +
          std::to_string(report->cascade_set_null) + " rows whose keys ON DELETE SET NULL " +
          (out != nullptr ? "cleared" : "would clear"));
    if (d.type == FileType::kPgArchive) report->format = "pg_dump (" + d.archive + ")";
  } else {
    s = ProcessCsv(lines, SpecFor(d.type), *tombstones_, out, report);
  }
  if (progress != nullptr) progress->Clear();
  return s;
}

// The passes before scrub writes anything (or scan reports): the first collects the dump's
// foreign keys, each next one removes what the rows removed before it cascade to, until nothing
// new is removed. A key that would make the copy fail to restore, or touch a row the map keeps,
// stops here: no output.
Status ExportJob::FollowForeignKeys(const std::string& path, const Detected& d,
                                    DumpCascade* cascade, const FileReport* report) {
  constexpr int kMaxPasses = 64;
  for (int pass = 0;; ++pass) {
    if (pass == kMaxPasses)
      return Status::Usage("unable to " + cascade->command() + " '" + report->path +
                           "': its foreign keys cascade more than " +
                           std::to_string(kMaxPasses - 2) + " levels deep");
    auto in = Open(path, d);
    if (!in.ok()) return in.status();
    io::LineReader lines(*in.value());
    FileReport scratch;
    scratch.path = report->path;
    scratch.max_matches = 1;
    if (Status s = ProcessDump(lines, *map_, *tombstones_, key_, nullptr, &scratch, cascade);
        !s.ok())
      return s;
    if (!cascade->EndPass()) return Status::Ok();
  }
}

Result<std::unique_ptr<io::InputFile>> ExportJob::Open(const std::string& path, const Detected& d) {
  if (d.type != FileType::kPgArchive) return io::InputFile::Open(path);
  // pg_restore reads a plain archive file or directory itself; a .zst one through its stdin.
  std::vector<std::string> argv{PgRestoreProgram(), "-f", "-"};
  std::unique_ptr<io::InputFile> feed;
  if (d.compressed) {
    auto raw = io::InputFile::Open(path);
    if (!raw.ok()) return raw.status();
    feed = std::move(raw.value());
  } else {
    argv.push_back(path);
  }
  return io::InputFile::OpenProcess(argv, path, std::move(feed));
}

}  // namespace tombstone::exports

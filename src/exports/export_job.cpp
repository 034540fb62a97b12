#include "src/exports/export_job.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <ostream>

#include "src/exports/pgdump_export.h"

namespace tombstone::exports {
namespace {

std::string_view StripZst(std::string_view path) {
  return EndsWith(path, ".zst") ? path.substr(0, path.size() - 4) : path;
}

// The first line of the (decompressed) file, at most 64 KiB of it.
Result<std::string> FirstLine(const std::string& path) {
  auto in = InputFile::Open(path);
  if (!in.ok()) return in.status();
  std::string head(64 * 1024, '\0');
  std::size_t filled = 0;
  while (filled < head.size()) {
    std::size_t got = 0;
    if (Status s = in.value()->Read(head.data() + filled, head.size() - filled, &got); !s.ok())
      return s;
    if (got == 0) break;
    filled += got;
    if (head.find('\n') < filled) break;
  }
  head.resize(filled);
  return head.substr(0, head.find('\n'));
}

// Prints "\r<file>: NN% of M MB" at most twice a second.
std::function<void(std::uint64_t)> Progress(const std::string& path, std::ostream& out) {
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  auto last = std::chrono::steady_clock::now();
  return [=, &out](std::uint64_t raw) mutable {
    const auto now = std::chrono::steady_clock::now();
    if (ec || size == 0 || now - last < std::chrono::milliseconds(500)) return;
    last = now;
    out << "\r" << path << ": " << raw * 100 / size << "% of " << (size + 999999) / 1000000 << " MB"
        << std::flush;
  };
}

}  // namespace

void DeclareExportOptions(cxxopts::Options& options) {
  options.add_options()(
      "map", "the data map: its [[table]]s for pg_dump files, its [csv] columns for CSV/TSV",
      cxxopts::value<std::string>(), "FILE")(
      "column", "a CSV/TSV column holding identifiers of KIND (repeatable), e.g. Email=email",
      cxxopts::value<std::vector<std::string>>(),
      "HEADER=KIND")("type", "csv, tsv or pg_dump (default: from the name, else the first line)",
                     cxxopts::value<std::string>(), "TYPE")(
      "all-matches", "list every matching row (default: the first 1000 per file)");
}

Result<ExportOptions> ReadExportOptions(const Context& ctx) {
  ExportOptions o;
  if (ctx.Has("map")) o.map_path = ctx.Get<std::string>("map");
  o.all_matches = ctx.Has("all-matches");
  if (ctx.Has("column")) {
    for (const std::string& spec : ctx.Get<std::vector<std::string>>("column")) {
      const std::size_t eq = spec.rfind('=');
      if (eq == std::string::npos || eq == 0 || !tombstones::IsValidKindName(spec.substr(eq + 1)))
        return Status::Usage("unable to parse --column '" + spec + "': expected HEADER=KIND",
                             "KIND is 1..64 of a-z 0-9 _ -, e.g. --column 'E-mail=email'");
      o.columns.push_back({spec.substr(0, eq), spec.substr(eq + 1), true});
    }
  }
  if (ctx.Has("type")) {
    const std::string t = ctx.Get<std::string>("type");
    if (t == "csv")
      o.type = FileType::kCsv;
    else if (t == "tsv")
      o.type = FileType::kTsv;
    else if (t == "pg_dump" || t == "pgdump" || t == "sql")
      o.type = FileType::kPgDump;
    else
      return Status::Usage("unable to parse --type '" + t + "': expected csv, tsv or pg_dump");
  }
  return o;
}

std::string_view TypeName(FileType t) {
  switch (t) {
    case FileType::kCsv:
      return "csv";
    case FileType::kTsv:
      return "tsv";
    case FileType::kPgDump:
      return "pg_dump";
    case FileType::kDetect:
      break;
  }
  return "?";
}

Result<FileType> DetectType(const std::string& path, FileType given) {
  if (given != FileType::kDetect) return given;
  const std::string_view name = StripZst(path);
  if (EndsWith(name, ".csv")) return FileType::kCsv;
  if (EndsWith(name, ".tsv") || EndsWith(name, ".tab")) return FileType::kTsv;
  if (EndsWith(name, ".sql")) return FileType::kPgDump;
  auto first = FirstLine(path);
  if (!first.ok()) return first.status();
  const std::string& line = first.value();
  if (line.rfind("--", 0) == 0 || line.rfind("\\restrict", 0) == 0 || line.rfind("SET ", 0) == 0)
    return FileType::kPgDump;
  if (line.find('\t') != std::string::npos && line.find(',') == std::string::npos)
    return FileType::kTsv;
  return FileType::kCsv;
}

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
  auto index = TombstoneIndex::Load(store, key, kinds);
  if (!index.ok()) return index.status();
  job->index_ = std::move(index.value());
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

Status ExportJob::Process(const std::string& path, OutputFile* out, FileReport* report) {
  report->path = path;
  report->max_matches = options_.all_matches ? 0 : 1000;
  auto type = DetectType(path, options_.type);
  if (!type.ok()) return type.status();
  report->format = std::string(TypeName(type.value()));
  auto in = InputFile::Open(path);
  if (!in.ok()) return in.status();
  report->compressed = in.value()->compressed();
  LineReader lines(*in.value());
  if (progress_ != nullptr) lines.OnChunk(Progress(path, *progress_));
  Status s;
  if (type.value() == FileType::kPgDump) {
    if (!map_)
      return Status::Usage("unable to read '" + path + "': a pg_dump file needs --map",
                           "the map's [[table]] sections say which COPY columns hold identifiers");
    s = ProcessDump(lines, *map_, *index_, key_, out, report);
  } else {
    const CsvSpec spec = SpecFor(type.value());
    if (spec.columns.empty())
      return Status::Usage("unable to read '" + path + "': no CSV columns to match",
                           "pass --column HEADER=KIND, or give the map a [csv] section");
    s = ProcessCsv(lines, spec, *index_, out, report);
  }
  if (progress_ != nullptr) *progress_ << "\r\033[K" << std::flush;
  return s;
}

}  // namespace tombstone::exports

// What 'scan' and 'scrub' share: the options that say where identifiers sit in an export, the
// tombstones loaded once for every file, and the choice between the CSV/TSV and pg_dump readers.
#pragma once

#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "src/io/byte_stream.h"
#include "src/exports/csv_export.h"
#include "src/exports/detect.h"
#include "src/exports/dump_cascade.h"
#include "src/exports/export_report.h"
#include "src/map/data_map.h"

namespace tombstone::exports {

// Where identifiers are in an export, as the command line said (src/commands/export_options.h).
struct ExportOptions {
  std::string map_path;               // --map FILE ("" when not given)
  std::vector<CsvColumn> columns;     // --column HEADER=KIND
  FileType type = FileType::kDetect;  // --type csv|tsv|pg_dump
  bool all_matches = false;           // --all-matches
};

// The map and the tombstones, loaded once and used for every file. Not thread-safe.
class ExportJob {
 public:
  // Loads the map (when given), the store's tombstones and a matcher for each kind the columns
  // or the map use (src/match/kind_matcher.h). kUsage for a bad map, a map that normalizes a
  // kind otherwise than the store, or when neither --column nor --map says where identifiers
  // are.
  // `key` must outlive the job. Notes for people (a kind the store never recorded) go to
  // notes().
  static Result<std::unique_ptr<ExportJob>> Prepare(const ExportOptions& options,
                                                    tombstones::Store& store,
                                                    const tombstones::Key& key);

  // Reads `path` (plain or zstd; "-": the standard input given to ReadStandardInputFrom) to the
  // end; `out`, when not null, receives the scrubbed copy (not committed here). A custom,
  // directory or tar pg_dump archive is read through `pg_restore -f -`: its scrubbed copy is a
  // plain SQL dump (a note in report->warnings says so). kUsage when the file needs what was
  // not given (a CSV without column kinds, a dump without --map), when it is malformed,
  // truncated or of no known kind, or pg_restore fails; *report holds what was read up to then.
  Status Process(const std::string& path, io::OutputFile* out, FileReport* report);

  // When set, Process() reports progress there: "\r<file>: NN% of M MB", at most twice a
  // second, cleared at the end (for a terminal).
  void ShowProgress(std::ostream* terminal) { progress_ = terminal; }
  // Where "-" reads from (a CSV/TSV file is streamed; a dump is spooled to $TMPDIR, compressed,
  // because it is read several times). `in` must outlive the job.
  void ReadStandardInputFrom(std::istream& in) { standard_input_ = &in; }

  const std::vector<std::string>& notes() const { return notes_; }

 private:
  ExportJob(const ExportOptions& options, const tombstones::Key& key)
      : options_(options), key_(key) {}
  CsvSpec SpecFor(FileType type) const;
  static Result<std::unique_ptr<io::InputFile>> Open(const std::string& path, const Detected& d);
  static Status Spool(io::InputFile& in, const std::string& path);
  Status ProcessStandardInput(io::OutputFile* out, FileReport* report);
  Status CheckReadable(const Detected& d, FileReport* report) const;
  Status ProcessOpened(const std::string& source, const Detected& d, io::InputFile& in,
                       io::OutputFile* out, FileReport* report);
  Status FollowForeignKeys(const std::string& path, const Detected& d, DumpCascade* cascade,
                           const FileReport* report);

  ExportOptions options_;
  const tombstones::Key& key_;
  std::optional<DataMap> map_;
  std::unique_ptr<match::TombstoneMatcher> tombstones_;
  std::vector<std::string> notes_;
  std::ostream* progress_ = nullptr;
  std::istream* standard_input_ = nullptr;
};

}  // namespace tombstone::exports

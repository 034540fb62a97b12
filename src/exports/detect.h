// What kind of file an export is, decided by its content first: the pg_dump archive formats by
// their magic (custom "PGDMP", tar's "ustar" header, a directory's toc.dat), a plain dump by its
// header comment, inside zstd when compressed; the name (.csv, .tsv, .sql) only when the content
// does not say. Binary data that is none of these is refused rather than read as CSV.
#pragma once

#include <string>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstone::io {
class InputFile;
}  // namespace tombstone::io

namespace tombstone::exports {

using tombstones::Result;
using tombstones::Status;

enum class FileType { kDetect, kCsv, kTsv, kPgDump, kPgArchive };

struct Detected {
  FileType type = FileType::kDetect;
  std::string archive;      // kPgArchive: "custom", "directory" or "tar"
  bool compressed = false;  // zstd around the file (never for a directory)
};

// The type of `path`. `given` (--type) decides for text files; an archive is an archive whatever
// --type says, and --type csv or tsv on one is refused. kUsage when the file cannot be read, is a
// directory without toc.dat, or is binary data of no known kind.
Result<Detected> DetectType(const std::string& path, FileType given);
// The same for a stream that cannot be read twice (standard input, `name` "-"): `head` is its
// first bytes, decompressed (ReadHead), `compressed` whether it was zstd.
Result<Detected> DetectHead(std::string_view head, const std::string& name, FileType given,
                            bool compressed);
// The first 64 KiB of `in` (decompressed), or less when it is shorter: what detection reads.
Result<std::string> ReadHead(io::InputFile& in);
std::string_view TypeName(FileType t);

// The pg_restore this program runs: $PG_BINDIR/pg_restore, else PostgreSQL 15's
// (/usr/lib/postgresql/15/bin/pg_restore), else the one in PATH; as the restore hooks find it.
std::string PgRestoreProgram();

}  // namespace tombstone::exports

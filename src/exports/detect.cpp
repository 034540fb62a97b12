#include "src/exports/detect.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "src/io/byte_stream.h"

namespace tombstone::exports {
namespace {

namespace fs = std::filesystem;

std::string_view StripZst(std::string_view path) {
  return io::EndsWith(path, ".zst") ? path.substr(0, path.size() - 4) : path;
}

// The first 64 KiB of the (decompressed) file, or less when it is shorter.
Result<std::string> Head(const std::string& path, bool* compressed) {
  auto in = io::InputFile::Open(path);
  if (!in.ok()) return in.status();
  *compressed = in.value()->compressed();
  return ReadHead(*in.value());
}

}  // namespace

Result<std::string> ReadHead(io::InputFile& in) {
  std::string head(64 * 1024, '\0');
  std::size_t filled = 0;
  while (filled < head.size()) {
    std::size_t got = 0;
    if (Status s = in.Read(head.data() + filled, head.size() - filled, &got); !s.ok()) {
      // A short file cut inside its zstd frame: the reader says so when it reads it whole.
      if (filled > 0) break;
      return s;
    }
    if (got == 0) break;
    filled += got;
  }
  head.resize(filled);
  return head;
}

namespace {

// pg_dump and pg_dumpall begin a plain dump with this comment (after "--" and maybe \restrict).
bool HasDumpHeader(std::string_view head) {
  std::size_t start = 0;
  for (int line = 0; line < 12 && start < head.size(); ++line) {
    std::size_t nl = head.find('\n', start);
    if (nl == std::string_view::npos) nl = head.size();
    std::string_view text = head.substr(start, nl - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text == "-- PostgreSQL database dump" || text == "-- PostgreSQL database cluster dump")
      return true;
    start = nl + 1;
  }
  return false;
}

Status NotText(const std::string& path, const std::string& what, FileType given) {
  return Status::Usage("unable to read '" + path + "' as " + std::string(TypeName(given)) +
                           ": it is " + what,
                       "leave out --type: pg_dump archives are read through pg_restore");
}

}  // namespace

std::string_view TypeName(FileType t) {
  switch (t) {
    case FileType::kCsv:
      return "csv";
    case FileType::kTsv:
      return "tsv";
    case FileType::kPgDump:
    case FileType::kPgArchive:
      return "pg_dump";
    case FileType::kDetect:
      break;
  }
  return "?";
}

std::string PgRestoreProgram() {
  if (const char* dir = std::getenv("PG_BINDIR"); dir != nullptr && *dir != '\0')
    return std::string(dir) + "/pg_restore";
  const char* v15 = "/usr/lib/postgresql/15/bin/pg_restore";
  if (::access(v15, X_OK) == 0) return v15;
  return "pg_restore";
}

Result<Detected> DetectType(const std::string& path, FileType given) {
  const bool text_given = given == FileType::kCsv || given == FileType::kTsv;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (!fs::exists(fs::path(path) / "toc.dat", ec))
      return Status::Usage("unable to read '" + path +
                           "': it is a directory, and not a pg_dump directory-format archive "
                           "(no toc.dat in it)");
    if (text_given) return NotText(path, "a pg_dump directory-format archive", given);
    return Detected{FileType::kPgArchive, "directory", false};
  }
  bool compressed = false;
  auto head = Head(path, &compressed);
  if (!head.ok()) return head.status();
  return DetectHead(head.value(), path, given, compressed);
}

Result<Detected> DetectHead(std::string_view h, const std::string& path, FileType given,
                            bool compressed) {
  const bool text_given = given == FileType::kCsv || given == FileType::kTsv;
  Detected d;
  d.compressed = compressed;
  if (h.compare(0, 5, "PGDMP") == 0) d.archive = "custom";
  else if (h.size() >= 262 && h.compare(257, 5, "ustar") == 0) d.archive = "tar";
  if (!d.archive.empty()) {
    if (text_given) return NotText(path, "a pg_dump " + d.archive + "-format archive", given);
    d.type = FileType::kPgArchive;
    return d;
  }
  if (given != FileType::kDetect) {
    d.type = given;
    return d;
  }
  if (HasDumpHeader(h)) {
    d.type = FileType::kPgDump;
    return d;
  }
  // NUL bytes: an archive of another kind, or a UTF-16 export. Read as CSV, it would match
  // nothing and pass as clean.
  if (h.find('\0') != std::string_view::npos)
    return Status::Usage("unable to read '" + path +
                             "': binary data that is neither CSV/TSV nor a pg_dump file",
                         "scan and scrub read CSV/TSV exports (UTF-8) and pg_dump files (plain, "
                         "custom, directory or tar format), optionally zstd-compressed");
  const std::string_view name = StripZst(path);
  if (io::EndsWith(name, ".sql")) d.type = FileType::kPgDump;
  else if (io::EndsWith(name, ".csv")) d.type = FileType::kCsv;
  else if (io::EndsWith(name, ".tsv") || io::EndsWith(name, ".tab")) d.type = FileType::kTsv;
  if (d.type != FileType::kDetect) return d;
  const std::string_view line = h.substr(0, h.find('\n'));
  if (line.starts_with("--") || line.starts_with("\\restrict") || line.starts_with("SET "))
    d.type = FileType::kPgDump;
  else if (line.find('\t') != std::string_view::npos && line.find(',') == std::string_view::npos)
    d.type = FileType::kTsv;
  else
    d.type = FileType::kCsv;
  return d;
}

}  // namespace tombstone::exports

#include "src/io/atomic_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tombstone::io {
namespace {

constexpr int kCreateAttempts = 16;

std::string DirectoryOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// 12 random letters and digits: names nobody can plant a link at in advance.
std::string RandomSuffix() {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static const bool ready = sodium_init() >= 0;  // randombytes needs it once
  (void)ready;
  std::string suffix(12, '\0');
  for (char& c : suffix) c = kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return suffix;
}

// Without RENAME_NOREPLACE (some file systems): link() refuses an existing target too.
int RenameNoReplace(const char* from, const char* to) {
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  if (::link(from, to) != 0) return -1;
  ::unlink(from);
  return 0;
}

}  // namespace

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return Status::Failed("unable to sync directory '" + dir + "': " + std::strerror(errno));
  const bool ok = ::fsync(fd) == 0;
  const int e = errno;
  ::close(fd);
  if (!ok) return Status::Failed("unable to sync directory '" + dir + "': " + std::strerror(e));
  return Status::Ok();
}

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path, Options options) {
  std::unique_ptr<AtomicFile> file(new AtomicFile());
  file->path_ = path;
  file->options_ = options;
  int error = 0;
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    std::string temp = path + ".tmp-" + RandomSuffix();
    // O_EXCL: never an existing file; O_NOFOLLOW: never through a symlink at that name.
    file->fd_ =
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, options.mode);
    if (file->fd_ >= 0) {
      file->temp_path_ = std::move(temp);
      return file;
    }
    error = errno;
    if (error != EEXIST) break;
  }
  return Status::Usage("unable to create '" + path +
                       "': cannot create a temporary file beside it (" + std::strerror(error) +
                       ")");
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Status AtomicFile::Fail(const std::string& what, int error) {
  return Status::Failed("unable to " + what + " '" + path_ + "': " + std::strerror(error));
}

Status AtomicFile::Write(std::string_view bytes) {
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail("write", errno);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Status AtomicFile::Commit() {
  if (::fsync(fd_) != 0) return Fail("sync", errno);
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) return Fail("write", errno);
  const int renamed = options_.replace ? ::rename(temp_path_.c_str(), path_.c_str())
                                       : RenameNoReplace(temp_path_.c_str(), path_.c_str());
  if (renamed != 0) {
    if (errno == EEXIST)
      return Status::Usage("unable to create '" + path_ + "': the file exists",
                           "it appeared while this one was written; choose another name");
    return Fail("rename a temporary file onto", errno);
  }
  committed_ = true;
  // The rename is durable only once the directory entry is on disk.
  return SyncDirectory(DirectoryOf(path_));
}

Status WriteFileAtomically(const std::string& path, std::string_view content,
                           AtomicFile::Options options) {
  auto file = AtomicFile::Create(path, options);
  if (!file.ok()) return file.status();
  if (Status s = file.value()->Write(content); !s.ok()) return s;
  return file.value()->Commit();
}

Status ReplaceDirectory(const std::string& fresh, const std::string& target_as_given,
                        const std::string& aside) {
  // "store/" names "store": its parent, not itself, is the directory to sync.
  std::string target = target_as_given;
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  std::error_code ec;
  const bool existed = std::filesystem::exists(target, ec);
  if (existed) {
    std::filesystem::rename(target, aside, ec);
    if (ec) return Status::Failed("unable to move '" + target + "' aside: " + ec.message());
  }
  std::filesystem::rename(fresh, target, ec);
  if (ec) {
    std::error_code ignored;
    if (existed) std::filesystem::rename(aside, target, ignored);
    return Status::Failed("unable to place '" + fresh + "' at '" + target + "': " + ec.message());
  }
  // The renames survive a power cut only once their directory is synced.
  if (Status s = SyncDirectory(DirectoryOf(target)); !s.ok()) return s;
  if (existed) std::filesystem::remove_all(aside, ec);
  return Status::Ok();
}

}  // namespace tombstone::io

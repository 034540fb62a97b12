// A 32-byte secret in its own file: the checks that keep it the operator's alone.
#include "tombstones/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tombstones::key_file {
namespace {

// A key file holds 64 hex digits and maybe a newline; anything much longer is not a key file.
constexpr std::size_t kKeyFileMax = 128;

Status KeyError(const Role& role, const std::string& path, const std::string& cause,
                std::string hint = {}) {
  return Status::StoreError("unable to use " + std::string(role.noun) + " '" + path + "': " + cause,
                            std::move(hint));
}

// Why `st` (of the open key file) may not be used; empty when it may.
std::string UnsafeKeyFile(const struct stat& st, std::string* hint, const Role& role,
                          const std::string& path) {
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  // Someone else's file could be replaced or read by them at any time.
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    *hint = "the " + std::string(role.noun) +
            " must belong to the user running tombstone (or to root): chown it";
    return "it belongs to another user (uid " + std::to_string(st.st_uid) + ")";
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    *hint = "chmod 600 '" + path + "'";
    return std::string("it is readable by group or others (mode ") + mode + ")";
  }
  return {};
}

// Reads the whole (small) file into `buf`; false when it is unreadable or longer than buf.
bool ReadSmall(int fd, std::array<char, kKeyFileMax + 1>& buf, std::size_t* size) {
  *size = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data() + *size, buf.size() - *size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    *size += static_cast<std::size_t>(n);
    if (*size == buf.size()) return false;
  }
}

}  // namespace

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string ToHex(const unsigned char* data, std::size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, n);
  hex.pop_back();
  return hex;
}

std::string Fingerprint(const std::array<unsigned char, 32>& master, std::uint64_t subkey_id,
                        const char* context) {
  (void)SodiumReady();
  std::array<unsigned char, 32> fingerprint_key{};
  crypto_kdf_derive_from_key(fingerprint_key.data(), fingerprint_key.size(), subkey_id, context,
                             master.data());
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), fingerprint_key.data(), fingerprint_key.size(),
                     nullptr, 0);
  sodium_memzero(fingerprint_key.data(), fingerprint_key.size());
  return ToHex(digest.data(), digest.size());
}

Status Read(const std::string& path, const Role& role, std::array<unsigned char, 32>* secret) {
  if (!SodiumReady()) return Status::StoreError("unable to initialize libsodium");
  // O_NOFOLLOW: a symlink planted at the path is refused, not followed. The checks below are
  // on the open descriptor (fstat), so the file checked is the file read. O_NONBLOCK: a FIFO
  // planted there cannot hang the open; fstat then refuses it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ELOOP)
      return KeyError(role, path, "it is a symbolic link",
                      "point " + std::string(role.option) + " at the " + std::string(role.noun) +
                          " itself");
    return KeyError(role, path, std::strerror(e),
                    e == ENOENT ? std::string(role.create_hint) : "");
  }
  struct stat st {};
  std::string hint;
  const std::string unsafe = ::fstat(fd, &st) != 0 ? std::string(std::strerror(errno))
                                                   : UnsafeKeyFile(st, &hint, role, path);
  if (!unsafe.empty()) {
    ::close(fd);
    return KeyError(role, path, unsafe, std::move(hint));
  }
  std::array<char, kKeyFileMax + 1> text{};
  std::size_t size = 0;
  const bool read = ReadSmall(fd, text, &size);
  ::close(fd);
  while (size > 0 && (text[size - 1] == '\n' || text[size - 1] == '\r' || text[size - 1] == ' '))
    --size;
  std::size_t decoded = 0;
  const bool valid = read && size == 64 &&
                     sodium_hex2bin(secret->data(), secret->size(), text.data(), size, nullptr,
                                    &decoded, nullptr) == 0 &&
                     decoded == secret->size();
  sodium_memzero(text.data(), text.size());
  if (!valid) {
    sodium_memzero(secret->data(), secret->size());
    return KeyError(role, path,
                    read ? "expected 64 hexadecimal digits (a 32-byte key)" : "unreadable");
  }
  return Status::Ok();
}

Status Generate(const std::string& path, const Role& role, std::array<unsigned char, 32>* secret) {
  if (!SodiumReady()) return Status::StoreError("unable to initialize libsodium");
  // O_EXCL and O_NOFOLLOW: never an existing file, never through a planted symlink.
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int e = errno;
    return Status::StoreError("unable to create " + std::string(role.noun) + " '" + path +
                                  "': " + std::strerror(e),
                              e == EEXIST ? "use the existing key, or choose another path" : "");
  }
  randombytes_buf(secret->data(), secret->size());
  std::array<char, 65> text{};  // 64 hex digits and the newline (in place of the NUL)
  sodium_bin2hex(text.data(), text.size(), secret->data(), secret->size());
  text[64] = '\n';
  // The umask may have narrowed the mode further, never widened it; make it exactly 0600.
  const bool written = ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  const int e = errno;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!written) {
    sodium_memzero(secret->data(), secret->size());
    ::unlink(path.c_str());
    return Status::StoreError("unable to write " + std::string(role.noun) + " '" + path +
                              "': " + std::strerror(e));
  }
  return Status::Ok();
}

}  // namespace tombstones::key_file

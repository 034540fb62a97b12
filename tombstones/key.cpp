// The secret key file and every keyed hash derived from it (docs/store-format.md, "Hashing").
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tombstones/tombstones.h"

namespace tombstones {
namespace {

// crypto_kdf context and subkey ids: part of the format, never to change.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tombstn1";
constexpr std::uint64_t kSubkeyIdentifierHash = 1;
constexpr std::uint64_t kSubkeyReceiptMac = 2;
constexpr std::uint64_t kSubkeyPseudonym = 3;
constexpr std::uint64_t kSubkeyFingerprint = 4;

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

Status KeyError(const std::string& path, const std::string& cause, std::string hint = {}) {
  return Status::StoreError("unable to use key file '" + path + "': " + cause, std::move(hint));
}

}  // namespace

std::string Hash128::Hex() const { return ToHex(bytes.data(), bytes.size()); }

std::uint64_t Hash128::Low64() const {
  std::uint64_t v = 0;
  std::memcpy(&v, bytes.data(), sizeof v);
  return v;
}

void Key::Derive(const std::array<unsigned char, 32>& master) {
  (void)SodiumReady();
  crypto_kdf_derive_from_key(hash_key_.data(), hash_key_.size(), kSubkeyIdentifierHash,
                             kKdfContext, master.data());
  crypto_kdf_derive_from_key(receipt_key_.data(), receipt_key_.size(), kSubkeyReceiptMac,
                             kKdfContext, master.data());
  crypto_kdf_derive_from_key(pseudonym_key_.data(), pseudonym_key_.size(), kSubkeyPseudonym,
                             kKdfContext, master.data());
  std::array<unsigned char, 32> fingerprint_key{};
  crypto_kdf_derive_from_key(fingerprint_key.data(), fingerprint_key.size(), kSubkeyFingerprint,
                             kKdfContext, master.data());
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), fingerprint_key.data(), fingerprint_key.size(),
                     nullptr, 0);
  fingerprint_ = ToHex(digest.data(), digest.size());
  sodium_memzero(fingerprint_key.data(), fingerprint_key.size());
}

Key Key::FromBytes(const std::array<unsigned char, 32>& bytes) {
  Key key;
  key.Derive(bytes);
  return key;
}

namespace {

// A key file holds 64 hex digits and maybe a newline; anything much longer is not a key file.
constexpr std::size_t kKeyFileMax = 128;

// Why `st` (of the open key file) may not be used; empty when it may.
std::string UnsafeKeyFile(const struct stat& st, std::string* hint, const std::string& path) {
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  // Someone else's file could be replaced or read by them at any time.
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    *hint = "the key file must belong to the user running tombstone (or to root): chown it";
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

Result<Key> Key::Load(const std::string& path) {
  if (!SodiumReady()) return Status::StoreError("unable to initialize libsodium");
  // O_NOFOLLOW: a symlink planted at the path is refused, not followed. The checks below are
  // on the open descriptor (fstat), so the file checked is the file read. O_NONBLOCK: a FIFO
  // planted there cannot hang the open; fstat then refuses it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ELOOP)
      return KeyError(path, "it is a symbolic link", "point --key-file at the key file itself");
    return KeyError(path, std::strerror(e),
                    e == ENOENT ? "create one with 'tombstone init --generate-key'" : "");
  }
  struct stat st {};
  std::string hint;
  const std::string unsafe =
      ::fstat(fd, &st) != 0 ? std::string(std::strerror(errno)) : UnsafeKeyFile(st, &hint, path);
  if (!unsafe.empty()) {
    ::close(fd);
    return KeyError(path, unsafe, std::move(hint));
  }
  std::array<char, kKeyFileMax + 1> text{};
  std::size_t size = 0;
  const bool read = ReadSmall(fd, text, &size);
  ::close(fd);
  while (size > 0 && (text[size - 1] == '\n' || text[size - 1] == '\r' || text[size - 1] == ' '))
    --size;
  std::array<unsigned char, 32> master{};
  std::size_t decoded = 0;
  const bool valid = read && size == 64 &&
                     sodium_hex2bin(master.data(), master.size(), text.data(), size, nullptr,
                                    &decoded, nullptr) == 0 &&
                     decoded == master.size();
  sodium_memzero(text.data(), text.size());
  if (!valid) {
    sodium_memzero(master.data(), master.size());
    return KeyError(path, read ? "expected 64 hexadecimal digits (a 32-byte key)" : "unreadable");
  }
  Key key;
  key.Derive(master);
  sodium_memzero(master.data(), master.size());
  return key;
}

Result<Key> Key::Generate(const std::string& path) {
  if (!SodiumReady()) return Status::StoreError("unable to initialize libsodium");
  // O_EXCL and O_NOFOLLOW: never an existing file, never through a planted symlink.
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int e = errno;
    return Status::StoreError("unable to create key file '" + path + "': " + std::strerror(e),
                              e == EEXIST ? "use the existing key, or choose another path" : "");
  }
  std::array<unsigned char, 32> master{};
  randombytes_buf(master.data(), master.size());
  std::array<char, 65> text{};  // 64 hex digits and the newline (in place of the NUL)
  sodium_bin2hex(text.data(), text.size(), master.data(), master.size());
  text[64] = '\n';
  // The umask may have narrowed the mode further, never widened it; make it exactly 0600.
  const bool written = ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  const int e = errno;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!written) {
    sodium_memzero(master.data(), master.size());
    ::unlink(path.c_str());
    return Status::StoreError("unable to write key file '" + path + "': " + std::strerror(e));
  }
  Key key;
  key.Derive(master);
  sodium_memzero(master.data(), master.size());
  return key;
}

Key::KindHasher::KindHasher(const Key& key, std::string_view kind)
    : hash_key_(key.hash_key_), prefix_(kind) {
  prefix_.push_back('\0');
}

Hash128 Key::KindHasher::Hash(std::string_view normalized) const {
  Hash128 h;
  // SipHash in libsodium is one-shot: build kind '\0' value in a stack buffer when it fits.
  unsigned char stack[256];
  const std::size_t n = prefix_.size() + normalized.size();
  if (n <= sizeof stack) {
    std::memcpy(stack, prefix_.data(), prefix_.size());
    std::memcpy(stack + prefix_.size(), normalized.data(), normalized.size());
    crypto_shorthash_siphashx24(h.bytes.data(), stack, n, hash_key_.data());
  } else {
    std::string joined = prefix_;
    joined.append(normalized);
    crypto_shorthash_siphashx24(h.bytes.data(),
                                reinterpret_cast<const unsigned char*>(joined.data()),
                                joined.size(), hash_key_.data());
  }
  return h;
}

Hash128 Key::HashIdentifier(std::string_view kind, std::string_view normalized) const {
  return ForKind(kind).Hash(normalized);
}

namespace {

constexpr std::string_view kPseudonymPrefix = "tsp1";
constexpr std::size_t kPseudonymBody = 12;  // bytes of keyed hash that name the value
constexpr std::size_t kPseudonymTag = 4;    // bytes that prove the key made the body

// Keyed BLAKE2b-128 over `label` 0x00 `a` 0x00 `b`, with the pseudonym subkey.
std::array<unsigned char, 16> PseudonymHash(const std::array<unsigned char, 32>& key,
                                            std::string_view label, std::string_view a,
                                            std::string_view b) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), 16);
  const unsigned char zero = 0;
  for (std::string_view part : {label, a}) {
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
    crypto_generichash_update(&state, &zero, 1);
  }
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(b.data()), b.size());
  std::array<unsigned char, 16> out{};
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

std::array<unsigned char, kPseudonymTag> PseudonymTag(const std::array<unsigned char, 32>& key,
                                                      const unsigned char* body) {
  const auto full = PseudonymHash(
      key, "tombstone pseudonym tag", {},
      std::string_view(reinterpret_cast<const char*>(body), kPseudonymBody));
  std::array<unsigned char, kPseudonymTag> tag{};
  std::memcpy(tag.data(), full.data(), tag.size());
  return tag;
}

}  // namespace

std::string Key::Pseudonym(std::string_view kind, std::string_view value) const {
  const auto body = PseudonymHash(pseudonym_key_, "tombstone pseudonym v1", kind, value);
  const auto tag = PseudonymTag(pseudonym_key_, body.data());
  return std::string(kPseudonymPrefix) + ToHex(body.data(), kPseudonymBody) +
         ToHex(tag.data(), tag.size());
}

bool Key::IsPseudonym(std::string_view text) const {
  if (text.size() != kPseudonymLength || text.substr(0, kPseudonymPrefix.size()) != kPseudonymPrefix)
    return false;
  const std::string_view hex = text.substr(kPseudonymPrefix.size());
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;  // lowercase only
  std::array<unsigned char, kPseudonymBody + kPseudonymTag> bytes{};
  std::size_t decoded = 0;
  if (sodium_hex2bin(bytes.data(), bytes.size(), hex.data(), hex.size(), nullptr, &decoded,
                     nullptr) != 0 ||
      decoded != bytes.size())
    return false;
  const auto tag = PseudonymTag(pseudonym_key_, bytes.data());
  return sodium_memcmp(tag.data(), bytes.data() + kPseudonymBody, kPseudonymTag) == 0;
}

}  // namespace tombstones

// The sealing key and the authenticated encryption of identifiers with it
// (docs/store-format.md, "Sealed identifiers").
#include <sodium.h>

#include <cstring>

#include "tombstones/key_file.h"

namespace tombstones {
namespace {

// crypto_kdf context and subkey ids of the sealing key: part of the format, never to change.
// Another context than the hashing key's ("tombstn1"), so that the same file used for both
// still gives unrelated subkeys and fingerprints.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tombseal";
constexpr std::uint64_t kSubkeyAead = 1;
constexpr std::uint64_t kSubkeyFingerprint = 2;

constexpr std::string_view kAdLabel = "tombstone sealed identifier v1";
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

const key_file::Role kRole{"sealing key file", "--sealing-key-file",
                           "create one with 'tombstone seal enable --generate-sealing-key'"};

// The additional data: label 0x00 kind 0x00 hash. A record moved to another kind or hash does
// not open.
std::string AdditionalData(std::string_view kind, const Hash128& hash) {
  std::string ad;
  ad.reserve(kAdLabel.size() + kind.size() + 2 + hash.bytes.size());
  ad.append(kAdLabel).push_back('\0');
  ad.append(kind).push_back('\0');
  ad.append(reinterpret_cast<const char*>(hash.bytes.data()), hash.bytes.size());
  return ad;
}

}  // namespace

void SealingKey::Derive(const std::array<unsigned char, 32>& master) {
  (void)key_file::SodiumReady();
  crypto_kdf_derive_from_key(aead_key_.data(), aead_key_.size(), kSubkeyAead, kKdfContext,
                             master.data());
  fingerprint_ = key_file::Fingerprint(master, kSubkeyFingerprint, kKdfContext);
}

SealingKey::~SealingKey() { sodium_memzero(aead_key_.data(), aead_key_.size()); }

SealingKey SealingKey::FromBytes(const std::array<unsigned char, 32>& bytes) {
  SealingKey key;
  key.Derive(bytes);
  return key;
}

Result<SealingKey> SealingKey::Load(const std::string& path) {
  std::array<unsigned char, 32> master{};
  if (Status s = key_file::Read(path, kRole, &master); !s.ok()) return s;
  SealingKey key;
  key.Derive(master);
  sodium_memzero(master.data(), master.size());
  return key;
}

Result<SealingKey> SealingKey::Generate(const std::string& path) {
  std::array<unsigned char, 32> master{};
  if (Status s = key_file::Generate(path, kRole, &master); !s.ok()) return s;
  SealingKey key;
  key.Derive(master);
  sodium_memzero(master.data(), master.size());
  return key;
}

std::string SealingKey::Seal(std::string_view kind, const Hash128& hash,
                             std::string_view normalized) const {
  const std::string ad = AdditionalData(kind, hash);
  std::string out(kNonce + normalized.size() + kTag, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(bytes, kNonce);  // 192 random bits: no nonce is ever used twice
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      bytes + kNonce, &written, reinterpret_cast<const unsigned char*>(normalized.data()),
      normalized.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
      bytes, aead_key_.data());
  out.resize(kNonce + written);
  return out;
}

bool SealingKey::Open(std::string_view kind, const Hash128& hash, std::string_view sealed,
                      std::string* normalized) const {
  normalized->clear();
  if (sealed.size() < kNonce + kTag) return false;
  const std::string ad = AdditionalData(kind, hash);
  normalized->resize(sealed.size() - kNonce - kTag);
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  unsigned long long n = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(normalized->data()), &n, nullptr, bytes + kNonce,
          sealed.size() - kNonce, reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
          bytes, aead_key_.data()) != 0) {
    normalized->clear();
    return false;
  }
  normalized->resize(n);
  return true;
}

SealedIdentifiers::~SealedIdentifiers() {
  if (!values_.empty()) sodium_memzero(values_.data(), values_.size());
}

}  // namespace tombstones

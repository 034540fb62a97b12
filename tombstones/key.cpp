// The secret key file and every keyed hash derived from it (docs/store-format.md, "Hashing").
#include <sodium.h>

#include <cstring>

#include "tombstones/key_file.h"

namespace tombstones {
namespace {

// crypto_kdf context and subkey ids: part of the format, never to change.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tombstn1";
constexpr std::uint64_t kSubkeyIdentifierHash = 1;
constexpr std::uint64_t kSubkeyReceiptMac = 2;
constexpr std::uint64_t kSubkeyPseudonym = 3;
constexpr std::uint64_t kSubkeyFingerprint = 4;

using key_file::SodiumReady;
using key_file::ToHex;

const key_file::Role kRole{"key file", "--key-file",
                           "create one with 'tombstone init --generate-key'"};

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
  fingerprint_ = key_file::Fingerprint(master, kSubkeyFingerprint, kKdfContext);
}

Key Key::FromBytes(const std::array<unsigned char, 32>& bytes) {
  Key key;
  key.Derive(bytes);
  return key;
}

Result<Key> Key::Load(const std::string& path) {
  std::array<unsigned char, 32> master{};
  if (Status s = key_file::Read(path, kRole, &master); !s.ok()) return s;
  Key key;
  key.Derive(master);
  sodium_memzero(master.data(), master.size());
  return key;
}

Result<Key> Key::Generate(const std::string& path) {
  std::array<unsigned char, 32> master{};
  if (Status s = key_file::Generate(path, kRole, &master); !s.ok()) return s;
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

#include "tombstones/coding.h"

#include <sodium.h>

#include <cstring>

namespace tombstones::coding {

void Writer::Varint(std::uint64_t v) {
  while (v >= 0x80) {
    Byte(static_cast<unsigned char>(v | 0x80));
    v >>= 7;
  }
  Byte(static_cast<unsigned char>(v));
}

bool Reader::Byte(unsigned char* b) {
  if (in_.empty()) return false;
  *b = static_cast<unsigned char>(in_.front());
  in_.remove_prefix(1);
  return true;
}

bool Reader::Varint(std::uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    unsigned char b = 0;
    if (!Byte(&b)) return false;
    if (shift == 63 && b > 1) return false;  // bits past the 64th: damaged, not a value
    *v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

bool Reader::Signed(std::int64_t* v) {
  std::uint64_t u = 0;
  if (!Varint(&u)) return false;
  *v = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

bool Reader::Bytes(std::size_t n, std::string_view* s) {
  if (in_.size() < n) return false;
  *s = in_.substr(0, n);
  in_.remove_prefix(n);
  return true;
}

bool Reader::String(std::string* s) {
  std::uint64_t n = 0;
  std::string_view view;
  if (!Varint(&n) || !Bytes(n, &view)) return false;
  s->assign(view);
  return true;
}

unsigned char NormalizerCode(Normalizer n) {
  switch (n) {
    case Normalizer::kEmail: return 1;
    case Normalizer::kDigits: return 2;
    case Normalizer::kExact: break;
  }
  return 0;
}

bool NormalizerFromCode(unsigned char code, Normalizer* n) {
  switch (code) {
    case 0: *n = Normalizer::kExact; return true;
    case 1: *n = Normalizer::kEmail; return true;
    case 2: *n = Normalizer::kDigits; return true;
  }
  return false;
}

std::string EncodeTombstone(const Tombstone& t) {
  Writer w;
  w.Byte(kValueVersion);
  w.Signed(t.erased_at);
  w.Signed(t.recorded_at);
  w.Varint(t.identifiers.size());
  for (const IdentifierHash& id : t.identifiers) {
    w.String(id.kind);
    w.Byte(NormalizerCode(id.normalizer));
    w.Bytes(std::string_view(reinterpret_cast<const char*>(id.hash.bytes.data()), 16));
  }
  w.Byte(t.hold_reason ? 1 : 0);
  if (t.hold_reason) {
    w.String(*t.hold_reason);
    w.Signed(t.held_at);
  }
  w.String(t.note);
  return std::move(w.out());
}

bool DecodeTombstone(std::string_view request_id, std::string_view value, Tombstone* t) {
  Reader r(value);
  unsigned char version = 0, code = 0, has_hold = 0;
  std::uint64_t count = 0;
  if (!r.Byte(&version) || version != kValueVersion || !r.Signed(&t->erased_at) ||
      !r.Signed(&t->recorded_at) || !r.Varint(&count) || count > value.size())
    return false;
  t->request_id.assign(request_id);
  t->identifiers.resize(count);
  for (IdentifierHash& id : t->identifiers) {
    std::string_view hash;
    if (!r.String(&id.kind) || !r.Byte(&code) || !NormalizerFromCode(code, &id.normalizer) ||
        !r.Bytes(16, &hash))
      return false;
    std::copy(hash.begin(), hash.end(), id.hash.bytes.begin());
  }
  if (!r.Byte(&has_hold) || has_hold > 1) return false;
  t->hold_reason.reset();
  t->held_at = 0;
  if (has_hold) {
    std::string reason;
    if (!r.String(&reason) || !r.Signed(&t->held_at)) return false;
    t->hold_reason = std::move(reason);
  }
  return r.String(&t->note) && r.Done();
}

std::string EncodeBackup(const BackupRecord& b) {
  Writer w;
  w.Byte(kValueVersion);
  w.String(b.source);
  w.Signed(b.taken_at);
  w.Byte(b.expires_at ? 1 : 0);
  if (b.expires_at) w.Signed(*b.expires_at);
  w.String(b.retention);
  return std::move(w.out());
}

bool DecodeBackup(std::string_view id, std::string_view value, BackupRecord* b) {
  Reader r(value);
  unsigned char version = 0, has_expiry = 0;
  if (!r.Byte(&version) || version != kValueVersion || !r.String(&b->source) ||
      !r.Signed(&b->taken_at) || !r.Byte(&has_expiry) || has_expiry > 1)
    return false;
  b->id.assign(id);
  b->expires_at.reset();
  if (has_expiry) {
    std::int64_t expires = 0;
    if (!r.Signed(&expires)) return false;
    b->expires_at = expires;
  }
  return r.String(&b->retention) && r.Done();
}

std::string ReceiptKey(std::uint64_t seq) {
  std::string key(kReceiptPrefix);
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((seq >> shift) & 0xff));
  return key;
}

std::string EncodeReceipt(const ReceiptEntry& r) {
  Writer w;
  w.Byte(kValueVersion);
  w.Signed(r.recorded_at);
  w.String(r.body);
  w.String(r.prev_mac);
  w.String(r.mac);
  return std::move(w.out());
}

bool DecodeReceipt(std::uint64_t seq, std::string_view value, ReceiptEntry* r) {
  Reader reader(value);
  unsigned char version = 0;
  r->seq = seq;
  return reader.Byte(&version) && version == kValueVersion && reader.Signed(&r->recorded_at) &&
         reader.String(&r->body) && reader.String(&r->prev_mac) && reader.String(&r->mac) &&
         reader.Done();
}

std::string ReceiptMacInput(const ReceiptEntry& r, int mac_version) {
  Writer w;
  w.Bytes("tombstone receipt v" + std::to_string(mac_version));
  w.Varint(r.seq);
  w.Signed(r.recorded_at);
  w.String(r.body);
  w.String(r.prev_mac);
  return std::move(w.out());
}

std::string EncodeReceiptsHead(const ReceiptsHead& h) {
  Writer w;
  w.Varint(h.seq);
  w.String(h.last_mac);
  if (h.mac) w.String(*h.mac);
  return std::move(w.out());
}

bool DecodeReceiptsHead(std::string_view value, ReceiptsHead* h) {
  Reader r(value);
  h->mac.reset();
  if (!r.Varint(&h->seq) || !r.String(&h->last_mac)) return false;
  if (r.Done()) return true;  // an older, unauthenticated head
  std::string mac;
  if (!r.String(&mac) || !r.Done()) return false;
  h->mac = std::move(mac);
  return true;
}

std::string HeadMacInput(std::uint64_t seq, std::string_view last_mac) {
  Writer w;
  w.Bytes("tombstone receipts head v1");
  w.Varint(seq);
  w.String(last_mac);
  return std::move(w.out());
}

}  // namespace tombstones::coding

namespace tombstones::coding {

std::string SealedKey(std::string_view kind, const Hash128& hash, std::string_view request_id) {
  std::string key(kSealedPrefix);
  key.append(kind).push_back('\0');
  key.append(reinterpret_cast<const char*>(hash.bytes.data()), hash.bytes.size());
  key.append(request_id);
  return key;
}

bool SplitSealedKey(std::string_view key, std::string_view* kind, Hash128* hash,
                    std::string_view* request_id) {
  const std::size_t zero = key.find('\0');
  if (zero == std::string_view::npos || zero == 0 || key.size() < zero + 1 + hash->bytes.size() + 1)
    return false;
  *kind = key.substr(0, zero);
  std::memcpy(hash->bytes.data(), key.data() + zero + 1, hash->bytes.size());
  *request_id = key.substr(zero + 1 + hash->bytes.size());
  return true;
}

std::string EncodeSealed(std::string_view sealed) {
  std::string value(1, static_cast<char>(kValueVersion));
  value.append(sealed);
  return value;
}

bool DecodeSealed(std::string_view value, std::string_view* sealed) {
  if (value.empty() || static_cast<unsigned char>(value[0]) != kValueVersion) return false;
  *sealed = value.substr(1);
  return true;
}

}  // namespace tombstones::coding

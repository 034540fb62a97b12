// Value encodings of the store (internal; docs/store-format.md describes them in prose).
// Every value starts with a format byte so that a later version can read older values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tombstones/tombstones.h"

namespace tombstones::coding {

inline constexpr unsigned char kValueVersion = 1;

// Key prefixes: one byte and a slash, so that each record type is one contiguous range.
inline constexpr std::string_view kMetaPrefix = "m/";
inline constexpr std::string_view kKindPrefix = "k/";
inline constexpr std::string_view kTombstonePrefix = "t/";
inline constexpr std::string_view kBackupPrefix = "b/";
inline constexpr std::string_view kReceiptPrefix = "r/";
// e/<kind> 0x00 <16 hash bytes> <request id>: a sealed identifier (sealed mode only).
inline constexpr std::string_view kSealedPrefix = "e/";

// The key of the sealed identifier (kind, hash) of tombstone `request_id`.
std::string SealedKey(std::string_view kind, const Hash128& hash, std::string_view request_id);
// Splits what follows kSealedPrefix; false when malformed.
bool SplitSealedKey(std::string_view key, std::string_view* kind, Hash128* hash,
                    std::string_view* request_id);
// A sealed record's value: version byte, then SealingKey::Seal's output.
std::string EncodeSealed(std::string_view sealed);
bool DecodeSealed(std::string_view value, std::string_view* sealed);

// Append-only writer.
class Writer {
 public:
  void Byte(unsigned char b) { out_.push_back(static_cast<char>(b)); }
  void Varint(std::uint64_t v);
  void Signed(std::int64_t v) {  // zigzag
    Varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void Bytes(std::string_view s) { out_.append(s); }
  void String(std::string_view s) { Varint(s.size()); Bytes(s); }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Bounds-checked reader: every getter returns false once the input is short or malformed.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Byte(unsigned char* b);
  bool Varint(std::uint64_t* v);
  bool Signed(std::int64_t* v);
  bool Bytes(std::size_t n, std::string_view* s);
  bool String(std::string* s);
  bool Done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

std::string EncodeTombstone(const Tombstone& t);
bool DecodeTombstone(std::string_view request_id, std::string_view value, Tombstone* t);

std::string EncodeBackup(const BackupRecord& b);
bool DecodeBackup(std::string_view id, std::string_view value, BackupRecord* b);

// Receipts are keyed by their sequence number in big-endian, so they iterate in order.
std::string ReceiptKey(std::uint64_t seq);
std::string EncodeReceipt(const ReceiptEntry& r);
bool DecodeReceipt(std::uint64_t seq, std::string_view value, ReceiptEntry* r);
// The bytes a receipt's MAC covers: "tombstone receipt v<mac_version>", seq, time, body and
// the previous MAC. Version 1: receipts written before the head was authenticated; version 2:
// since (docs/store-format.md).
std::string ReceiptMacInput(const ReceiptEntry& r, int mac_version);

// The receipts head (m/receipts_head): the last receipt's seq and MAC, then (since heads are
// authenticated) the head's own MAC over HeadMacInput. A head without it is an older store's.
struct ReceiptsHead {
  std::uint64_t seq = 0;
  std::string last_mac;
  std::optional<std::string> mac;  // nullopt: an unauthenticated head of an older version
};
std::string EncodeReceiptsHead(const ReceiptsHead& h);
bool DecodeReceiptsHead(std::string_view value, ReceiptsHead* h);
std::string HeadMacInput(std::uint64_t seq, std::string_view last_mac);

unsigned char NormalizerCode(Normalizer n);
bool NormalizerFromCode(unsigned char code, Normalizer* n);

}  // namespace tombstones::coding

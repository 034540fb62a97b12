// The tombstone store: the one public header of the tombstones/ library.
//
// A tombstone records one erasure: a request id, the keyed hashes of the erased subject's
// identifiers, when it was erased, and an optional legal hold. The store keeps tombstones, the
// backup catalog and the hash-chained receipts log in one RocksDB directory; no identifier is
// ever kept in the clear (docs/store-format.md has the layout and the hashing rules).
//
// Errors are returned by value (Status, Result<T>); nothing here throws. Every Status carries
// the exit code the program reports for it (docs/exit-codes.md).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tombstones {

// ---------------------------------------------------------------------------------------------
// Errors and exit codes. The numbers are a public contract: runbooks branch on them.
enum class ExitCode : int {
  kOk = 0,           // done and clean
  kFailed = 1,       // failed, nothing changed (rolled back)
  kUsage = 2,        // usage or configuration error
  kResidue = 3,      // tombstoned subjects remain
  kStoreError = 4,   // store missing, locked, corrupt, or wrong key
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return {}; }
  static Status Failed(std::string message, std::string hint = {}) {
    return {ExitCode::kFailed, std::move(message), std::move(hint)};
  }
  static Status Usage(std::string message, std::string hint = {}) {
    return {ExitCode::kUsage, std::move(message), std::move(hint)};
  }
  static Status Residue(std::string message, std::string hint = {}) {
    return {ExitCode::kResidue, std::move(message), std::move(hint)};
  }
  static Status StoreError(std::string message, std::string hint = {}) {
    return {ExitCode::kStoreError, std::move(message), std::move(hint)};
  }

  bool ok() const { return code_ == ExitCode::kOk; }
  ExitCode code() const { return code_; }
  // "unable to <verb> '<object>': <cause>", lowercase, no final period.
  const std::string& message() const { return message_; }
  // An optional next step for the operator; empty when there is none.
  const std::string& hint() const { return hint_; }

 private:
  Status(ExitCode code, std::string message, std::string hint)
      : code_(code), message_(std::move(message)), hint_(std::move(hint)) {}
  ExitCode code_ = ExitCode::kOk;
  std::string message_;
  std::string hint_;
};

// A value or the Status that explains why there is none. REQUIRES: ok() before value().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}     // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

// ---------------------------------------------------------------------------------------------
// Time: microseconds since the Unix epoch, UTC. Text form is RFC 3339.
using Micros = std::int64_t;
// The times the store accepts: years 0000 to 9999, what RFC 3339 can write. A time from
// outside (a date, epoch seconds in a backup listing) beyond them is refused, never wrapped.
inline constexpr Micros kMinTime = -62167219200LL * 1000000;  // 0000-01-01T00:00:00Z
// 9999-12-31T23:59:59.999999Z
inline constexpr Micros kMaxTime = 253402300799LL * 1000000 + 999999;
Micros Now();
// Accepts "2026-01-31T12:00:00Z", fractional seconds, and "+02:00"-style offsets; a bare date
// "2026-01-31" means midnight UTC. kUsage for anything else, or a time outside kMinTime and
// kMaxTime; the message says what is wrong without quoting the text.
Result<Micros> ParseTime(std::string_view text);
// "2026-01-31T12:00:00Z" (fraction only when non-zero).
std::string FormatTime(Micros t);

// ---------------------------------------------------------------------------------------------
// Identifiers: KIND:VALUE. Each kind has a normalizer, recorded in the store the first time the
// kind is used, so that every later value of that kind is normalized the same way.
enum class Normalizer { kExact, kEmail, kDigits };
std::string_view NormalizerName(Normalizer n);
Result<Normalizer> ParseNormalizer(std::string_view name);
// The normalizer a kind gets when first used: "email" -> email, "phone"/"digits" -> digits,
// anything else -> exact.
Normalizer DefaultNormalizerFor(std::string_view kind);
// Writes the normalized form of `raw` into *out (reusing its capacity). Returns false when
// nothing is left (an empty or blank value, or an invalid UTF-8 email). Thread-safe.
bool Normalize(Normalizer n, std::string_view raw, std::string* out);
// A kind name is 1..64 of [a-z0-9_-].
bool IsValidKindName(std::string_view kind);

// 128-bit keyed hash of (kind, normalized value): SipHash-2-4 with 128-bit output.
struct Hash128 {
  std::array<unsigned char, 16> bytes{};
  bool operator==(const Hash128&) const = default;
  auto operator<=>(const Hash128&) const = default;
  std::string Hex() const;
  // The first 12 hex digits: enough to tell tombstones apart in listings.
  std::string Prefix() const { return Hex().substr(0, 12); }
  std::uint64_t Low64() const;  // for hash tables
};

// The secret key (32 bytes) in its own file, mode 0600, never printed.
class Key {
 public:
  // Fails with kStoreError when the file is missing, unreadable, a symbolic link, not a
  // regular file, owned by someone other than the running user or root, readable by group or
  // others, or not 64 hex digits. The checks are made on the opened file itself; the buffers
  // that held the key's text and bytes are zeroed.
  static Result<Key> Load(const std::string& path);
  // Writes a new random key to `path` (mode 0600). Refuses to overwrite an existing file or to
  // write through a symbolic link.
  static Result<Key> Generate(const std::string& path);
  // For tests and benchmarks: a key from 32 raw bytes.
  static Key FromBytes(const std::array<unsigned char, 32>& bytes);

  // Hash of an already normalized value. Thread-safe, allocation-free.
  Hash128 HashIdentifier(std::string_view kind, std::string_view normalized) const;
  // Hash with the kind prefix prepared once, for the replay scan.
  class KindHasher {
   public:
    Hash128 Hash(std::string_view normalized) const;
   private:
    friend class Key;
    KindHasher(const Key& key, std::string_view kind);
    std::array<unsigned char, 16> hash_key_;
    std::string prefix_;  // kind + '\0'
  };
  KindHasher ForKind(std::string_view kind) const { return KindHasher(*this, kind); }

  // Keyed pseudonym for the anonymize strategy "hash" (docs/store-format.md, "Pseudonyms"):
  // "tsp1" and 32 lowercase hex digits, a function of (kind, value) under this key, stable
  // forever. For a column that is a match source, `kind` is its kind and `value` the normalized
  // identifier, so that one subject gets one pseudonym per kind everywhere; otherwise `kind` is
  // empty and `value` the column's text.
  std::string Pseudonym(std::string_view kind, std::string_view value) const;
  static constexpr std::size_t kPseudonymLength = 36;
  // Whether `text` is a pseudonym this key produced (its tag checks): how a value already
  // anonymized is recognized, so that anonymizing twice changes nothing. A lookalike (an md5 of
  // the address, another key's pseudonym) is not one.
  bool IsPseudonym(std::string_view text) const;
  // Public fingerprint, stored in the store to refuse a wrong key. Hex, 64 digits.
  const std::string& Fingerprint() const { return fingerprint_; }
  // Key for MACs over receipts (derived, never the identifier-hash key).
  const std::array<unsigned char, 32>& ReceiptKey() const { return receipt_key_; }

 private:
  Key() = default;
  void Derive(const std::array<unsigned char, 32>& master);
  std::array<unsigned char, 16> hash_key_{};
  std::array<unsigned char, 32> receipt_key_{};
  std::array<unsigned char, 32> pseudonym_key_{};
  std::string fingerprint_;
};

// The sealing key: a second secret (32 bytes in its own file, mode 0600, the same checks as Key)
// with which a store in sealed mode keeps each erased identifier encrypted, so that replay can
// look subjects up by value (docs/security.md, "Sealed identifiers"). It may live apart from the
// hashing key; destroying it returns the store to hash-only. Never printed.
class SealingKey {
 public:
  // As Key::Load and Key::Generate (messages name the "sealing key file").
  static Result<SealingKey> Load(const std::string& path);
  static Result<SealingKey> Generate(const std::string& path);
  // For tests: a key from 32 raw bytes.
  static SealingKey FromBytes(const std::array<unsigned char, 32>& bytes);
  SealingKey(const SealingKey&) = default;
  SealingKey& operator=(const SealingKey&) = default;
  ~SealingKey();  // zeroes the derived key

  // Encrypts a normalized identifier for the record of (kind, hash): XChaCha20-Poly1305-IETF
  // with a random 24-byte nonce, the additional data binding it to the kind and the keyed hash.
  // Returns nonce || ciphertext || tag (40 bytes more than `normalized`). Thread-safe.
  std::string Seal(std::string_view kind, const Hash128& hash, std::string_view normalized) const;
  // Decrypts what Seal made for the same (kind, hash) into *normalized. false (and *normalized
  // cleared) when it was sealed under another key, for another (kind, hash), or changed.
  bool Open(std::string_view kind, const Hash128& hash, std::string_view sealed,
            std::string* normalized) const;
  // Public fingerprint, recorded by a sealed store to refuse a wrong sealing key. Hex, 64
  // digits; derived under another context than Key's, so the two never coincide.
  const std::string& Fingerprint() const { return fingerprint_; }

 private:
  SealingKey() = default;
  void Derive(const std::array<unsigned char, 32>& master);
  std::array<unsigned char, 32> aead_key_{};
  std::string fingerprint_;
};

// ---------------------------------------------------------------------------------------------
// Records.
struct IdentifierHash {
  std::string kind;
  Normalizer normalizer = Normalizer::kExact;
  Hash128 hash;
  // Sealed mode only: SealingKey::Seal(kind, hash, normalized value), which Store::Add keeps
  // beside the tombstone (never in it). Empty otherwise, and in tombstones read back. Not part
  // of an identifier's identity: equality ignores it.
  std::string sealed;
  bool operator==(const IdentifierHash& o) const {
    return kind == o.kind && normalizer == o.normalizer && hash == o.hash;
  }
};

struct Tombstone {
  std::string request_id;                  // 1..200 printable characters, chosen by the caller
  std::vector<IdentifierHash> identifiers; // at least one; sorted by (kind, hash) when stored
  Micros erased_at = 0;
  Micros recorded_at = 0;
  std::optional<std::string> hold_reason;  // set while on legal hold
  Micros held_at = 0;
  std::string note;
};

// One backup that may still hold erased subjects.
struct BackupRecord {
  std::string id;
  std::string source;                   // "manual", "pgbackrest", "barman", "walg"
  Micros taken_at = 0;                  // when the backup's data was read (its start)
  std::optional<Micros> expires_at;     // forecast; empty when unknown
  std::string retention;                // how expires_at was forecast, for people
};

// One entry of the append-only, hash-chained receipts log.
struct ReceiptEntry {
  std::uint64_t seq = 0;                // 1, 2, 3, ...
  Micros recorded_at = 0;
  std::string body;                     // the receipt JSON
  std::string prev_mac;                 // hex; 64 zeros for the first entry
  std::string mac;                      // hex keyed BLAKE2b-256 over seq, time, body, prev_mac
};

// Who made a change, and when: kept with every entry of a record's history. `user` is the
// operating-system user of the process that made it (OsUser()); empty means unknown (an event
// known only from a record made before histories were kept).
struct Actor {
  std::string user;
  Micros at = 0;
  static Actor Current();  // OsUser() and Now()
};
// The operating-system user this process runs as: the name of its effective uid ("uid 1001"
// when it has no name); under sudo, "root (sudo from alice)". Never fails.
std::string OsUser();

// One entry of a request id's append-only history: its legal holds and its retraction.
struct HistoryEvent {
  enum class Kind {
    kHold,     // put on hold; `reason` is the hold reason
    kRehold,   // the reason of a running hold changed; the hold keeps its start
    kRelease,  // the hold ended; `reason` says why (may be empty)
    kRetract,  // the tombstone was removed as recorded by mistake; `reason` says why
  };
  std::string request_id;
  Kind kind = Kind::kHold;
  Actor actor;
  std::string reason;
  // kRetract only: the dates of the tombstone removed (its identifier hashes are not kept).
  Micros erased_at = 0;
  Micros recorded_at = 0;
};
// "hold", "re-hold", "release", "retract".
std::string_view HistoryKindName(HistoryEvent::Kind kind);

// A backup entry removed from the catalog as recorded by mistake, kept as a record.
struct BackupRemoval {
  BackupRecord backup;  // the entry as it was
  Actor actor;
  std::string reason;
};

// When one source of the backup catalog was last imported: the tool and, for pgBackRest and
// Barman, the stanza or server (`scope`; empty for WAL-G). Source "manual": the last
// 'backups add'.
struct SourceImport {
  std::string source;
  std::string scope;
  Micros imported_at = 0;
};

// The end of the receipts log: how many receipts it holds and the MAC of the last one (64
// zeros when there is none), as 'tombstone receipts head' prints it. Kept outside the store, it
// is an anchor: CheckReceipts checks that the log still holds that receipt with that MAC, so
// that cutting the log back is detected by whoever kept one (docs/compliance.md).
struct ReceiptsAnchor {
  std::uint64_t count = 0;
  std::string digest;  // 64 hex digits
};

// What CheckReceipts verified.
struct ReceiptsCheck {
  ReceiptsAnchor head;              // the log's end
  // false when the head record carries no MAC: a store whose receipts were all written by a
  // version before heads were authenticated (the next receipt appended authenticates it), or a
  // store without receipts.
  bool head_authenticated = false;
};

class RocksStore;
// Sealed identifiers, opened (Store::OpenSealed). Compact for a million: the values sit back to
// back in one buffer (zeroed when the object is destroyed), 32 bytes of index per identifier.
class SealedIdentifiers {
 public:
  struct Kind {
    std::string name;
    Normalizer normalizer = Normalizer::kExact;
    std::uint64_t hashes = 0;  // distinct identifier hashes of this kind in the tombstones
    std::uint64_t sealed = 0;  // how many of them have a sealed identifier (<= hashes)
    // Every hash of this kind can be looked up by value. False for a kind with tombstones
    // recorded before sealed mode was turned on (until they are added again with the key).
    bool complete() const { return sealed == hashes; }
  };
  struct Entry {
    Hash128 hash;
    std::uint32_t kind = 0;    // index into kinds()
    std::uint32_t offset = 0;  // of the value in the buffer
    std::uint32_t size = 0;
  };
  SealedIdentifiers() = default;
  SealedIdentifiers(SealedIdentifiers&&) = default;
  SealedIdentifiers& operator=(SealedIdentifiers&&) = default;
  ~SealedIdentifiers();

  // Every recorded kind, by name (hashes 0: a kind whose tombstones were all retracted).
  const std::vector<Kind>& kinds() const { return kinds_; }
  // One per distinct (kind, hash) that has a sealed identifier, sorted by (kind index, hash).
  const std::vector<Entry>& entries() const { return entries_; }
  // The normalized identifier of `e`. Valid while this object lives.
  std::string_view Value(const Entry& e) const {
    return std::string_view(values_).substr(e.offset, e.size);
  }

 private:
  friend class RocksStore;
  std::vector<Kind> kinds_;
  std::vector<Entry> entries_;
  std::string values_;
};

// Count and hash of the tombstone set (request ids, identifier hashes, erased_at), for receipts.
struct StoreDigest {
  std::uint64_t tombstones = 0;
  std::uint64_t held = 0;
  std::string hash;  // hex BLAKE2b-256
};

// ---------------------------------------------------------------------------------------------
// The store. A Store opened for writing holds the directory's lock; any number of readers may
// open it at the same time (read-only, without the lock). A reader never proceeds on a partial
// view: a missing or damaged file, or fewer tombstones than the store recorded, is kStoreError.
// A Store object is not thread-safe; use one per thread.
class Store {
 public:
  enum class Mode { kRead, kWrite };
  struct Options {
    std::string dir;
    Mode mode = Mode::kRead;
    // When set, the key's fingerprint must match the store's (kStoreError otherwise).
    // Writing commands that hash need it; readers may do without.
    const Key* key = nullptr;
    // How long a writer waits for another writer to release the lock before kStoreError.
    double lock_wait_seconds = 0;
    // When set and the store is in sealed mode, the sealing key's fingerprint must match
    // (kStoreError otherwise); ignored by a store not in sealed mode. A writer adding
    // tombstones to a sealed store needs it (Add).
    const SealingKey* sealing_key = nullptr;
  };

  // Creates a new store at `dir` (which must not exist or be empty) bound to `key`; in sealed
  // mode bound to `sealing_key` too when one is given.
  static Result<std::unique_ptr<Store>> Create(const std::string& dir, const Key& key,
                                               const SealingKey* sealing_key = nullptr);
  // Opens an existing store. kStoreError when missing, locked, corrupt, of a newer format or
  // when the key does not match.
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  virtual ~Store() = default;

  // --- kinds
  // The normalizer recorded for `kind`, or nullopt when the kind was never used.
  virtual Result<std::optional<Normalizer>> KindNormalizer(const std::string& kind) = 0;
  // Every recorded kind and its normalizer.
  virtual Result<std::vector<std::pair<std::string, Normalizer>>> Kinds() = 0;

  // --- tombstones
  enum class AddOutcome { kAdded, kAlreadyPresent };
  // Records tombstones atomically and durably (synced WAL) before returning. All or nothing:
  // if any request id exists with other identifiers (kFailed) nothing is written. Identical
  // re-adds are no-ops. New kinds are recorded with the normalizers given in the tombstones;
  // a kind already recorded with another normalizer is kUsage. Returns one outcome per input.
  // Sealed mode: every identifier must carry its `sealed` form, made with the sealing key the
  // store was opened with (Options::sealing_key), else kUsage and nothing is written; the sealed
  // forms are kept per (kind, hash, request id) in the same write. An identical re-add stores
  // the sealed forms its tombstone lacks (one recorded before sealed mode was turned on).
  // Outside sealed mode the `sealed` fields are ignored.
  virtual Result<std::vector<AddOutcome>> Add(const std::vector<Tombstone>& batch) = 0;
  virtual Result<std::optional<Tombstone>> Get(const std::string& request_id) = 0;
  // Visits every tombstone in request-id order; stop early by returning false.
  virtual Status ForEach(const std::function<bool(const Tombstone&)>& visit) = 0;
  // Hold(reason, Actor::Current()) when `reason` is set, else Release("", Actor::Current()).
  virtual Status SetHold(const std::string& request_id, std::optional<std::string> reason) = 0;
  // The count, the held count and a BLAKE2b hash of every tombstone. When `visit` is given, it
  // also sees each tombstone (in ForEach's order), so that a caller needing both reads the store
  // once.
  virtual Result<StoreDigest> Digest(const std::function<void(const Tombstone&)>& visit = nullptr) = 0;

  // --- legal holds, retractions and their history (docs/store-format.md, "History")
  enum class HoldOutcome { kHeld, kReasonChanged, kUnchanged };
  // Puts a tombstone on legal hold, or changes the reason of its running hold (the hold keeps
  // its start, held_at); the same reason again changes nothing. The tombstone and a history
  // event are written in one synced write. kFailed when the request id is unknown, kUsage for an
  // empty reason.
  virtual Result<HoldOutcome> Hold(const std::string& request_id, const std::string& reason,
                                   const Actor& actor) = 0;
  // Ends a hold, with a history event. kFailed when unknown, kUsage when it is not on hold.
  virtual Status Release(const std::string& request_id, const std::string& reason,
                         const Actor& actor) = 0;
  // Removes a tombstone recorded by mistake and keeps a kRetract event (no identifier hash), and
  // the store's tombstone count, in the same write; its sealed identifiers go in that write too. kFailed when unknown, kUsage for an empty
  // reason or a tombstone on hold (release it first: a hold is evidence).
  virtual Status Retract(const std::string& request_id, const std::string& reason,
                         const Actor& actor) = 0;
  // The history of one request id, oldest first; it outlives a retraction. A tombstone held
  // before histories were kept shows the one event known from its record (user empty).
  virtual Result<std::vector<HistoryEvent>> History(const std::string& request_id) = 0;
  // Visits every recorded history event, by request id then age; stop early by returning false.
  virtual Status ForEachHistoryEvent(const std::function<bool(const HistoryEvent&)>& visit) = 0;

  // --- backup catalog
  virtual Status PutBackups(const std::vector<BackupRecord>& backups) = 0;
  virtual Result<std::vector<BackupRecord>> Backups() = 0;
  // PutBackups and, in the same write, when each of `sources` was imported.
  virtual Status ImportBackups(const std::vector<BackupRecord>& backups,
                               const std::vector<SourceImport>& sources) = 0;
  // The last import of every source recorded (stores made before it was kept have none).
  virtual Result<std::vector<SourceImport>> SourceImports() = 0;
  // Removes a backup entry recorded by mistake and keeps it as a BackupRemoval, in one write.
  // kFailed when there is no such backup, kUsage for an empty reason.
  virtual Status RemoveBackup(const std::string& id, const std::string& reason,
                              const Actor& actor) = 0;
  // Every removal, by backup id then age.
  virtual Result<std::vector<BackupRemoval>> BackupRemovals() = 0;

  // --- receipts log (REQUIRES a key: entries are MACed with it)
  virtual Result<ReceiptEntry> AppendReceipt(const std::string& body) = 0;
  virtual Status ForEachReceipt(const std::function<bool(const ReceiptEntry&)>& visit) = 0;
  // Checks every link and MAC and the recorded head (and the head's own MAC); when `expect` is
  // given, also that the log still holds receipt expect->count with MAC expect->digest.
  // kStoreError naming the first bad entry, a head that does not match, or the anchor missed.
  virtual Result<ReceiptsCheck> CheckReceipts(const std::optional<ReceiptsAnchor>& expect) = 0;
  // CheckReceipts without an anchor.
  virtual Status VerifyReceipts() = 0;

  // --- sealed identifiers (docs/store-format.md, "Sealed identifiers"). Off by default.
  // The sealing key's fingerprint when the store is in sealed mode; nullopt when it is not.
  virtual Result<std::optional<std::string>> SealingFingerprint() = 0;
  // Turns sealed mode on, bound to `sealing_key` (its fingerprint is recorded, never the key).
  // Tombstones already recorded have no sealed identifier (the store never had their values)
  // until they are added again with it. kUsage when sealed mode is already on.
  virtual Status EnableSealing(const SealingKey& sealing_key) = 0;
  // Deletes every sealed identifier and the mode in one synced write, then compacts the whole
  // store so that no table file or log of the directory still holds a ciphertext. Returns how
  // many sealed records were deleted; 0 and nothing done when sealed mode is off. Copies made
  // before (exports, backups of the directory) keep theirs.
  virtual Result<std::uint64_t> DisableSealing() = 0;
  // Opens every sealed identifier with `sealing_key` (whose fingerprint must be the store's:
  // kStoreError otherwise; kUsage when sealed mode is off). Each record is authenticated: one
  // that does not open, that belongs to no tombstone, or a number of records other than the
  // store recorded, is kStoreError, never skipped. The caller checks each value against its
  // hash with the hashing key (Key::HashIdentifier) before trusting it. Memory: the result
  // keeps 32 bytes per distinct (kind, hash) plus the values; while it is built, 32 bytes more
  // per identifier of every tombstone (about 90 MB at peak for a million email addresses).
  // Time: one pass over the tombstones and one over the sealed records.
  virtual Result<SealedIdentifiers> OpenSealed(const SealingKey& sealing_key) = 0;
  // Per kind, how many distinct hashes the tombstones hold and how many have a sealed
  // identifier, without opening anything (no key needed); the values of the result are empty.
  virtual Result<SealedIdentifiers> SealedCoverage() = 0;

  // --- integrity
  struct IntegrityReport {
    std::uint64_t table_files = 0;
    std::uint64_t table_bytes = 0;
    std::uint64_t tombstones = 0;   // counted by reading every record
    bool count_recorded = false;    // false: a store made before the count was kept
    bool sealed_mode = false;
    std::uint64_t sealed = 0;            // sealed records read, each belonging to a tombstone
    bool sealed_authenticated = false;   // each was opened with the sealing key
  };
  // Reads every block of every table file against its checksum, decodes every tombstone and
  // compares their number with the count the store recorded. In sealed mode, also checks that
  // every sealed record belongs to a tombstone and that their number is the one recorded, and,
  // given the sealing key, opens each one. kStoreError naming the problem.
  virtual Result<IntegrityReport> VerifyIntegrity(const SealingKey* sealing_key = nullptr) = 0;

  // --- whole-store copy
  // A consistent checkpoint of the store into `dir` (must not exist), hard-linking where it can.
  virtual Status Checkpoint(const std::string& dir) = 0;

  virtual const std::string& dir() const = 0;
  // The fingerprint of the key the store was created with (64 hex digits, public).
  virtual Result<std::string> Fingerprint() = 0;
};

// The library's version, as recorded in receipts.
std::string_view Version();

}  // namespace tombstones

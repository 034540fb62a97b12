#include "tombstones/history_coding.h"

namespace tombstones::coding {
namespace {

unsigned char KindCode(HistoryEvent::Kind k) {
  switch (k) {
    case HistoryEvent::Kind::kHold: return 1;
    case HistoryEvent::Kind::kRehold: return 2;
    case HistoryEvent::Kind::kRelease: return 3;
    case HistoryEvent::Kind::kRetract: return 4;
  }
  return 0;
}

bool KindFromCode(unsigned char code, HistoryEvent::Kind* k) {
  switch (code) {
    case 1: *k = HistoryEvent::Kind::kHold; return true;
    case 2: *k = HistoryEvent::Kind::kRehold; return true;
    case 3: *k = HistoryEvent::Kind::kRelease; return true;
    case 4: *k = HistoryEvent::Kind::kRetract; return true;
  }
  return false;
}

}  // namespace

std::string SeriesPrefix(std::string_view prefix, std::string_view name) {
  std::string key(prefix);
  key.append(name);
  key.push_back('\0');
  return key;
}

std::string SeriesKey(std::string_view prefix, std::string_view name, std::uint64_t seq) {
  std::string key = SeriesPrefix(prefix, name);
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((seq >> shift) & 0xff));
  return key;
}

bool SplitSeriesKey(std::string_view key, std::string_view* name, std::uint64_t* seq) {
  // The name is everything before the last 9 bytes: a backup id is not checked for 0x00.
  if (key.size() < 10 || key[key.size() - 9] != '\0') return false;
  *name = key.substr(0, key.size() - 9);
  *seq = 0;
  for (unsigned char c : key.substr(key.size() - 8)) *seq = (*seq << 8) | c;
  return true;
}

std::string EncodeHistoryEvent(const HistoryEvent& e) {
  Writer w;
  w.Byte(kValueVersion);
  w.Byte(KindCode(e.kind));
  w.Signed(e.actor.at);
  w.String(e.actor.user);
  w.String(e.reason);
  w.Signed(e.erased_at);
  w.Signed(e.recorded_at);
  return std::move(w.out());
}

bool DecodeHistoryEvent(std::string_view request_id, std::string_view value, HistoryEvent* e) {
  Reader r(value);
  unsigned char version = 0, kind = 0;
  e->request_id.assign(request_id);
  return r.Byte(&version) && version == kValueVersion && r.Byte(&kind) &&
         KindFromCode(kind, &e->kind) && r.Signed(&e->actor.at) && r.String(&e->actor.user) &&
         r.String(&e->reason) && r.Signed(&e->erased_at) && r.Signed(&e->recorded_at) &&
         r.Done();
}

std::string EncodeBackupRemoval(const BackupRemoval& removal) {
  Writer w;
  w.Byte(kValueVersion);
  w.Signed(removal.actor.at);
  w.String(removal.actor.user);
  w.String(removal.reason);
  w.String(EncodeBackup(removal.backup));
  return std::move(w.out());
}

bool DecodeBackupRemoval(std::string_view id, std::string_view value, BackupRemoval* removal) {
  Reader r(value);
  unsigned char version = 0;
  std::string backup;
  return r.Byte(&version) && version == kValueVersion && r.Signed(&removal->actor.at) &&
         r.String(&removal->actor.user) && r.String(&removal->reason) && r.String(&backup) &&
         r.Done() && DecodeBackup(id, backup, &removal->backup);
}

std::string SourceKey(std::string_view source, std::string_view scope) {
  std::string key(kSourcePrefix);
  key.append(source);
  key.push_back('\0');
  key.append(scope);
  return key;
}

std::string EncodeSourceImport(const SourceImport& s) {
  Writer w;
  w.Byte(kValueVersion);
  w.Signed(s.imported_at);
  return std::move(w.out());
}

bool DecodeSourceImport(std::string_view key, std::string_view value, SourceImport* s) {
  const std::size_t zero = key.find('\0');
  if (zero == std::string_view::npos) return false;
  s->source.assign(key.substr(0, zero));
  s->scope.assign(key.substr(zero + 1));
  Reader r(value);
  unsigned char version = 0;
  return r.Byte(&version) && version == kValueVersion && r.Signed(&s->imported_at) && r.Done();
}

}  // namespace tombstones::coding

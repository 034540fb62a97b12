// Keys and values of the store's history records (internal; docs/store-format.md, "History"):
// each request id's holds and retraction, backup entries removed from the catalog, and when each
// catalog source was last imported. Kept apart from coding.h so that each file stays one topic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tombstones/coding.h"

namespace tombstones::coding {

inline constexpr std::string_view kHistoryPrefix = "h/";        // h/<request id> 0x00 <seq>
inline constexpr std::string_view kBackupRemovalPrefix = "d/";  // d/<backup id> 0x00 <seq>
inline constexpr std::string_view kSourcePrefix = "s/";         // s/<source> 0x00 <scope>

// "<prefix><name>\0": every record of one name, in sequence order. A request id never holds
// 0x00 (control characters are refused), so one name's records are one contiguous range.
std::string SeriesPrefix(std::string_view prefix, std::string_view name);
// SeriesPrefix followed by `seq` in 8 big-endian bytes.
std::string SeriesKey(std::string_view prefix, std::string_view name, std::uint64_t seq);
// Splits a key with its type prefix removed ("<name>\0<seq>") into name and sequence number.
bool SplitSeriesKey(std::string_view key, std::string_view* name, std::uint64_t* seq);

std::string EncodeHistoryEvent(const HistoryEvent& e);
bool DecodeHistoryEvent(std::string_view request_id, std::string_view value, HistoryEvent* e);

std::string EncodeBackupRemoval(const BackupRemoval& r);
bool DecodeBackupRemoval(std::string_view id, std::string_view value, BackupRemoval* r);

std::string SourceKey(std::string_view source, std::string_view scope);
std::string EncodeSourceImport(const SourceImport& s);
// `key` without its type prefix.
bool DecodeSourceImport(std::string_view key, std::string_view value, SourceImport* s);

}  // namespace tombstones::coding

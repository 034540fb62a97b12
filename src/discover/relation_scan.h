// The per-value work of discover on one relation: its binary COPY stream, read row by row; each
// value (array element, json leaf, email-shaped token) normalized and hashed with every kind
// that reads its type, and looked up among the tombstones; what is found counted per place.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "src/discover/discover.h"
#include "src/discover/json_leaves.h"
#include "src/match/tombstone_table.h"
#include "src/match/value_types.h"
#include "src/pg/copy_binary.h"

namespace tombstone::discover {

// A kind of the store, ready to probe with.
struct Probe {
  std::string kind;
  tombstones::Normalizer normalizer;
  tombstones::Key::KindHasher hasher;
};

// A column that can hold an identifier, and the kinds that read its type.
struct Candidate {
  std::string name, type;
  match::SourceType source;
  pg::Wire wire = pg::Wire::kText;
  std::vector<std::size_t> probes;  // indices into the store's kinds
};

// Not thread-safe. `tombstones`, `probes` and `options` must outlive the scan.
class RelationScan {
 public:
  // `candidates`: the columns of the COPY, in its order; `base`: the relation's place, copied
  // into each place found.
  RelationScan(const match::TombstoneTable& tombstones, const std::vector<Probe>& probes,
               std::vector<Candidate> candidates, const Options& options, Place base);

  // One binary COPY message. After a malformed one (error()), does nothing more.
  void Add(std::string_view message);
  // After the last message: the places with something found, in column and path order.
  std::vector<Place> Finish() const;

  // Empty, or what was malformed in the stream.
  const std::string& error() const { return error_; }
  std::uint64_t scanned() const { return scanned_; }

 private:
  struct Found {
    std::set<std::string> kinds;
    std::uint64_t rows = 0, held_rows = 0;
    std::uint64_t last_row = 0, last_held_row = 0;  // a row counts once per place
    std::set<std::uint32_t> requests;
    bool truncated = false;
  };

  // Hashes `value` with each kind of `probes`, looks each hash up and counts what is found at
  // the place (`column`, `path`, `tokens`).
  void Match(std::uint32_t column, std::string_view path, bool tokens, std::string_view value,
             const std::vector<std::size_t>& probes);

  const match::TombstoneTable& tombstones_;
  const std::vector<Probe>& probes_;
  std::vector<Candidate> candidates_;
  std::vector<std::vector<std::size_t>> email_probes_;  // per candidate, for --tokens
  const Options& options_;
  Place base_;
  pg::CopyBinaryRows rows_;
  JsonLeafReader json_;
  // Per candidate (index 2 * column + tokens), by json path ("" outside json).
  std::vector<std::map<std::string, Found, std::less<>>> found_;
  std::string normalized_, text_, error_;
  std::uint64_t scanned_ = 0;
};

}  // namespace tombstone::discover

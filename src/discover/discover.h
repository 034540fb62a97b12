// Where erased subjects still appear, mapped or not: every table, partition and materialized
// view of a database is read once (one binary COPY of the columns that can hold an identifier),
// every value (each array element, each string and number inside json) is normalized with every
// kind of the store that reads its type, hashed and looked up among the tombstones. The store
// holds only keyed hashes: this is the one way to ask "where else is this erased person?" without
// the identifiers. Reports places and counts, never a value.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/pg/session.h"
#include "src/replay/scan.h"
#include "src/match/tombstone_table.h"

namespace tombstone::discover {

struct Options {
  std::vector<std::string> schemas;  // empty: every schema but the system ones
  // Also look for email-shaped tokens inside text (a note that mentions an address in a
  // sentence), for the kinds normalized as email.
  bool tokens = false;
  std::size_t request_ids = 10;  // request ids listed per place; 0: all
};

// What the data map covers: per relation (a partition counts as its partitioned table), the
// columns a match source reads.
struct Coverage {
  std::map<std::uint32_t, std::set<std::string>> columns;
  bool Covers(std::uint32_t relation, const std::string& column) const;
};

// One place holding tombstoned subjects: a column, a path inside a json column, or the tokens of
// a text column.
struct Place {
  std::string schema, table;  // the relation read (a partition or a child: its own name)
  std::uint32_t relation = 0;
  std::uint32_t root = 0;           // the partitioned table of a partition, else `relation`
  std::string root_display;
  std::string column, type;
  std::string path;                 // inside json: "contact.email", "emails[]"; else empty
  bool tokens = false;              // found as an email-shaped token inside the text
  std::set<std::string> kinds;      // the kinds that matched here
  std::uint64_t rows_scanned = 0;   // of the relation
  std::uint64_t rows_found = 0;     // rows with a tombstoned subject here (not on hold)
  std::uint64_t rows_held = 0;      // rows whose subject here is on legal hold
  std::vector<std::string> requests;
  bool requests_truncated = false;
  bool covered = false;             // the data map has a match source here
  std::string Display() const;      // "public.events.payload.contact.email"
};

struct Report {
  std::vector<Place> places;  // with rows found or held, in relation and column order
  std::uint64_t relations = 0, columns = 0, rows = 0;
};

// Reads every relation of the session's database (in the schemas of `options`). `coverage` may be
// null (no map: nothing is covered).
Result<Report> Discover(pg::Session& session, const match::TombstoneTable& tombstones,
                        const tombstones::Key& key, const Coverage* coverage,
                        const Options& options, replay::Progress& progress);

}  // namespace tombstone::discover

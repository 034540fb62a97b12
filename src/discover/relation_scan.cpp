#include "src/discover/relation_scan.h"

#include <cctype>

#include "src/match/kind_matcher.h"

namespace tombstone::discover {
namespace {

using match::TombstoneTable;

bool Delimiter(unsigned char c) {
  return std::isspace(c) || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' ||
         c == '{' || c == '}' || c == ',' || c == ';' || c == ':' || c == '"' || c == '\'' ||
         c == '`';
}

// Calls `token` for every email-shaped word of `text`: characters around an '@' up to a space
// or punctuation, trailing dots removed.
template <typename F>
void ForEachEmailToken(std::string_view text, F&& token) {
  std::size_t at = 0;
  while ((at = text.find('@', at)) != std::string_view::npos) {
    std::size_t begin = at, end = at + 1;
    while (begin > 0 && !Delimiter(static_cast<unsigned char>(text[begin - 1]))) --begin;
    while (end < text.size() && !Delimiter(static_cast<unsigned char>(text[end]))) ++end;
    std::string_view word = text.substr(begin, end - begin);
    while (!word.empty() && word.back() == '.') word.remove_suffix(1);
    if (word.front() != '@' && word.back() != '@' && word.find('@') == word.rfind('@')) token(word);
    at = end;
  }
}

}  // namespace

RelationScan::RelationScan(const TombstoneTable& tombstones, const std::vector<Probe>& probes,
                           std::vector<Candidate> candidates, const Options& options, Place base)
    : tombstones_(tombstones),
      probes_(probes),
      candidates_(std::move(candidates)),
      options_(options),
      base_(std::move(base)),
      found_(2 * candidates_.size()) {
  for (const Candidate& c : candidates_) {
    email_probes_.emplace_back();
    for (std::size_t p : c.probes)
      if (probes_[p].normalizer == tombstones::Normalizer::kEmail)
        email_probes_.back().push_back(p);
  }
}

void RelationScan::Add(std::string_view message) {
  if (!error_.empty()) return;
  const auto got = rows_.Next(message);
  if (got == pg::CopyBinaryRows::Got::kMalformed) error_ = rows_.error();
  if (got != pg::CopyBinaryRows::Got::kRow) return;
  if (rows_.size() != candidates_.size()) {
    error_ = "malformed binary COPY data: a row of another width";
    return;
  }
  ++scanned_;
  for (std::uint32_t c = 0; c < candidates_.size(); ++c) {
    if (rows_.Null(c)) continue;
    const Candidate& column = candidates_[c];
    const std::string_view raw = rows_.Raw(c);
    if (column.source.value == match::ValueClass::kJson) {
      if (!json_.ForEach(raw, [&](std::string_view path, std::string_view value) {
            Match(c, path, false, value, column.probes);
          })) {
        // PostgreSQL sends only valid JSON, and the reader reads all of it: a value it refuses
        // would hide the leaves after the error, so the relation fails rather than say nothing.
        error_ = "malformed binary COPY data: a value of column '" + column.name +
                 "' that is not valid JSON";
        return;
      }
    } else if (column.source.array) {
      pg::BinaryTextArray elements;
      std::string_view element;
      if (!elements.Open(raw)) {
        error_ = "malformed binary COPY data: an array of column '" + column.name + "'";
        return;
      }
      while (elements.Next(&element)) Match(c, {}, false, element, column.probes);
    } else if (column.wire == pg::Wire::kText) {
      Match(c, {}, false, raw, column.probes);
      if (options_.tokens && column.source.value == match::ValueClass::kText)
        ForEachEmailToken(
            raw, [&](std::string_view token) { Match(c, {}, true, token, email_probes_[c]); });
    } else {
      text_.clear();
      if (!pg::AppendAsText(column.wire, raw, &text_)) {
        error_ = "malformed binary COPY data: an integer of column '" + column.name + "'";
        return;
      }
      Match(c, {}, false, text_, column.probes);
    }
  }
}

void RelationScan::Match(std::uint32_t column, std::string_view path, bool tokens,
                         std::string_view value, const std::vector<std::size_t>& probes) {
  for (std::size_t p : probes) {
    const Probe& probe = probes_[p];
    const auto hash = match::ProbeHash(probe.normalizer, probe.hasher, value, &normalized_);
    if (!hash) continue;
    const std::uint32_t t = tombstones_.Find(*hash);
    if (t == TombstoneTable::kNone) continue;
    // Found: rare, so the place is looked up by its path only now, without a copy of it.
    auto& places = found_[2 * column + (tokens ? 1 : 0)];
    auto at = places.find(path);
    if (at == places.end()) at = places.emplace(std::string(path), Found{}).first;
    Found& found = at->second;
    found.kinds.insert(probe.kind);
    if (tombstones_.held(t)) {
      if (found.last_held_row != scanned_) ++found.held_rows, found.last_held_row = scanned_;
      continue;
    }
    if (found.last_row != scanned_) ++found.rows, found.last_row = scanned_;
    if (options_.request_ids == 0 || found.requests.size() < options_.request_ids)
      found.requests.insert(t);
    else if (found.requests.count(t) == 0)
      found.truncated = true;
  }
}

std::vector<Place> RelationScan::Finish() const {
  std::vector<Place> out;
  for (std::size_t i = 0; i < found_.size(); ++i)
    for (const auto& [path, found] : found_[i]) {
      Place place = base_;
      const Candidate& column = candidates_[i / 2];
      place.column = column.name;
      place.type = column.type;
      place.path = path;
      place.tokens = i % 2 == 1;
      place.kinds = found.kinds;
      place.rows_scanned = scanned_;
      place.rows_found = found.rows;
      place.rows_held = found.held_rows;
      for (std::uint32_t t : found.requests) place.requests.emplace_back(tombstones_.request_id(t));
      place.requests_truncated = found.truncated;
      out.push_back(std::move(place));
    }
  return out;
}

}  // namespace tombstone::discover

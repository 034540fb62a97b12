#include "src/replay/set_check.h"

#include "src/match/redact.h"

#include <set>

#include "src/pg/sql_names.h"

namespace tombstone::replay {
namespace {

using Strategy = AnonymizeSet::Strategy;

// The server's text form of `value` cast to the column's type, or a usage error naming the
// line. A string type must hold the value whole (an explicit cast would silently cut it).
Result<std::string> Cast(pg::Session& session, const DataMap& map, int line,
                         const std::string& what, const std::string& value,
                         const pg::Column& column) {
  const std::string query = "cast " + what;
  auto row = session.Query(query, "SELECT ($1::text)::" + column.type + "::text", {value},
                           pg::Shape::kOneRow, tombstones::ExitCode::kUsage);
  const std::string fails = what + " does not fit type '" + column.type + "'";
  if (!row.ok()) {
    // The server's reason names the map's own value (never a row's): worth showing.
    const std::string message = row.status().message();
    const std::size_t colon = message.find(": ");
    return MapError(map, line,
                    fails + (colon == std::string::npos ? "" : ": " + message.substr(colon + 2)));
  }
  std::string text = row.value()[0][0].c_str();
  if (column.category == 'S' && text != value)
    return MapError(map, line, fails + ": it would be cut to '" + text + "'");
  return text;
}

const pg::UniqueIndex* UniqueIndexOver(const pg::Relation& r, const std::string& column,
                                       bool only_nulls_not_distinct) {
  for (const pg::UniqueIndex& index : r.unique_indexes) {
    if (only_nulls_not_distinct && !index.nulls_not_distinct) continue;
    for (const std::string& c : index.columns)
      if (c == column) return &index;
  }
  return nullptr;
}

}  // namespace

Status MapError(const DataMap& map, int line, const std::string& cause) {
  return Status::Usage("unable to use data map '" + map.path + "': line " + std::to_string(line) +
                           ": " + cause,
                       "nothing was changed and no fence was raised; docs/data-map.md and "
                       "docs/replay.md (\"What replay refuses, and why\")");
}

// One table for replay and the exports (src/match/redact.h).
std::string RedactMarker(const pg::Column& c) { return match::RedactMarker(c.category, c.type); }

Status CheckSet(pg::Session& session, const DataMap& map, const pg::Relation& r,
                const AnonymizeSet& set, SetTarget* target) {
  const pg::Column* c = r.Find(set.column);
  const std::string where = "column '" + set.column + "' of table '" + r.Display() + "'";
  const int line = set.line;
  if (c == nullptr) return MapError(map, line, where + " does not exist");
  for (const std::string& key : r.primary_key)
    if (key == set.column) return MapError(map, line, where + " is part of the primary key");
  if (c->generated)
    return MapError(map, line,
                    where + " is generated (GENERATED ALWAYS AS ... STORED): the server computes "
                            "it and refuses to write it; set the columns it is computed from");
  if (c->identity_always)
    return MapError(map, line, where + " is GENERATED ALWAYS AS IDENTITY: it cannot be written");
  target->column = set.column;
  target->type = c->type;
  target->strategy = set.strategy;
  const std::string constant_hint =
      ": every anonymized row would get the same value, and the index allows it once; use "
      "'hash' (a pseudonym per value) or 'null'";
  switch (set.strategy) {
    case Strategy::kNull:
      if (c->not_null)
        return MapError(map, line, where + " is NOT NULL: strategy 'null' cannot be stored");
      if (const pg::UniqueIndex* u = UniqueIndexOver(r, set.column, true))
        return MapError(map, line,
                        "strategy 'null' for " + where + " collides in unique index '" + u->name +
                            "' (NULLS NOT DISTINCT): use 'hash'");
      return Status::Ok();
    case Strategy::kRedact: {
      if (const pg::UniqueIndex* u = UniqueIndexOver(r, set.column, false))
        return MapError(map, line,
                        "strategy 'redact' for " + where + " is under unique index '" + u->name +
                            "'" + constant_hint);
      const std::string marker = RedactMarker(*c);
      if (marker.empty())
        return MapError(map, line,
                        "strategy 'redact' has no marker for type '" + c->type + "' of " + where +
                            "; use 'null' or a quoted literal");
      auto value = Cast(session, map, line, "the redact marker for " + where, marker, *c);
      if (!value.ok()) return value.status();
      target->value = value.value();
      return Status::Ok();
    }
    case Strategy::kHash: {
      if (c->category != 'S')
        return MapError(map, line,
                        "strategy 'hash' needs a text column, but " + where + " is '" + c->type +
                            "'");
      const std::string sample(tombstones::Key::kPseudonymLength, 'f');
      auto value = Cast(session, map, line,
                        "a " + std::to_string(sample.size()) + "-character pseudonym for " + where,
                        sample, *c);
      return value.ok() ? Status::Ok() : value.status();
    }
    case Strategy::kLiteral: {
      if (const pg::UniqueIndex* u = UniqueIndexOver(r, set.column, false))
        return MapError(map, line,
                        "the literal for " + where + " is under unique index '" + u->name + "'" +
                            constant_hint);
      auto value = Cast(session, map, line, "the literal for " + where, set.literal, *c);
      if (!value.ok()) return value.status();
      target->value = value.value();
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status CheckSourcesChanged(const DataMap& map, const TablePlan& plan) {
  // The columns an anonymize changes: those it sets, and generated columns computed from them.
  std::set<std::string> changed;
  for (const SetTarget& set : plan.sets) changed.insert(set.column);
  for (const pg::Column& c : plan.relation.columns)
    for (const std::string& from : c.generated_from)
      if (changed.count(from) > 0) changed.insert(c.name);
  for (const KeySource& source : plan.sources) {
    if (source.kept()) continue;
    const MatchSource& m = *source.map;
    bool covered = false;
    if (!m.column.empty()) {
      covered = changed.count(m.column) > 0;
    } else {
      for (const std::string& name : pg::NamesIn(m.expr))
        if (changed.count(name) > 0 && plan.relation.Find(name) != nullptr) covered = true;
    }
    if (!covered)
      return MapError(
          map, m.line,
          "anonymize of table '" + plan.Display() + "' leaves " + source.Describe() +
              " as it is, so the erased identifier would stay in the clear: add " +
              (m.column.empty() ? "a column it reads" : "'" + m.column + "'") +
              " to 'set' (e.g. = \"hash\"), or say why it may stay with keep = \"reason\" on "
              "this match entry (the receipt records it)");
  }
  return Status::Ok();
}

}  // namespace tombstone::replay

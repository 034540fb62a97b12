#include "src/replay/table_plan.h"

#include <map>

namespace tombstone::replay {
namespace {

using Strategy = AnonymizeSet::Strategy;

class Checker {
 public:
  Checker(pg::Session& session, const DataMap& map) : session_(session), map_(map) {}

  Status At(int line, const std::string& cause) const {
    return Status::Usage("unable to use data map '" + map_.path + "': line " +
                         std::to_string(line) + ": " + cause);
  }

  // The server's text form of `value` cast to the column's type, or a usage error naming the
  // line. A string type must hold the value whole (an explicit cast would silently cut it).
  Result<std::string> Cast(int line, const std::string& what, const std::string& value,
                           const pg::Column& column) {
    const std::string query = "cast " + what;
    auto row = session_.Query(query, "SELECT ($1::text)::" + column.type + "::text", {value},
                              pg::Shape::kOneRow, tombstones::ExitCode::kUsage);
    const std::string fails = what + " does not fit type '" + column.type + "'";
    if (!row.ok()) return At(line, fails + ": " + Cause(row.status(), query));
    std::string text = row.value()[0][0].c_str();
    if (column.category == 'S' && text != value)
      return At(line, fails + ": it would be cut to '" + text + "'");
    return text;
  }

  // The server's message without the "unable to <what>: " this session put in front of it.
  static std::string Cause(const Status& s, const std::string& what) {
    const std::string prefix = "unable to " + what + ": ";
    const std::string& m = s.message();
    return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m;
  }

  pg::Session& session_;
  const DataMap& map_;
};

// The fixed marker 'redact' writes into a column of this type; empty when there is none.
std::string RedactMarker(const pg::Column& c) {
  switch (c.category) {
    case 'S':
      return "[redacted]";
    case 'N':
      return "0";
    case 'B':
      return "false";
    case 'T':
      return "0";
    case 'I':
      return "0.0.0.0";
    case 'D':
      if (c.type == "date") return "1970-01-01";
      if (c.type.rfind("time ", 0) == 0 || c.type.rfind("time(", 0) == 0) return "00:00:00";
      return "1970-01-01 00:00:00+00";
    default:
      if (c.type == "uuid") return "00000000-0000-0000-0000-000000000000";
      if (c.type == "json" || c.type == "jsonb") return "{}";
      return "";
  }
}

Status CheckSet(Checker& check, const pg::Relation& r, const AnonymizeSet& set, SetTarget* target) {
  const pg::Column* c = r.Find(set.column);
  const std::string where = "column '" + set.column + "' of table '" + r.Display() + "'";
  if (c == nullptr) return check.At(set.line, where + " does not exist");
  for (const std::string& key : r.primary_key)
    if (key == set.column) return check.At(set.line, where + " is part of the primary key");
  target->column = set.column;
  target->type = c->type;
  target->strategy = set.strategy;
  switch (set.strategy) {
    case Strategy::kNull:
      if (c->not_null)
        return check.At(set.line, where + " is NOT NULL: strategy 'null' cannot be stored");
      return Status::Ok();
    case Strategy::kRedact: {
      const std::string marker = RedactMarker(*c);
      if (marker.empty())
        return check.At(set.line, "strategy 'redact' has no marker for type '" + c->type + "' of " +
                                      where + "; use 'null' or a quoted literal");
      auto value = check.Cast(set.line, "the redact marker for " + where, marker, *c);
      if (!value.ok()) return value.status();
      target->value = value.value();
      return Status::Ok();
    }
    case Strategy::kHash: {
      if (c->category != 'S')
        return check.At(set.line, "strategy 'hash' needs a text column, but " + where + " is '" +
                                      c->type + "'");
      const std::string sample(32, 'f');  // a pseudonym is 32 hex digits
      auto value = check.Cast(set.line, "a 32-character pseudonym for " + where, sample, *c);
      return value.ok() ? Status::Ok() : value.status();
    }
    case Strategy::kLiteral: {
      auto value = check.Cast(set.line, "the literal for " + where, set.literal, *c);
      if (!value.ok()) return value.status();
      target->value = value.value();
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Result<TablePlan> PlanTable(Checker& check, pg::Session& session, const DataMap& map,
                            const TableMap& t, const TombstoneSet& tombstones,
                            const tombstones::Key& key, PlanFor plan_for) {
  const std::string name = t.schema + "." + t.name;
  auto found = pg::FindRelation(session, t.schema, t.name);
  if (!found.ok()) return found.status();
  if (!found.value())
    return check.At(t.line, "table '" + name + "' does not exist in the database");
  TablePlan plan;
  plan.map = &t;
  plan.relation = std::move(*found.value());
  const pg::Relation& r = plan.relation;
  if (r.is_partition)
    return check.At(t.line, "table '" + name + "' is a partition: map its partitioned parent");
  plan.quoted = session.QuoteTable(t.schema, t.name);

  if (plan_for == PlanFor::kCounting) {
    // verify changes nothing: no locator to stream
  } else if (!r.primary_key.empty()) {
    for (const std::string& column : r.primary_key) {
      plan.locator.push_back(session.QuoteName(column));
      plan.locator_types.push_back(r.Find(column)->type);
    }
  } else if (r.kind == 'p') {
    plan.locator = {"tableoid", "ctid"};
    plan.locator_types = {"oid", "tid"};
  } else {
    plan.locator = {"ctid"};
    plan.locator_types = {"tid"};
  }
  // The scan streams in COPY's binary format: integers, oids, tids and text as they are stored
  // (read by pg::AppendAsText), every other type through concat(), which prints it with its
  // output function, as COPY's text format would (a ::text cast differs for boolean and inet).
  // character(n) is cast to text so that its padding goes, as in any comparison with text.
  std::vector<std::string> fields;
  const auto add_field = [&](std::string sql, pg::Wire wire) {
    fields.push_back(std::move(sql));
    plan.wires.push_back(wire);
    return static_cast<int>(fields.size() - 1);
  };
  const auto add_column = [&](const std::string& column, const std::string& type) {
    const std::string quoted = session.QuoteName(column);
    if (type == "bigint") return add_field(quoted, pg::Wire::kInt8);
    if (type == "integer") return add_field(quoted, pg::Wire::kInt4);
    if (type == "smallint") return add_field(quoted, pg::Wire::kInt2);
    if (type == "text" || type.rfind("character varying", 0) == 0)
      return add_field(quoted, pg::Wire::kText);
    if (type.rfind("character", 0) == 0)
      return add_field("(" + quoted + ")::text", pg::Wire::kText);
    return add_field("pg_catalog.concat(" + quoted + ")", pg::Wire::kText);
  };
  if (plan_for == PlanFor::kChanges) {
    for (std::size_t i = 0; i < plan.locator.size(); ++i) {
      if (plan.locator[i] == "tableoid")
        add_field("tableoid", pg::Wire::kOid);
      else if (plan.locator[i] == "ctid")
        add_field("ctid", pg::Wire::kTid);
      else
        add_column(r.primary_key[i], plan.locator_types[i]);
    }
  }
  // A column is streamed once, whatever uses it (users.id: locator and match source).
  std::map<std::string, int> streamed;
  if (plan_for == PlanFor::kChanges)
    for (std::size_t i = 0; i < r.primary_key.size(); ++i)
      streamed[r.primary_key[i]] = static_cast<int>(i);
  const auto stream_column = [&](const std::string& column) {
    auto it = streamed.find(column);
    if (it == streamed.end())
      it = streamed.emplace(column, add_column(column, r.Find(column)->type)).first;
    return it->second;
  };

  for (const MatchSource& m : t.match) {
    KeySource source;
    if (!m.column.empty()) {
      if (r.Find(m.column) == nullptr)
        return check.At(m.line, "column '" + m.column + "' of table '" + name + "' does not exist");
      source.field = stream_column(m.column);
    } else {
      const std::string expr = "(" + m.expr + ")::text";
      const std::string query = "run the expression of line " + std::to_string(m.line);
      auto runs = session.Query(query, "SELECT " + expr + " FROM " + plan.quoted + " LIMIT 1", {},
                                pg::Shape::kAnyRows, tombstones::ExitCode::kUsage);
      if (!runs.ok())
        return check.At(m.line, "expression on table '" + name +
                                    "' fails to run: " + Checker::Cause(runs.status(), query));
      source.field = add_field(expr, pg::Wire::kText);
    }
    source.kind = m.kind;
    source.normalizer = map.kinds.at(m.kind);
    auto stored = tombstones.kinds().find(m.kind);
    if (stored != tombstones.kinds().end() && stored->second != source.normalizer)
      return check.At(m.line, "kind '" + m.kind + "' is normalized as '" +
                                  std::string(tombstones::NormalizerName(source.normalizer)) +
                                  "' by the map but as '" +
                                  std::string(tombstones::NormalizerName(stored->second)) +
                                  "' by the store");
    source.hasher = key.ForKind(m.kind);
    plan.sources.push_back(std::move(source));
  }

  if (!t.created_at.empty()) {
    const pg::Column* c = r.Find(t.created_at);
    if (c == nullptr)
      return check.At(t.line,
                      "guard column '" + t.created_at + "' of table '" + name + "' does not exist");
    if (c->type != "date" && c->type.rfind("timestamp", 0) != 0)
      return check.At(t.line, "guard column '" + t.created_at + "' of table '" + name + "' is '" +
                                  c->type + "', not a date or timestamp");
    // Its own field, in the binary form of a date or timestamp; read only for matched rows.
    plan.guard_field = add_field(session.QuoteName(t.created_at),
                                 c->type == "date" ? pg::Wire::kDate : pg::Wire::kTimestamp);
  }

  for (const AnonymizeSet& set : t.set) {
    SetTarget target;
    if (Status s = CheckSet(check, r, set, &target); !s.ok()) return s;
    // In the server's text form (boolean 'false', not 'f'), as the targets were computed.
    target.field = add_field("(" + session.QuoteName(set.column) + ")::text", pg::Wire::kText);
    plan.sets.push_back(std::move(target));
  }

  plan.select = "SELECT ";
  for (std::size_t i = 0; i < fields.size(); ++i) plan.select += (i ? ", " : "") + fields[i];
  plan.select += " FROM " + plan.quoted;
  return plan;
}

}  // namespace

Result<std::vector<TablePlan>> PlanTables(pg::Session& session, const DataMap& map,
                                          const TombstoneSet& tombstones,
                                          const tombstones::Key& key, PlanFor plan_for) {
  Checker check(session, map);
  std::vector<TablePlan> plans;
  for (const TableMap& t : map.tables) {
    auto plan = PlanTable(check, session, map, t, tombstones, key, plan_for);
    if (!plan.ok()) return plan.status();
    plans.push_back(std::move(plan.value()));
  }
  return plans;
}

}  // namespace tombstone::replay

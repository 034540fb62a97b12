#include "src/replay/table_plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "src/replay/set_check.h"

namespace tombstone::replay {
namespace {

// pg_type oids of the guard's types and of the integers streamed natively (fixed forever).
constexpr std::uint32_t kDate = 1082, kTimestamp = 1114, kTimestamptz = 1184;
constexpr std::uint32_t kInt8 = 20, kInt2 = 21, kInt4 = 23;

// The strings and numbers anywhere inside a json value, as text: each is matched on its own.
std::string JsonValues(const std::string& value) {
  return "ARRAY(SELECT v #>> '{}' FROM pg_catalog.jsonb_path_query((" + value +
         ")::jsonb, 'strict $.** ? (@.type() == \"string\" || @.type() == \"number\")') v)";
}

// Builds the SELECT list of one relation's scan: each distinct expression once.
class Fields {
 public:
  int Add(const std::string& sql, pg::Wire wire) {
    const auto known = index_.find(sql);
    if (known != index_.end()) return known->second;
    sql_.push_back(sql);
    wires_.push_back(wire);
    return index_[sql] = static_cast<int>(sql_.size() - 1);
  }
  // A locator column, in a text form that casts back to its type: integers as stored, text as
  // it is, character(n) without its padding, anything else printed by its output function.
  int AddLocator(const std::string& quoted, const std::string& type) {
    if (type == "bigint") return Add(quoted, pg::Wire::kInt8);
    if (type == "integer") return Add(quoted, pg::Wire::kInt4);
    if (type == "smallint") return Add(quoted, pg::Wire::kInt2);
    if (type == "text" || type.rfind("character varying", 0) == 0)
      return Add(quoted, pg::Wire::kText);
    if (type.rfind("character", 0) == 0) return Add("(" + quoted + ")::text", pg::Wire::kText);
    return Add("pg_catalog.concat(" + quoted + ")", pg::Wire::kText);
  }
  std::string Select(const std::string& from) const {
    std::string select = "SELECT ";
    for (std::size_t i = 0; i < sql_.size(); ++i) select += (i ? ", " : "") + sql_[i];
    return select + " FROM " + from;
  }
  const std::vector<pg::Wire>& wires() const { return wires_; }

 private:
  std::vector<std::string> sql_;
  std::vector<pg::Wire> wires_;
  std::map<std::string, int> index_;
};

// The field that streams values of `type` held by SQL `value` for matching.
int AddSource(Fields& fields, const std::string& value, std::uint32_t base_oid,
              match::SourceType type, bool* many) {
  *many = type.Many();
  if (type.value == match::ValueClass::kJson)
    return fields.Add(JsonValues(value), pg::Wire::kTextArray);
  if (type.array) return fields.Add("(" + value + ")::text[]", pg::Wire::kTextArray);
  if (type.value == match::ValueClass::kInteger) {
    const pg::Wire wire = base_oid == kInt8   ? pg::Wire::kInt8
                          : base_oid == kInt4 ? pg::Wire::kInt4
                                              : pg::Wire::kInt2;
    return fields.Add(value, wire);
  }
  return fields.Add("(" + value + ")::text", pg::Wire::kText);  // text-like, uuid
}

class Planner {
 public:
  Planner(pg::Session& session, const DataMap& map, const TombstoneTable& tombstones,
          const tombstones::Key& key, PlanFor plan_for)
      : session_(session), map_(map), tombstones_(tombstones), key_(key), plan_for_(plan_for) {}

  Result<Plan> Run() {
    plan_.map = &map_;
    auto facts = pg::ReadDatabaseFacts(session_);
    if (!facts.ok()) return facts.status();
    plan_.database = facts.value();
    if (plan_.database.encoding == "SQL_ASCII")
      return plan_.problems.emplace_back(Status::Usage(
          "unable to replay into database '" + plan_.database.name +
              "': its encoding is SQL_ASCII, so the server cannot say how its bytes read as text "
              "and an identifier stored in another encoding would never match",
          "convert the database to UTF8 (or its real encoding) before replaying; nothing was "
          "changed"));
    // Which relation each entry names, so that an entry for an inheritance child takes the
    // child (and its own children) out of its parent's entry.
    std::vector<std::optional<pg::Relation>> named;
    for (const TableMap& t : map_.tables) {
      auto found = pg::FindRelation(session_, t.schema, t.name);
      if (!found.ok()) return found.status();
      Status s = !found.value() ? MapError(map_, t.line, "table '" + t.schema + "." + t.name +
                                                             "' does not exist in the database")
                                : CheckKind(t, *found.value());
      if (!s.ok()) {
        if (!Refused(std::move(s))) return plan_.problems.back();
        named.emplace_back();
        continue;
      }
      mapped_.insert(found.value()->oid);
      named.push_back(std::move(found.value()));
    }
    for (std::size_t i = 0; i < map_.tables.size(); ++i) {
      if (!named[i]) continue;
      const std::size_t before = plan_.tables.size();
      if (Status s = PlanEntry(map_.tables[i], *named[i]); !s.ok()) {
        plan_.tables.resize(before);  // an entry is planned whole or not at all
        if (!Refused(std::move(s))) return plan_.problems.back();
      }
    }
    if (Status s = PlanRefreshes(); !s.ok()) return s;
    if (!plan_.problems.empty()) return plan_.problems.front();
    return std::move(plan_);
  }

  // Collects every refusal of the map (exit 2) when asked (tombstone check); any other error,
  // or the first refusal otherwise, ends the planning. Returns whether planning goes on.
  bool Refused(Status s) {
    plan_.problems.push_back(s);
    return collect_ != nullptr && s.code() == tombstones::ExitCode::kUsage;
  }

 public:
  // With `collect`, Run() goes on after a refused entry and leaves every refusal and the plan of
  // the other entries in *collect.
  Plan* collect_ = nullptr;

  Status RunCollecting(Plan* out) {
    collect_ = out;
    auto planned = Run();
    *out = planned.ok() ? std::move(planned.value()) : std::move(plan_);
    return planned.status();
  }

 private:

 private:
  Status CheckKind(const TableMap& t, const pg::Relation& r) {
    const std::string name = "'" + r.Display() + "'";
    switch (r.kind) {
      case 'r':
      case 'p':
        if (r.is_partition)
          return MapError(map_, t.line, "table " + name + " is a partition: map its partitioned "
                                        "parent, which covers every partition");
        if (t.action == Action::kRefresh)
          return MapError(map_, t.line, name + " is a table: action \"refresh\" is for "
                                        "materialized views");
        return Status::Ok();
      case 'm':
        if (t.action != Action::kRefresh)
          return MapError(map_, t.line, name + " is a materialized view: its rows are computed "
                                        "from other tables; map those, and this one with action "
                                        "= \"refresh\" (replay refreshes it after the changes)");
        return Status::Ok();
      case 'v':
        return MapError(map_, t.line, name + " is a view: it holds no data of its own; map the "
                                      "tables it reads");
      case 'f':
        return MapError(map_, t.line, name + " is a foreign table: its rows live in another "
                                      "server; erase them there");
      default:
        return MapError(map_, t.line, name + " is not a table");
    }
  }

  // The mapped relation and, for a table, every table that inherits from it (unless the map has
  // an entry of its own for it, which then covers it and its children).
  Status PlanEntry(const TableMap& t, const pg::Relation& relation) {
    if (t.action == Action::kRefresh) {
      refresh_named_.push_back({&t, relation});
      if (t.match.empty()) return Status::Ok();  // refreshed, not scanned
    }
    if (Status s = PlanRelation(t, relation, ""); !s.ok()) return s;
    if (relation.kind != 'r') return Status::Ok();
    auto children = pg::InheritanceDescendants(session_, relation.oid);
    if (!children.ok()) return children.status();
    std::set<std::uint32_t> skipped;
    for (std::uint32_t child : children.value()) {
      auto loaded = pg::LoadRelation(session_, child);
      if (!loaded.ok()) return loaded.status();
      const bool own_entry = mapped_.count(child) > 0;
      bool under_skipped = own_entry;
      for (std::uint32_t a : loaded->ancestors) under_skipped = under_skipped || skipped.count(a);
      if (under_skipped) {
        skipped.insert(child);
        continue;
      }
      if (Status s = PlanRelation(t, loaded.value(), relation.Display()); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status PlanRelation(const TableMap& t, const pg::Relation& r, const std::string& parent) {
    TablePlan plan;
    plan.map = &t;
    plan.relation = r;
    plan.inherits_from = parent;
    plan.quoted = session_.QuoteTable(r.schema, r.name);
    plan.target = r.kind == 'r' ? "ONLY " + plan.quoted : plan.quoted;
    const bool counting = plan_for_ == PlanFor::kCounting || t.action == Action::kRefresh;
    Fields fields;
    if (!counting) {
      if (!r.primary_key.empty()) {
        for (const std::string& column : r.primary_key) {
          plan.locator.push_back(session_.QuoteName(column));
          plan.locator_types.push_back(r.Find(column)->type);
          plan.locator_fields.push_back(
              fields.AddLocator(session_.QuoteName(column), r.Find(column)->type));
        }
      } else if (r.kind == 'p') {
        plan.locator = {"tableoid", "ctid"};
        plan.locator_types = {"oid", "tid"};
        plan.locator_fields = {fields.Add("tableoid", pg::Wire::kOid),
                               fields.Add("ctid", pg::Wire::kTid)};
      } else {
        plan.locator = {"ctid"};
        plan.locator_types = {"tid"};
        plan.locator_fields = {fields.Add("ctid", pg::Wire::kTid)};
      }
    }
    if (!counting && t.action == Action::kDelete && r.kind == 'r' && !r.primary_key.empty())
      plan.ctid_field = fields.Add("ctid", pg::Wire::kTid);
    for (const MatchSource& m : t.match)
      if (Status s = PlanSource(plan, fields, m); !s.ok()) return s;
    if (Status s = PlanGuard(plan, fields); !s.ok()) return s;
    for (const AnonymizeSet& set : t.set) {
      SetTarget target;
      if (Status s = CheckSet(session_, map_, r, set, &target); !s.ok()) return s;
      // In the server's text form (boolean 'false', not 'f'), as the targets were computed.
      target.field = fields.Add("(" + session_.QuoteName(set.column) + ")::text", pg::Wire::kText);
      for (const KeySource& source : plan.sources)
        if (source.map->column == set.column && target.pseudonym_kind.empty()) {
          target.pseudonym_kind = source.kind;
          target.pseudonym_normalizer = source.normalizer;
        }
      plan.sets.push_back(std::move(target));
    }
    if (t.action == Action::kAnonymize)
      if (Status s = CheckSourcesChanged(map_, plan); !s.ok()) return s;
    plan.select = fields.Select(plan.target);
    plan.wires = fields.wires();
    plan_.tables.push_back(std::move(plan));
    return Status::Ok();
  }

  Status PlanSource(TablePlan& plan, Fields& fields, const MatchSource& m) {
    const pg::Relation& r = plan.relation;
    KeySource source;
    source.map = &m;
    source.kind = m.kind;
    source.normalizer = map_.kinds.at(m.kind);
    const auto stored = tombstones_.kinds().find(m.kind);
    if (stored != tombstones_.kinds().end() && stored->second != source.normalizer)
      return MapError(map_, m.line,
                      "kind '" + m.kind + "' is normalized as '" +
                          std::string(tombstones::NormalizerName(source.normalizer)) +
                          "' by the map but as '" +
                          std::string(tombstones::NormalizerName(stored->second)) +
                          "' by the store");
    std::string value;
    std::string type_name;
    pg::BaseType base;
    if (!m.column.empty()) {
      const pg::Column* c = r.Find(m.column);
      if (c == nullptr)
        return MapError(map_, m.line,
                        "column '" + m.column + "' of table '" + r.Display() + "' does not exist");
      value = session_.QuoteName(m.column);
      type_name = c->type;
      base = c->base;
    } else {
      // The expression's type, from the server's description of a query that reads no row.
      value = "(" + m.expr + ")";
      auto oid = session_.ResultType("run the expression of line " + std::to_string(m.line),
                                     "SELECT " + value + " FROM " + plan.target + " LIMIT 0",
                                     tombstones::ExitCode::kUsage);
      if (!oid.ok()) {
        const std::string message = oid.status().message();  // "unable to run ...: <cause>"
        const std::size_t colon = message.find(": ");
        return MapError(map_, m.line,
                        "the expression on table '" + r.Display() + "' does not run: " +
                            (colon == std::string::npos ? message : message.substr(colon + 2)));
      }
      auto resolved = pg::ResolveType(session_, oid.value());
      if (!resolved.ok()) return resolved.status();
      base = resolved.value();
      auto name = session_.Query("name type " + std::to_string(oid.value()),
                                 "SELECT format_type($1::oid, NULL)",
                                 {std::to_string(oid.value())}, pg::Shape::kOneRow);
      if (!name.ok()) return name.status();
      type_name = name.value()[0][0].c_str();
    }
    const match::SourceType type =
        match::SourceTypeOf(base.oid, base.category, base.element, base.element_category);
    if (!match::Accepts(source.normalizer, type))
      return MapError(map_, m.line,
                      "kind '" + m.kind + "' (normalizer " +
                          std::string(tombstones::NormalizerName(source.normalizer)) +
                          ") can never match " + source.Describe() + " of table '" +
                          r.Display() + "': its type is '" + type_name + "', and " +
                          std::string(tombstones::NormalizerName(source.normalizer)) +
                          " reads " + match::AcceptedTypes(source.normalizer));
    source.field = AddSource(fields, value, base.oid, type, &source.many);
    source.hasher = key_.ForKind(m.kind);
    plan.sources.push_back(std::move(source));
    return Status::Ok();
  }

  // The created_at guard, always streamed as a timestamptz: a timestamp without time zone (or a
  // date) is read in the zone the application wrote it in.
  Status PlanGuard(TablePlan& plan, Fields& fields) {
    const TableMap& t = *plan.map;
    if (t.created_at.empty()) return Status::Ok();
    const pg::Column* c = plan.relation.Find(t.created_at);
    const std::string where =
        "guard column '" + t.created_at + "' of table '" + plan.Display() + "'";
    if (c == nullptr) return MapError(map_, t.line, where + " does not exist");
    const std::uint32_t oid = c->base.oid;
    if (oid != kDate && oid != kTimestamp && oid != kTimestamptz)
      return MapError(map_, t.line, where + " is '" + c->type + "', not a date or timestamp");
    const std::string column = session_.QuoteName(t.created_at);
    if (oid == kTimestamptz) {
      plan.guard_field = fields.Add(column, pg::Wire::kTimestamp);
      return Status::Ok();
    }
    plan.guard_zone = t.created_at_zone.empty() ? plan_.database.time_zone : t.created_at_zone;
    auto known = session_.Query("check time zone", "SELECT pg_catalog.now() AT TIME ZONE $1",
                                {plan.guard_zone}, pg::Shape::kOneRow,
                                tombstones::ExitCode::kUsage);
    if (!known.ok())
      return MapError(map_, t.line,
                      "time zone '" + plan.guard_zone + "' for " + where +
                          " is not known to the server (created_at_zone takes names like "
                          "'Europe/Berlin' or 'UTC')");
    const std::string local = oid == kDate ? "(" + column + ")::timestamp" : column;
    plan.guard_field = fields.Add(
        "(" + local + " AT TIME ZONE " + session_.QuoteLiteral(plan.guard_zone) + ")",
        pg::Wire::kTimestamp);
    return Status::Ok();
  }

  // Materialized views: those the map names, then those reading (through any views) from a
  // relation replay changes, each after what it reads. Views with no data are left as they are.
  Status PlanRefreshes() {
    std::vector<std::uint32_t> changed;
    for (const TablePlan& p : plan_.tables)
      if (p.action() == Action::kDelete || p.action() == Action::kAnonymize)
        changed.push_back(p.relation.oid);
    std::vector<pg::DependentView> dependents;
    if (!changed.empty()) {
      auto found = pg::MaterializedViewsOver(session_, changed);
      if (!found.ok()) return found.status();
      dependents = std::move(found.value());
    }
    const auto named_entry = [&](std::uint32_t oid) -> const TableMap* {
      for (const auto& [entry, relation] : refresh_named_)
        if (relation.oid == oid) return entry;
      return nullptr;
    };
    const auto add = [&](const pg::DependentView& view, const TableMap* entry) {
      if (!view.populated) {
        plan_.notes.push_back("materialized view '" + view.Display() +
                              "' holds no data (never refreshed): left as it is");
        return;
      }
      plan_.refreshes.push_back({view, session_.QuoteTable(view.schema, view.name), entry});
    };
    // Named views that read no changed table first (a view over a changed table may read them),
    // then every view over a changed table, each after what it reads.
    for (const auto& [entry, relation] : refresh_named_) {
      // The oid by value: clang 15 cannot capture a structured binding (the fuzz build).
      const std::uint32_t oid = relation.oid;
      const bool dependent = std::any_of(dependents.begin(), dependents.end(),
                                         [oid](const auto& d) { return d.oid == oid; });
      if (!dependent)
        add({relation.oid, relation.schema, relation.name, relation.populated}, entry);
    }
    for (const pg::DependentView& view : dependents) add(view, named_entry(view.oid));
    return Status::Ok();
  }

  pg::Session& session_;
  const DataMap& map_;
  const TombstoneTable& tombstones_;
  const tombstones::Key& key_;
  const PlanFor plan_for_;
  Plan plan_;
  std::set<std::uint32_t> mapped_;
  std::vector<std::pair<const TableMap*, pg::Relation>> refresh_named_;
};

}  // namespace

std::string KeySource::Describe() const {
  if (map == nullptr) return "a match source";
  if (!map->column.empty()) return "column '" + map->column + "'";
  return "the expression on line " + std::to_string(map->line);
}

Result<Plan> PlanTables(pg::Session& session, const DataMap& map, const TombstoneTable& tombstones,
                        const tombstones::Key& key, PlanFor plan_for) {
  return Planner(session, map, tombstones, key, plan_for).Run();
}

Status PlanTablesCollecting(pg::Session& session, const DataMap& map,
                            const TombstoneTable& tombstones, const tombstones::Key& key, Plan* plan) {
  Planner planner(session, map, tombstones, key, PlanFor::kChanges);
  Status done = planner.RunCollecting(plan);
  if (!done.ok() && done.code() != tombstones::ExitCode::kUsage) return done;
  return Status::Ok();
}

}  // namespace tombstone::replay

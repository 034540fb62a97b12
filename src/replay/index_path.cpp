#include "src/replay/index_path.h"

#include <algorithm>
#include <set>

#include "src/match/value_types.h"
#include "src/replay/locator.h"

namespace tombstone::replay {
namespace {

// What the catalog says about one relation: its size and, per column, why an index leading with
// it can or cannot answer the lookups.
struct RelationFacts {
  double pages = 0, tuples = -1;
  bool inheritance = false;                  // has an inheritance parent or child
  std::set<std::string> indexed;             // columns a usable btree index leads with
  std::map<std::string, std::string> unusable;  // column -> why its indexes cannot be used
};

Result<RelationFacts> ReadFacts(pg::Session& session, std::uint32_t oid) {
  RelationFacts facts;
  const std::string id = std::to_string(oid);
  auto size = session.Query(
      "read the size of relation " + id,
      "SELECT pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint,"
      " c.reltuples, EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent = c.oid OR "
      "i.inhrelid = c.oid) FROM pg_catalog.pg_class c WHERE c.oid = $1::oid",
      {id}, pg::Shape::kOneRow);
  if (!size.ok()) return size.status();
  facts.pages = size.value()[0][0].as<double>();
  facts.tuples = size.value()[0][1].as<double>();
  facts.inheritance = std::string(size.value()[0][2].c_str()) == "t";
  // Every index whose first key is a plain column. Usable: valid and ready (not being built or
  // dropped), not partial (it would not see every row), btree (answers = ANY(array) itself), the
  // type's default operator class (its = is the type's =) and the column's own collation.
  auto indexes = session.Query(
      "read the indexes of relation " + id,
      "SELECT a.attname, i.indisvalid AND i.indisready AND i.indislive, i.indpred IS NOT NULL, "
      "am.amname = 'btree', oc.opcdefault, i.indcollation[0] = a.attcollation "
      "FROM pg_catalog.pg_index i "
      "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
      "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
      "JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[0] "
      "WHERE i.indrelid = $1::oid AND i.indkey[0] <> 0",
      {id}, pg::Shape::kAnyRows);
  if (!indexes.ok()) return indexes.status();
  for (const auto& row : indexes.value()) {
    const std::string column = row[0].c_str();
    const auto yes = [&](int f) { return std::string(row[f].c_str()) == "t"; };
    std::string why;
    if (!yes(1)) why = "its index is not valid (being built, or a failed CREATE INDEX CONCURRENTLY)";
    else if (yes(2)) why = "its only index is partial: it cannot see every row";
    else if (!yes(3)) why = "its index is not a btree";
    else if (!yes(4)) why = "its index has a non-default operator class";
    else if (!yes(5)) why = "its index has another collation than the column";
    if (why.empty()) facts.indexed.insert(column);
    else facts.unusable.emplace(column, why);
  }
  return facts;
}

// The form of identifier a column of this base type can equal, and the type to cast the
// identifiers to; nullopt for a type whose equality is not known to hold whenever the scan's
// text forms are equal.
struct ColumnType {
  ValueForm form;
  std::string cast;
};

Result<std::optional<ColumnType>> TypeOf(pg::Session& session, const pg::Column& c) {
  switch (c.base.oid) {
    case 20: return std::optional<ColumnType>({ValueForm::kInt8, "pg_catalog.int8"});
    case 23: return std::optional<ColumnType>({ValueForm::kInt4, "pg_catalog.int4"});
    case 21: return std::optional<ColumnType>({ValueForm::kInt2, "pg_catalog.int2"});
    case 2950: return std::optional<ColumnType>({ValueForm::kUuid, "pg_catalog.uuid"});
    // Equal text forms are equal values: text and varchar byte for byte under any collation
    // (a non-deterministic one only adds equalities), char(n) and name as well (char(n) ignores
    // the padding the scan strips; a name is at most 63 bytes, as are the values it equals).
    case 25: return std::optional<ColumnType>({ValueForm::kText, "pg_catalog.text"});
    case 1043: return std::optional<ColumnType>({ValueForm::kText, "pg_catalog.varchar"});
    case 1042: return std::optional<ColumnType>({ValueForm::kText, "pg_catalog.bpchar"});
    case 19: return std::optional<ColumnType>({ValueForm::kText, "pg_catalog.name"});
    default: break;
  }
  // citext compares lower() of both sides: equal text is equal citext.
  auto name = session.Query("name type " + std::to_string(c.base.oid),
                            "SELECT pg_catalog.quote_ident(n.nspname) || '.' || "
                            "pg_catalog.quote_ident(t.typname), t.typname = 'citext' FROM "
                            "pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = "
                            "t.typnamespace WHERE t.oid = $1::oid",
                            {std::to_string(c.base.oid)}, pg::Shape::kOneRow);
  if (!name.ok()) return name.status();
  if (std::string(name.value()[0][1].c_str()) != "t") return std::optional<ColumnType>();
  return std::optional<ColumnType>({ValueForm::kText, name.value()[0][0].c_str()});
}

// How many heap pages a lookup asks for ahead of reading them, unless the server is set to more.
constexpr int kLookupIoConcurrency = 64;
// The fewest identifiers worth a chunk of their own (LookupChunks).
constexpr std::uint64_t kMinLookupChunk = 64;

class Chooser {
 public:
  Chooser(pg::Session& session, const Plan& plan, const std::map<std::string, ClearKind>& clear,
          PlanMode mode)
      : session_(session), plan_(plan), clear_(clear), mode_(mode) {}

  // Why `table` must be scanned, or empty when its lookups are exact (then in read->lookups).
  Result<std::string> Lookups(const TablePlan& table, ReadPath* read, RelationFacts* facts) {
    if (table.action() == Action::kRefresh) return std::string("a materialized view is scanned");
    if (table.relation.kind != 'r' && table.relation.kind != 'p')
      return std::string("not a plain or partitioned table: scanned");
    if (!table.inherits_from.empty())
      return std::string("an inheritance child is scanned");
    if (table.relation.kind == 'p') {
      auto leaves = PartitionFacts(table.relation.oid);
      if (!leaves.ok()) return leaves.status();
      *facts = std::move(leaves.value());
    } else {
      auto read_facts = ReadFacts(session_, table.relation.oid);
      if (!read_facts.ok()) return read_facts.status();
      *facts = std::move(read_facts.value());
      if (facts->inheritance) return std::string("a table with inheritance children is scanned");
    }
    for (const KeySource& source : table.sources) {
      const std::string what = source.Describe();
      if (source.map == nullptr || source.map->column.empty())
        return what + " is an expression: scanned";
      if (source.many) return what + " holds several values (array or json): scanned";
      if (source.normalizer == tombstones::Normalizer::kEmail)
        return what + " is of kind '" + source.kind +
               "' (normalizer email): no index answers exactly what it matches (trimmed, "
               "ASCII lowercased, Unicode NFKC case-folded; lower() is not that)";
      if (source.normalizer != tombstones::Normalizer::kExact)
        return what + " is of kind '" + source.kind + "' (normalizer " +
               std::string(tombstones::NormalizerName(source.normalizer)) +
               "): only exact kinds are looked up";
      // Every kind of the tombstones has an entry: a kind without one has no tombstone, so
      // nothing can match through this source and there is nothing to look up.
      static const ClearKind kNoTombstones{true, "", {}};
      const auto found = clear_.find(source.kind);
      const ClearKind& kind = found == clear_.end() ? kNoTombstones : found->second;
      if (!kind.complete) return what + ": " + kind.why;
      const pg::Column* column = table.relation.Find(source.map->column);
      if (column == nullptr) return what + " is not a column of the table";
      auto type = TypeOf(session_, *column);
      if (!type.ok()) return type.status();
      if (!type.value()) return what + " is of type '" + column->type + "': not looked up";
      if (type.value()->form == ValueForm::kText && plan_.database.encoding != "UTF8")
        return what + " is text in a " + plan_.database.encoding + " database: scanned";
      if (facts->indexed.count(column->name) == 0) {
        const auto unusable = facts->unusable.find(column->name);
        return what + ": " + (unusable != facts->unusable.end()
                                  ? unusable->second
                                  : std::string("no index leads with it"));
      }
      IndexLookup lookup;
      lookup.column = session_.QuoteName(column->name);
      lookup.cast_type = type.value()->cast;
      lookup.kind = source.kind;
      for (const std::string& id : kind.normalized)
        if (HasForm(type.value()->form, id)) lookup.values.push_back(id);  // else equals no value
      // In the index's order (an integer's canonical decimals by value; a uuid's lowercase hex
      // is its byte order), so that a range of them is a range of the index (LookupChunks).
      if (type.value()->form == ValueForm::kText || type.value()->form == ValueForm::kUuid) {
        std::sort(lookup.values.begin(), lookup.values.end());
      } else {  // each parsed once (HasForm: a canonical decimal in range)
        std::vector<std::pair<long long, std::string>> by_value;
        by_value.reserve(lookup.values.size());
        for (std::string& v : lookup.values) by_value.emplace_back(std::stoll(v), std::move(v));
        std::sort(by_value.begin(), by_value.end());
        lookup.values.clear();
        for (auto& [number, text] : by_value) lookup.values.push_back(std::move(text));
      }
      lookup.values.erase(std::unique(lookup.values.begin(), lookup.values.end()),
                          lookup.values.end());
      lookup.count = lookup.values.size();
      lookup.distinct_values = type.value()->form != ValueForm::kText;
      read->lookups.push_back(std::move(lookup));
    }
    return std::string();
  }

  // A partitioned table is looked up through its leaf partitions' indexes (the statement names
  // the partitioned table; the server looks in each leaf): a column counts as indexed only when
  // every leaf has a usable index leading with it. Sizes are the leaves' sum.
  Result<RelationFacts> PartitionFacts(std::uint32_t oid) {
    auto leaves = session_.Query("list the partitions of relation " + std::to_string(oid),
                                 "SELECT relid::oid, relid::regclass::text FROM "
                                 "pg_catalog.pg_partition_tree($1::oid) WHERE isleaf",
                                 {std::to_string(oid)}, pg::Shape::kAnyRows);
    if (!leaves.ok()) return leaves.status();
    std::vector<std::pair<std::string, RelationFacts>> each;
    std::set<std::string> columns;  // any leaf has an index leading with it
    RelationFacts all;
    all.tuples = 0;
    for (const auto& row : leaves.value()) {
      auto facts = ReadFacts(session_, row[0].as<std::uint32_t>());
      if (!facts.ok()) return facts.status();
      all.pages += facts->pages;
      all.tuples += std::max(0.0, facts->tuples);
      for (const std::string& c : facts->indexed) columns.insert(c);
      for (const auto& [c, why] : facts->unusable) columns.insert(c);
      each.emplace_back(row[1].c_str(), std::move(facts.value()));
    }
    for (const std::string& column : columns) {
      std::string why;
      for (const auto& [leaf, facts] : each) {
        if (facts.indexed.count(column) > 0) continue;
        const auto unusable = facts.unusable.find(column);
        why = "partition '" + leaf + "': " +
              (unusable != facts.unusable.end() ? unusable->second : "no index leads with it");
        break;
      }
      if (why.empty()) all.indexed.insert(column);
      else all.unusable[column] = why;
    }
    return all;
  }

  Status Choose(TablePlan& table) {
    ReadPath read;
    RelationFacts facts;
    auto scanned = Lookups(table, &read, &facts);
    if (!scanned.ok()) return scanned.status();
    if (!scanned.value().empty()) {
      table.read = ReadPath{false, scanned.value(), {}, -1, -1};
      return Status::Ok();
    }
    std::uint64_t lookups = 0;
    for (const IndexLookup& l : read.lookups) lookups += l.count;
    const ReadCost cost = EstimateReadCost(facts.pages, facts.tuples, lookups);
    read.scan_cost = cost.scan;
    read.index_cost = cost.index;
    const std::string estimate = std::to_string(lookups) + " lookups, estimated cost " +
                                 std::to_string(static_cast<long long>(cost.index)) +
                                 " against " +
                                 std::to_string(static_cast<long long>(cost.scan)) +
                                 " for a scan";
    if (mode_ == PlanMode::kIndex) {
      read.index = true;
      read.why = "--plan index (" + estimate + ")";
    } else if (cost.index_cheaper()) {
      read.index = true;
      read.why = "index: " + estimate;
    } else {
      read.index = false;
      read.why = "scan is cheaper: " + estimate;
    }
    if (!read.index) read.lookups.clear();
    table.read = std::move(read);
    return Status::Ok();
  }

 private:
  pg::Session& session_;
  const Plan& plan_;
  const std::map<std::string, ClearKind>& clear_;
  PlanMode mode_;
};

}  // namespace

Status ChooseReadPaths(pg::Session& session, Plan* plan,
                       const std::map<std::string, ClearKind>* clear, PlanMode mode) {
  for (TablePlan& table : plan->tables) table.read = ReadPath{};
  if (clear == nullptr || mode == PlanMode::kScan) {
    const std::string why = mode == PlanMode::kScan
                                ? "scanned: --plan scan"
                                : "scanned: the store keeps no identifiers in the clear";
    for (TablePlan& table : plan->tables) table.read.why = why;
    return Status::Ok();
  }
  // The lookups send the identifiers as a statement parameter, which the server writes to its
  // log with any statement it logs (log_statement, log_min_duration_statement) unless
  // log_parameter_max_length is 0. Only a superuser may set that for the session: anyone else
  // scans rather than risk putting erased identifiers in the restored server's log.
  auto logging = session.Query(
      "read the logging settings",
      "SELECT pg_catalog.current_setting('is_superuser') = 'on' OR "
      "pg_catalog.current_setting('log_parameter_max_length') = '0'",
      {}, pg::Shape::kOneRow);
  if (!logging.ok()) return logging.status();
  if (std::string(logging.value()[0][0].c_str()) != "t") {
    for (TablePlan& table : plan->tables)
      table.read.why = "scanned: only a superuser can keep the identifiers of a lookup out of "
                       "the server log (log_parameter_max_length)";
    return Status::Ok();
  }
  Chooser chooser(session, *plan, *clear, mode);
  for (TablePlan& table : plan->tables)
    if (Status s = chooser.Choose(table); !s.ok()) return s;
  return Status::Ok();
}

Status KeepParametersOutOfLog(pg::Session& session) {
  // Until the end of the transaction, logged statements show no parameter.
  auto quiet = session.Query(
      "keep the lookups' parameters out of the server log",
      "SELECT pg_catalog.set_config('log_parameter_max_length_on_error', '0', true), CASE WHEN "
      "pg_catalog.current_setting('is_superuser') = 'on' THEN pg_catalog.set_config("
      "'log_parameter_max_length', '0', true) END, "
      "pg_catalog.current_setting('log_parameter_max_length') = '0'",
      {}, pg::Shape::kOneRow);
  if (!quiet.ok()) return quiet.status();
  if (std::string(quiet.value()[0][2].c_str()) != "t")
    return Status::Failed("unable to look up rows through their indexes: the server would log "
                          "the identifiers (log_parameter_max_length is not 0 and cannot be set)",
                          "run as a superuser, or with --plan scan");
  return Status::Ok();
}

std::size_t LookupChunks(const TablePlan& plan, std::size_t wanted) {
  if (plan.read.lookups.size() != 1 || !plan.read.lookups[0].distinct_values) return 1;
  const std::uint64_t count = plan.read.lookups[0].count;
  return static_cast<std::size_t>(
      std::clamp<std::uint64_t>(count / kMinLookupChunk, 1, std::max<std::size_t>(wanted, 1)));
}

Result<TableScan> LookupTable(pg::Session& session, const TablePlan& plan,
                              const TombstoneTable& tombstones, const tombstones::Key& key,
                              LookupChunk chunk) {
  // One statement for all the lookups, OR-ed: a row two lookups find is read once, as the scan
  // reads it once.
  std::string condition;
  std::vector<std::string> params;
  for (const IndexLookup& lookup : plan.read.lookups) {
    if (lookup.count == 0) continue;
    // This chunk's range of the sorted identifiers (all of them for the one chunk of 1).
    const std::size_t n = lookup.values.size();
    const std::size_t begin = n * chunk.index / chunk.of, end = n * (chunk.index + 1) / chunk.of;
    std::string literal = "{";
    for (std::size_t i = begin; i < end; ++i) {
      if (i > begin) literal += ',';
      AppendArrayElement(&literal, lookup.values[i], false);
    }
    literal += '}';
    params.push_back(std::move(literal));
    condition += std::string(condition.empty() ? "" : " OR ") + "p." + lookup.column + " = ANY($" +
                 std::to_string(params.size()) + "::" + lookup.cast_type + "[])";
  }
  if (condition.empty()) condition = "false";  // nothing to look up: no row can match
  // Never the identifiers in the server log (ChooseReadPaths made sure this can be done).
  if (Status s = KeepParametersOutOfLog(session); !s.ok()) return s;
  // Read through a bitmap, with the heap pages prefetched. An index scan reads each heap page when
  // its key comes up, one read at a time; a bitmap heap scan collects the matches first and asks
  // for up to effective_io_concurrency pages ahead (posix_fadvise), which on a restored database
  // whose pages are not in memory yet is most of the lookups' time (docs/performance.md, run 13).
  // Bitmap scans are turned on as well, should the database have them off: with both off the
  // planner could read a large table whole. Only for this statement: the session's values come
  // back afterwards, so that the foreign-key checks of the deletes are planned as the server
  // would. A server without prefetch (its effective_io_concurrency is 0, and may be nothing
  // else) is left as it is.
  auto previous = session.Query(
      "read the lookups' planner settings",
      "SELECT pg_catalog.current_setting('enable_indexscan'), "
      "pg_catalog.current_setting('enable_bitmapscan'), "
      "pg_catalog.current_setting('effective_io_concurrency')",
      {}, pg::Shape::kOneRow);
  if (!previous.ok()) return previous.status();
  const std::string index_scan = previous.value()[0][0].c_str();
  const std::string bitmap_scan = previous.value()[0][1].c_str();
  const std::string io_concurrency = previous.value()[0][2].c_str();
  const auto set = [&](const std::string& index_value, const std::string& bitmap_value,
                       const std::string& io_value) {
    return session.Query(
        "set the lookups' planner settings",
        "SELECT pg_catalog.set_config('enable_indexscan', $1::text, true), "
        "pg_catalog.set_config('enable_bitmapscan', $2::text, true), CASE WHEN $3::text::int > 0 "
        "THEN pg_catalog.set_config('effective_io_concurrency', $3::text, true) END",
        {index_value, bitmap_value, io_value}, pg::Shape::kOneRow);
  };
  const std::string prefetch =
      io_concurrency == "0"
          ? io_concurrency
          : std::to_string(std::max(kLookupIoConcurrency, std::stoi(io_concurrency)));
  if (auto s = set("off", "on", prefetch); !s.ok()) return s.status();
  auto rows = ScanWhere(session, plan, tombstones, key, condition, params,
                        "look up the rows of '" + plan.Display() + "' through its indexes");
  if (!rows.ok()) return rows;
  if (auto s = set(index_scan, bitmap_scan, io_concurrency); !s.ok()) return s.status();
  return rows;
}

}  // namespace tombstone::replay

#include "src/exports/pgdump_export.h"

#include <cstdlib>
#include <map>
#include <optional>

#include "src/exports/pgdump_parse.h"

namespace tombstone::exports {
namespace {

using Strategy = AnonymizeSet::Strategy;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view WithoutNewline(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  return line;
}

// A match source bound to a field of the COPY column list.
struct BoundSource {
  std::size_t field = 0;
  std::optional<std::string> json_key;  // "column->>'key'"
  KindMatcher* matcher = nullptr;
};

// An anonymize assignment bound to a field; `target` is the COPY text it writes (not for hash).
struct BoundSet {
  std::size_t field = 0;
  Strategy strategy = Strategy::kNull;
  std::string target;
};

// The mapped table whose COPY block is being read.
struct ActiveTable {
  const TableMap* map = nullptr;
  std::string name;  // the map's schema.table (a partition reports as its parent)
  std::size_t report = 0;
  std::vector<BoundSource> sources;
  std::optional<std::size_t> guard;
  std::vector<BoundSet> sets;
  bool has_unevaluable = false;
};

class DumpProcessor {
 public:
  DumpProcessor(LineReader& lines, const DataMap& map, TombstoneIndex& index,
                const tombstones::Key& key, OutputFile* out, FileReport* report)
      : lines_(lines), map_(map), index_(index), key_(key), out_(out), report_(report) {}

  Status Run() {
    for (;;) {
      std::string_view line;
      if (Status s = lines_.Next(&line); !s.ok()) return s;
      if (line.empty()) break;
      ++line_no_;
      Status s = in_copy_ ? OnCopyRow(line) : OnStatementLine(line);
      if (!s.ok()) return s;
    }
    if (in_copy_)
      return Status::Usage("unable to read '" + report_->path +
                           "': the COPY block opened on line " + std::to_string(copy_line_) +
                           " never ends (a truncated dump?)");
    report_->bytes = lines_.bytes();
    return Status::Ok();
  }

 private:
  Status Write(std::string_view bytes) { return out_ ? out_->Write(bytes) : Status::Ok(); }

  Status Fail(const TableMap& t, const std::string& cause, int map_line) const {
    return Status::Usage("unable to read '" + report_->path + "': table " + t.schema + "." +
                         t.name + " (" + map_.path + ":" + std::to_string(map_line) +
                         "): " + cause);
  }

  // Outside COPY blocks: remember column types and partitions, spot COPY and INSERT.
  Status OnStatementLine(std::string_view line) {
    std::string a, b, c, d;
    if (!create_table_.empty()) {
      if (StartsWith(line, ")")) {
        create_table_.clear();
        return Write(line);
      }
      if (ParseColumnLine(line, &a, &b)) {
        types_[create_table_][a] = b;
        return Write(line);
      }
    }
    if (StartsWith(line, "-- ")) {
      // pg_dump's table of contents: "-- Data for Name: t; Type: TABLE DATA; ..." precedes
      // a table's rows, "-- Name: ..." any other object.
      if (StartsWith(line, "-- Data for Name: "))
        table_data_ = line.find("; Type: TABLE DATA;") != std::string_view::npos;
      else if (StartsWith(line, "-- Name: "))
        table_data_ = false;
    } else if (ParseCreateTable(line, &a, &b)) {
      if (WithoutNewline(line).ends_with("(")) create_table_ = a + "." + b;
    } else if (ParseAttachPartition(line, &a, &b, &c, &d)) {
      parent_[c + "." + d] = a + "." + b;
    } else if (StartsWith(line, "COPY ")) {
      CopyHeader header;
      if (ParseCopyHeader(line, &header)) {
        in_copy_ = true;
        copy_line_ = line_no_;
        if (const TableMap* t = FindTable(header.schema + "." + header.table)) {
          if (Status s = Bind(*t, header); !s.ok()) return s;
        }
      }
    } else if (table_data_ && ParseInsertTable(line, &a, &b)) {
      if (const TableMap* t = FindTable(a + "." + b))
        return Fail(*t,
                    "its rows are INSERT statements (pg_dump --inserts); only COPY blocks, "
                    "pg_dump's default, can be read",
                    t->line);
    }
    return Write(line);
  }

  // The map's table for a dump table, through partition parents.
  const TableMap* FindTable(std::string name) const {
    for (int depth = 0; depth < 16; ++depth) {
      for (const TableMap& t : map_.tables)
        if (t.schema + "." + t.name == name) return &t;
      const auto up = parent_.find(name);
      if (up == parent_.end()) return nullptr;
      name = up->second;
    }
    return nullptr;
  }

  std::optional<std::string> TypeOf(const std::string& table, const std::string& column) const {
    for (std::string name = table;;) {
      const auto t = types_.find(name);
      if (t != types_.end()) {
        const auto c = t->second.find(column);
        if (c != t->second.end()) return c->second;
      }
      const auto up = parent_.find(name);
      if (up == parent_.end()) return std::nullopt;
      name = up->second;
    }
  }

  Status Bind(const TableMap& t, const CopyHeader& header) {
    const std::string dump_table = header.schema + "." + header.table;
    auto field_of = [&](const std::string& column) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < header.columns.size(); ++i)
        if (header.columns[i] == column) return i;
      return std::nullopt;
    };
    ActiveTable a;
    a.map = &t;
    a.name = t.schema + "." + t.name;
    for (const MatchSource& m : t.match) {
      std::string column = m.column;
      std::optional<std::string> json_key;
      if (!m.expr.empty()) {
        const auto expr = ParseJsonKeyExpr(m.expr);
        if (!expr) {
          a.has_unevaluable = true;
          Warn("table " + a.name + ": the match expression on " + map_.path + ":" +
               std::to_string(m.line) + " cannot be evaluated in a dump; skipped");
          continue;
        }
        column = expr->column;
        json_key = expr->key;
      }
      const auto field = field_of(column);
      if (!field) return Fail(t, "its COPY block has no column '" + column + "'", m.line);
      a.sources.push_back({*field, json_key, index_.ForKind(m.kind)});
    }
    if (!t.created_at.empty()) {
      a.guard = field_of(t.created_at);
      if (!a.guard)
        return Fail(t, "its COPY block has no guard column '" + t.created_at + "'", t.line);
    }
    for (const AnonymizeSet& s : t.set) {
      const auto field = field_of(s.column);
      if (!field) return Fail(t, "its COPY block has no column '" + s.column + "'", s.line);
      BoundSet b{*field, s.strategy, {}};
      const auto type = TypeOf(dump_table, s.column);
      if (s.strategy == Strategy::kNull) {
        b.target = "\\N";
      } else if (s.strategy == Strategy::kLiteral) {
        AppendCopyEscaped(s.literal, &b.target);
      } else if (s.strategy == Strategy::kRedact) {
        // A scan only needs the marker to recognize rows already anonymized.
        const auto marker = type ? RedactMarker(*type) : std::nullopt;
        if (marker)
          AppendCopyEscaped(*marker, &b.target);
        else if (out_ != nullptr)
          return Fail(t,
                      "no redact marker is known for column '" + s.column + "' of type '" +
                          type.value_or("unknown: no CREATE TABLE in the dump") + "'",
                      s.line);
      } else if (out_ != nullptr && s.strategy == Strategy::kHash && type && !IsTextType(*type)) {
        return Fail(t, "strategy hash needs a text column; '" + s.column + "' is " + *type, s.line);
      }
      a.sets.push_back(std::move(b));
    }
    a.report = ReportFor(a.name);
    active_ = std::move(a);
    return Status::Ok();
  }

  void Warn(const std::string& text) {
    for (const std::string& w : report_->warnings)
      if (w == text) return;
    report_->warnings.push_back(text);
  }

  std::size_t ReportFor(const std::string& name) {
    for (std::size_t i = 0; i < report_->tables.size(); ++i)
      if (report_->tables[i].name == name) return i;
    report_->tables.push_back({name, {}});
    return report_->tables.size() - 1;
  }

  // A field's value (COPY text unescaped); false for NULL.
  bool Value(std::string_view raw, std::string* out) {
    if (raw.find('\\') == std::string_view::npos) {
      out->assign(raw);
      return true;
    }
    return UnescapeCopyField(raw, out);
  }

  Status OnCopyRow(std::string_view line) {
    if (WithoutNewline(line) == "\\.") {
      in_copy_ = false;
      active_.reset();
      return Write(line);
    }
    if (!active_) return Write(line);
    ActiveTable& a = *active_;
    Counts& table = report_->tables[a.report].counts;
    ++report_->counts.rows;
    ++table.rows;
    bool unevaluable = a.has_unevaluable;
    Split(WithoutNewline(line));
    hits_.clear();
    for (const BoundSource& s : a.sources) {
      if (s.field >= fields_.size() || s.matcher == nullptr) continue;
      if (!Value(fields_[s.field], &value_)) continue;
      if (s.json_key) {
        bool too_deep = false;
        const auto inner = JsonKeyText(value_, *s.json_key, &too_deep);
        if (inner) s.matcher->Find(*inner, &hits_);
        if (too_deep) {
          unevaluable = true;
          Warn("table " + a.name + ": a json value nested deeper than " +
               std::to_string(kMaxJsonKeyDepth) + " levels cannot be evaluated; its row is counted "
               "as not evaluable");
        }
      } else {
        s.matcher->Find(value_, &hits_);
      }
    }
    if (unevaluable) ++report_->not_evaluable;
    if (hits_.empty()) return Write(line);
    std::optional<Micros> created_at;
    if (a.guard && *a.guard < fields_.size() && Value(fields_[*a.guard], &value_))
      created_at = ParsePgTimestamp(value_);
    const Verdict v = Decide(hits_, index_.refs(), created_at);
    Outcome o = v.kind == Verdict::kHeld ? Outcome::kHeld : Outcome::kKeptByGuard;
    if (v.kind == Verdict::kApply) {
      switch (a.map->action) {
        case Action::kDelete:
          o = Outcome::kRemoved;
          break;
        case Action::kRetain:
        case Action::kRefresh:  // a materialized view has no data in a dump: never bound
          o = Outcome::kRetained;
          break;
        case Action::kAnonymize:
          o = AlreadyAnonymized(a) ? Outcome::kAnonymizedBefore : Outcome::kChanged;
          break;
      }
    }
    report_->Record(line_no_, a.name, index_.refs()[v.ref].request_id, o, &table);
    if (o == Outcome::kRemoved) return Status::Ok();
    if (o != Outcome::kChanged || out_ == nullptr) return Write(line);
    return Write(Anonymized(a, line.back() == '\n'));
  }

  void Split(std::string_view row) {
    fields_.clear();
    std::size_t start = 0;
    for (;;) {
      const std::size_t tab = row.find('\t', start);
      fields_.push_back(row.substr(start, tab == std::string_view::npos ? tab : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
  }

  bool LooksLikePseudonym(std::string_view raw) const {
    return raw == "\\N" || key_.IsPseudonym(raw);
  }

  bool AlreadyAnonymized(const ActiveTable& a) const {
    for (const BoundSet& s : a.sets) {
      if (s.field >= fields_.size()) return false;
      const std::string_view raw = fields_[s.field];
      if (s.strategy == Strategy::kHash ? !LooksLikePseudonym(raw) : raw != s.target) return false;
    }
    return true;
  }

  const std::string& Anonymized(const ActiveTable& a, bool newline) {
    row_.clear();
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (i > 0) row_.push_back('\t');
      const BoundSet* set = nullptr;
      for (const BoundSet& s : a.sets)
        if (s.field == i) set = &s;
      if (set == nullptr) {
        row_.append(fields_[i]);
      } else if (set->strategy != Strategy::kHash) {
        row_.append(set->target);
      } else if (!Value(fields_[i], &value_)) {
        row_.append("\\N");
      } else {
        AppendCopyEscaped(key_.Pseudonym({}, value_), &row_);
      }
    }
    if (newline) row_.push_back('\n');
    return row_;
  }

  LineReader& lines_;
  const DataMap& map_;
  TombstoneIndex& index_;
  const tombstones::Key& key_;
  OutputFile* out_;
  FileReport* report_;

  long line_no_ = 0, copy_line_ = 0;
  bool in_copy_ = false;
  bool table_data_ = false;  // after a "-- Data for Name: ...; Type: TABLE DATA" comment
  std::optional<ActiveTable> active_;
  std::string create_table_;
  std::map<std::string, std::map<std::string, std::string>> types_;  // table -> column -> type
  std::map<std::string, std::string> parent_;                        // partition -> parent
  std::vector<std::string_view> fields_;
  std::vector<std::uint32_t> hits_;
  std::string value_, row_;
};

}  // namespace

bool IsTextType(std::string_view type) {
  const std::string_view base = type.substr(0, type.find('('));
  return base == "text" || base == "character varying" || base == "varchar" ||
         base == "character" || base == "char" || base == "citext" || base == "public.citext" ||
         base == "name" || base == "bpchar";
}

std::optional<std::string> RedactMarker(std::string_view type) {
  const std::size_t paren = type.find('(');
  const std::string_view base = type.substr(0, paren);
  std::size_t limit = std::string::npos;  // varchar(n), character(n)
  if (paren != std::string_view::npos) limit = std::strtoul(type.data() + paren + 1, nullptr, 10);
  if (type.size() > 2 && type.substr(type.size() - 2) == "[]") return "{}";
  if (IsTextType(type))
    return std::string("[redacted]").substr(0, limit == 0 ? std::string::npos : limit);
  if (base == "smallint" || base == "integer" || base == "bigint" || base == "numeric" ||
      base == "real" || base == "double precision" || base == "decimal")
    return "0";
  if (base == "boolean") return "f";
  if (base == "uuid") return "00000000-0000-0000-0000-000000000000";
  if (base == "json" || base == "jsonb") return "{}";
  if (base == "date") return "1970-01-01";
  if (base.starts_with("time ") || base == "time") return "00:00:00";  // as replay writes them
  if (base == "interval") return "0";
  if (base == "timestamp without time zone") return "1970-01-01 00:00:00";
  if (base == "timestamp with time zone") return "1970-01-01 00:00:00+00";
  if (base == "inet" || base == "cidr") return "0.0.0.0";
  if (base == "bytea") return "\\x";
  return std::nullopt;
}

Status ProcessDump(LineReader& lines, const DataMap& map, TombstoneIndex& index,
                   const tombstones::Key& key, OutputFile* out, FileReport* report) {
  report->format = "pg_dump";
  return DumpProcessor(lines, map, index, key, out, report).Run();
}

}  // namespace tombstone::exports

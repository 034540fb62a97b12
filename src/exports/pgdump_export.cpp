#include "src/exports/pgdump_export.h"

#include <cstdlib>
#include <map>
#include <optional>

#include "src/exports/dump_schema.h"
#include "src/exports/pgdump_parse.h"
#include "src/match/redact.h"

namespace tombstone::exports {
namespace {

using Strategy = AnonymizeSet::Strategy;
using tombstones::Micros;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// What pg_dump (and pg_dumpall) write last: a dump without it was cut short.
constexpr std::string_view kTrailer = "-- PostgreSQL database dump complete";
constexpr std::string_view kClusterTrailer = "-- PostgreSQL database cluster dump complete";
constexpr const char* kTruncatedHint =
    "only a dump pg_dump finished writing is read: take or copy it again";

std::string_view WithoutNewline(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  return line;
}

// A match source bound to a field of the COPY column list.
struct BoundSource {
  std::size_t field = 0;
  std::optional<std::string> json_key;  // "column->>'key'"
  match::KindMatcher* matcher = nullptr;
  // An array column (its type in the dump ends in "[]"): each element is an identifier, as
  // replay reads it. Without the dump's CREATE TABLE the type is unknown: a value written as an
  // array literal is then read both whole and element by element.
  enum class Shape { kScalar, kArray, kUnknown } shape = Shape::kScalar;
};

// An anonymize assignment bound to a field; `target` is the COPY text it writes (not for hash).
struct BoundSet {
  std::size_t field = 0;
  Strategy strategy = Strategy::kNull;
  std::string target;
  // hash of a match source's column: the pseudonym of the normalized identifier with its kind,
  // as replay makes it (one subject, one pseudonym per kind, whatever the spelling)
  std::string pseudonym_kind;
  tombstones::Normalizer pseudonym_normalizer = tombstones::Normalizer::kExact;
};

// The guard's types replay reads (src/replay/table_plan.cpp); pg_dump prints them so.
bool IsGuardType(std::string_view type) {
  const std::string_view base = type.substr(0, type.find('('));
  const std::string_view rest = type.substr(std::min(type.size(), type.find(')') + 1));
  if (base == "date") return true;
  if (base != "timestamp" && base != "timestamp without time zone" &&
      base != "timestamp with time zone")
    return false;
  return base != "timestamp" || rest.empty() || rest == " without time zone" ||
         rest == " with time zone";
}

// A guard value as COPY text: NULL, a date (midnight UTC) or a timestamp, else unreadable.
match::Guard ReadGuard(bool null, const std::string& text) {
  match::Guard g;
  if (null) {
    g.state = match::Guard::kNull;
    return g;
  }
  std::optional<Micros> t;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-')
    t = ParsePgTimestamp(text + " 00:00:00");
  else
    t = ParsePgTimestamp(text);
  g.state = t ? match::Guard::kTime : match::Guard::kUnreadable;
  if (t) g.time = *t;
  return g;
}

// Whether a guard value says its instant: timestamptz text has an offset ("+00", "-05:30"); a
// timestamp without time zone or a date does not.
bool HasOffset(std::string_view text) {
  if (text == "infinity" || text == "-infinity") return true;
  return text.size() > 10 && text.find_first_of("+-Z", 10) != std::string_view::npos;
}

// The mapped table whose COPY block is being read.
struct ActiveTable {
  const TableMap* map = nullptr;
  std::string name;  // the map's schema.table (a partition reports as its parent)
  std::size_t report = 0;
  std::vector<BoundSource> sources;
  std::optional<std::size_t> guard;
  bool guard_needs_offset = false;  // a guard value without an offset cannot be read
  std::vector<BoundSet> sets;
  std::size_t columns = 0;  // in the COPY column list
  bool has_unevaluable = false;
};

class DumpProcessor {
 public:
  DumpProcessor(io::LineReader& lines, const DataMap& map, match::TombstoneMatcher& tombstones,
                const tombstones::Key& key, io::OutputFile* out, FileReport* report,
                DumpCascade* cascade)
      : lines_(lines),
        map_(map),
        tombstones_(tombstones),
        key_(key),
        out_(out),
        report_(report),
        cascade_(cascade) {}

  Status Run() {
    for (;;) {
      std::string_view line;
      if (Status s = lines_.Next(&line); !s.ok()) return s;
      if (line.empty()) break;
      ++line_no_;
      last_complete_ = line.back() == '\n';
      Status s = in_copy_ ? OnCopyRow(line) : OnStatementLine(line);
      if (!s.ok()) return s;
    }
    if (in_copy_)
      return Status::Usage("unable to read '" + report_->path +
                           "': the COPY block opened on line " + std::to_string(copy_line_) +
                           " never ends (a truncated dump?)");
    // A dump cut anywhere else (between tables, inside a statement or a COPY header) would
    // silently lose what followed: pg_dump's last words must be there.
    if (!last_complete_)
      return Status::Usage("unable to read '" + report_->path + "': its last line (" +
                               std::to_string(line_no_) + ") is cut short (a truncated dump?)",
                           kTruncatedHint);
    if (!complete_)
      return Status::Usage("unable to read '" + report_->path +
                               "': it does not end with pg_dump's '" + std::string(kTrailer) +
                               "' line (a truncated dump?)",
                           kTruncatedHint);
    for (const TableReport& t : report_->tables)
      if (t.counts.guard_unreadable > 0)
        Warn("table " + t.name + ": " + std::to_string(t.counts.guard_unreadable) +
             " matching rows kept because their created_at guard could not be read");
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

  // Outside COPY blocks: the DDL to schema_, spot COPY and INSERT.
  Status OnStatementLine(std::string_view line) {
    std::string a, b, c, d;
    if (cascade_ != nullptr) cascade_->OnStatement(line);
    // Complete while only comments, blank lines and \unrestrict follow the trailer.
    const std::string_view text = WithoutNewline(line);
    if (text == kTrailer || text == kClusterTrailer)
      complete_ = true;
    else if (!text.empty() && !StartsWith(text, "--") && !StartsWith(text, "\\unrestrict "))
      complete_ = false;
    if (schema_.OnStatement(line)) return Write(line);
    if (StartsWith(line, "-- ")) {
      // pg_dump's table of contents: "-- Data for Name: t; Type: TABLE DATA; ..." precedes
      // a table's rows, "-- Name: ..." any other object.
      if (StartsWith(line, "-- Data for Name: "))
        table_data_ = line.find("; Type: TABLE DATA;") != std::string_view::npos;
      else if (StartsWith(line, "-- Name: "))
        table_data_ = false;
    } else if (StartsWith(line, "COPY ")) {
      CopyHeader header;
      const bool parsed = ParseCopyHeader(line, &header);
      if (!parsed && text.ends_with(" FROM stdin;"))  // its rows would pass unread
        return Status::Usage("unable to read '" + report_->path + "': line " +
                             std::to_string(line_no_) + ": a COPY header that cannot be parsed");
      if (parsed) {
        in_copy_ = true;
        copy_line_ = line_no_;
        copy_table_ = header.schema + "." + header.table;
        if (const TableMap* t = FindTable(copy_table_)) {
          if (Status s = Bind(*t, header); !s.ok()) return s;
        }
        if (cascade_ != nullptr) {
          cascade_->Begin(schema_.PartitionAncestors(copy_table_), header.columns);
          cascade_block_ = cascade_->Involved();
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

  // The map's table for a dump table, through partition parents and inheritance (the old way
  // of partitioning: a mapped parent covers its children, as in replay).
  const TableMap* FindTable(const std::string& name) const {
    for (const std::string& n : schema_.Lineage(name))
      for (const TableMap& t : map_.tables)
        if (t.schema + "." + t.name == n) return &t;
    return nullptr;
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
      BoundSource source{*field, json_key, tombstones_.ForKind(m.kind)};
      if (!json_key) {
        const auto type = schema_.TypeOf(dump_table, column);
        source.shape = !type                ? BoundSource::Shape::kUnknown
                       : type->ends_with("]") ? BoundSource::Shape::kArray
                                              : BoundSource::Shape::kScalar;
      }
      a.sources.push_back(std::move(source));
    }
    if (!t.created_at.empty()) {
      a.guard = field_of(t.created_at);
      if (!a.guard)
        return Fail(t, "its COPY block has no guard column '" + t.created_at + "'", t.line);
      // As replay: a guard is a date or a timestamp; one of another type is refused.
      const auto type = schema_.TypeOf(dump_table, t.created_at);
      if (type && !IsGuardType(*type))
        return Fail(t, "guard column '" + t.created_at + "' is '" + *type +
                           "', not a date or timestamp", t.line);
      // A timestamp without time zone or a date is wall-clock time: replay reads it in
      // created_at_zone, else in the database's TimeZone, which a dump does not carry. Read as
      // UTC in another zone's stead, a guard hours off could keep a row that must go.
      const bool local = type && type->find("with time zone") == std::string::npos;
      const bool utc = t.created_at_zone == "UTC" || t.created_at_zone == "Etc/UTC";
      if (local && !t.created_at_zone.empty() && !utc)
        return Fail(t, "guard column '" + t.created_at + "' is read as UTC in a dump, not in "
                       "created_at_zone '" + t.created_at_zone + "'", t.line);
      if (local && t.created_at_zone.empty())
        return Status::Usage(
            "unable to read '" + report_->path + "': table " + t.schema + "." + t.name + " (" +
                map_.path + ":" + std::to_string(t.line) + "): guard column '" + t.created_at +
                "' is '" + *type + "', a wall-clock time in a zone the dump does not say (replay "
                "reads it in the database's TimeZone)",
            "if the application writes it in UTC, add created_at_zone = \"UTC\" to the table's "
            "entry; a dump's guard can be read in UTC only");
      // No CREATE TABLE (a data-only dump): the values say it, timestamptz text has an offset.
      a.guard_needs_offset = !type && !utc;
    }
    a.columns = header.columns.size();
    for (const AnonymizeSet& s : t.set) {
      const auto field = field_of(s.column);
      if (!field) return Fail(t, "its COPY block has no column '" + s.column + "'", s.line);
      BoundSet b{*field, s.strategy, {}, {}, tombstones::Normalizer::kExact};
      for (const MatchSource& m : t.match)
        if (s.strategy == Strategy::kHash && m.expr.empty() && m.column == s.column &&
            b.pseudonym_kind.empty()) {
          b.pseudonym_kind = m.kind;
          const match::KindMatcher* km = tombstones_.ForKind(m.kind);
          b.pseudonym_normalizer =
              km ? km->normalizer() : tombstones::DefaultNormalizerFor(m.kind);
        }
      const auto type = schema_.TypeOf(dump_table, s.column);
      if (s.strategy == Strategy::kNull) {
        b.target = "\\N";
      } else if (s.strategy == Strategy::kLiteral) {
        AppendCopyEscaped(s.literal, &b.target);
      } else if (s.strategy == Strategy::kRedact) {
        // A scan only needs the marker to recognize rows already anonymized.
        const auto marker = type ? RedactMarker(*type) : std::nullopt;
        const std::size_t paren = type ? type->find('(') : std::string::npos;
        const std::size_t limit =
            marker && IsTextType(*type) && paren != std::string::npos
                ? std::strtoul(type->c_str() + paren + 1, nullptr, 10)
                : 0;
        if (limit > 0 && marker->size() > limit)  // the server would cut it: replay refuses too
          return Fail(t,
                      "the redact marker for column '" + s.column + "' does not fit type '" +
                          *type + "': it would be cut to '" + marker->substr(0, limit) + "'",
                      s.line);
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
      cascade_block_ = false;
      active_.reset();
      return Write(line);
    }
    if (!active_) {
      if (!cascade_block_) return Write(line);
      Split(WithoutNewline(line));
      return FollowKeys(line, nullptr);
    }
    ActiveTable& a = *active_;
    Counts& table = report_->tables[a.report].counts;
    ++report_->counts.rows;
    ++table.rows;
    bool unevaluable = a.has_unevaluable;
    Split(WithoutNewline(line));
    if (a.columns != 0 && fields_.size() != a.columns)
      return Status::Usage("unable to read '" + report_->path + "': line " +
                           std::to_string(line_no_) + ": a row of " + a.name + " with " +
                           std::to_string(fields_.size()) + " fields, not " +
                           std::to_string(a.columns));
    hits_.Clear();
    for (const BoundSource& s : a.sources) {
      if (s.field >= fields_.size() || s.matcher == nullptr) continue;
      if (!Value(fields_[s.field], &value_)) continue;
      if (s.json_key) {
        bool too_deep = false;
        const auto inner = JsonKeyText(value_, *s.json_key, &too_deep);
        if (inner) Hit(s.matcher->Find(*inner));
        if (too_deep) {
          unevaluable = true;
          Warn("table " + a.name + ": a json value nested deeper than " +
               std::to_string(kMaxJsonKeyDepth) + " levels cannot be evaluated; its row is counted "
               "as not evaluable");
        }
      } else if (s.shape == BoundSource::Shape::kScalar) {
        Hit(s.matcher->Find(value_));
      } else {
        const bool literal = ForEachArrayElement(
            value_, [&](std::string_view element) { Hit(s.matcher->Find(element)); });
        if (s.shape == BoundSource::Shape::kUnknown) {
          Hit(s.matcher->Find(value_));
        } else if (!literal) {  // the server wrote it: a dump edited by hand?
          unevaluable = true;
          Warn("table " + a.name + ": an array value that is not an array literal cannot be "
               "evaluated; its row is counted as not evaluable");
        }
      }
    }
    if (unevaluable) ++report_->not_evaluable;
    if (hits_.empty()) return cascade_block_ ? FollowKeys(line, nullptr) : Write(line);
    match::Guard guard;
    if (a.guard && *a.guard < fields_.size()) {
      const bool null = !Value(fields_[*a.guard], &value_);
      guard = ReadGuard(null, value_);
      if (guard.state == match::Guard::kTime && a.guard_needs_offset && !HasOffset(value_))
        return Status::Usage(
            "unable to read '" + report_->path + "': line " + std::to_string(line_no_) +
                ": a guard value of " + a.name + " without a time zone offset, in a dump "
                "without its CREATE TABLE: wall-clock time in a zone the dump does not say",
            "if the application writes it in UTC, add created_at_zone = \"UTC\" to the "
            "table's entry in " + map_.path);
    }
    const match::RowFate fate = hits_.Decide(guard);
    Outcome o = fate == match::RowFate::kHeld              ? Outcome::kHeld
                : fate == match::RowFate::kGuardUnreadable ? Outcome::kGuardUnreadable
                                                            : Outcome::kKeptByGuard;
    if (fate == match::RowFate::kApply) {
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
    report_->Record(line_no_, a.name,
                    std::string(tombstones_.table().request_id(hits_.decisive())), o, &table);
    if (o == Outcome::kRemoved) {
      if (cascade_block_) cascade_->Removed(fields_);
      return Status::Ok();
    }
    if (cascade_block_) {
      Status s;
      if (o == Outcome::kChanged) {
        // As in replay, the anonymize comes first: the keys see the row as it will be written,
        // so a reference that the anonymize clears no longer ties the row to its parent.
        changed_ = Anonymized(a, false);
        const std::vector<std::string_view> original = fields_;
        Split(changed_);
        s = FollowKeys(line, &o);
        fields_ = original;
      } else {
        s = FollowKeys(line, &o);
      }
      if (!s.ok()) return s;
    }
    if (o != Outcome::kChanged || out_ == nullptr) return Write(line);
    return Write(Anonymized(a, line.back() == '\n'));
  }

  // What the dump's foreign keys do to a row (split into fields_) whose parent row is removed.
  // `kept`: the map's outcome for a matching row it keeps (null for a row the map does not
  // decide): such a row may not be removed or changed by a key, as replay refuses it.
  Status FollowKeys(std::string_view line, const Outcome* kept) {
    const DumpCascade::Effect e = cascade_->Check(fields_);
    if (e.key == nullptr) return kept ? Status::Ok() : Write(line);
    const std::string key = "foreign key '" + e.key->name + "' (ON DELETE " +
                            std::string(OnDeleteName(e.key->on_delete)) + ") from " +
                            e.key->child + " to " + e.key->parent;
    const std::string where = "unable to " + cascade_->command() + " '" + report_->path +
                              "': line " +
                              std::to_string(line_no_) + ": ";
    if (e.refused)
      return Status::Usage(where + "a row of " + copy_table_ + " references a row that scrub "
                               "removes, through " + key + ": the scrubbed dump would not restore",
                           "map " + e.key->child + " too, so that its rows of erased subjects go "
                           "with their parent (replay needs the same)");
    if (kept != nullptr)
      return Status::Usage(where + key + " would " + (e.remove ? "remove" : "change") +
                               " a row of " + copy_table_ + " that the map keeps (" +
                               std::string(OutcomeName(*kept, false)) + ")",
                           "replay refuses the same: rows that must stay may not be touched by "
                           "the server's cascades");
    if (e.remove) {
      cascade_->Removed(fields_);
      ++report_->cascade_removed;
      return Status::Ok();
    }
    ++report_->cascade_set_null;
    if (out_ == nullptr) return Write(line);
    row_.clear();
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (i > 0) row_.push_back('\t');
      bool null = false;
      for (std::size_t f : e.set_null) null |= f == i;
      row_.append(null ? std::string_view("\\N") : fields_[i]);
    }
    if (line.back() == '\n') row_.push_back('\n');
    return Write(row_);
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

  // Gathers the tombstone a value matched (kNone: none).
  void Hit(std::uint32_t t) {
    const match::TombstoneTable& table = tombstones_.table();
    if (t != match::TombstoneTable::kNone) hits_.Add(t, table.held(t), table.erased_at(t));
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
      } else if (!set->pseudonym_kind.empty() &&
                 tombstones::Normalize(set->pseudonym_normalizer, value_, &normalized_)) {
        AppendCopyEscaped(key_.Pseudonym(set->pseudonym_kind, normalized_), &row_);
      } else {
        AppendCopyEscaped(key_.Pseudonym({}, value_), &row_);
      }
    }
    if (newline) row_.push_back('\n');
    return row_;
  }

  io::LineReader& lines_;
  const DataMap& map_;
  match::TombstoneMatcher& tombstones_;
  const tombstones::Key& key_;
  io::OutputFile* out_;
  FileReport* report_;
  DumpCascade* cascade_;
  bool cascade_block_ = false;  // the current COPY block's table has foreign keys to follow
  std::string copy_table_;      // the current COPY block's table (schema.table)

  long line_no_ = 0, copy_line_ = 0;
  bool in_copy_ = false;
  bool complete_ = false;       // pg_dump's completion trailer read, nothing but comments since
  bool last_complete_ = true;   // the last line read ends with its newline
  bool table_data_ = false;  // after a "-- Data for Name: ...; Type: TABLE DATA" comment
  std::optional<ActiveTable> active_;
  DumpSchema schema_;     // column types, partitions, inheritance
  std::string changed_;  // an anonymized row, for the foreign keys to look at
  std::vector<std::string_view> fields_;
  match::RowMatch hits_;
  std::string value_, row_, normalized_;
};

}  // namespace

bool IsTextType(std::string_view type) {
  const std::string_view base = type.substr(0, type.find('('));
  return base == "text" || base == "character varying" || base == "varchar" ||
         base == "character" || base == "char" || base == "citext" || base == "public.citext" ||
         base == "name" || base == "bpchar";
}

std::optional<std::string> RedactMarker(std::string_view type) {
  const char category = match::DumpTypeCategory(type);
  std::string marker = match::RedactMarker(category, type);
  if (marker.empty()) return std::nullopt;
  // As the server prints the marker cast to the column's type, as replay writes it: booleans
  // print as f, a timestamp without time zone drops the offset. (A marker longer than a
  // varchar(n) is refused by Bind, as replay refuses it.)
  if (category == 'B') return "f";
  if (category == 'D' && marker.ends_with("+00") && type.find("with time zone") == std::string_view::npos)
    marker.resize(marker.size() - 3);
  return marker;
}

Status ProcessDump(io::LineReader& lines, const DataMap& map, match::TombstoneMatcher& tombstones,
                   const tombstones::Key& key, io::OutputFile* out, FileReport* report,
                   DumpCascade* cascade) {
  report->format = "pg_dump";
  return DumpProcessor(lines, map, tombstones, key, out, report, cascade).Run();
}

}  // namespace tombstone::exports

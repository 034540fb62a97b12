#include "src/exports/dump_cascade.h"

#include <cctype>

namespace tombstone::exports {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void Skip(std::string_view s, std::size_t* i) {
  while (*i < s.size() && (s[*i] == ' ' || s[*i] == '\t')) ++*i;
}

// One SQL identifier: "quoted" (with "" inside) or bare.
bool Identifier(std::string_view s, std::size_t* i, std::string* out) {
  out->clear();
  if (*i < s.size() && s[*i] == '"') {
    for (++*i; *i < s.size(); ++*i) {
      if (s[*i] != '"') {
        out->push_back(s[*i]);
      } else if (*i + 1 < s.size() && s[*i + 1] == '"') {
        out->push_back('"');
        ++*i;
      } else {
        ++*i;
        return true;
      }
    }
    return false;
  }
  while (*i < s.size() && (std::isalnum(static_cast<unsigned char>(s[*i])) || s[*i] == '_' ||
                           s[*i] == '$' || static_cast<unsigned char>(s[*i]) >= 0x80))
    out->push_back(s[(*i)++]);
  return !out->empty();
}

bool Qualified(std::string_view s, std::size_t* i, std::string* out) {
  std::string a, b;
  if (!Identifier(s, i, &a)) return false;
  if (*i < s.size() && s[*i] == '.') {
    ++*i;
    if (!Identifier(s, i, &b)) return false;
    *out = a + "." + b;
  } else {
    *out = "public." + a;
  }
  return true;
}

bool Word(std::string_view s, std::size_t* i, std::string_view word) {
  Skip(s, i);
  if (!StartsWith(s.substr(*i), word)) return false;
  *i += word.size();
  return true;
}

// "(a, b)"
bool ColumnList(std::string_view s, std::size_t* i, std::vector<std::string>* out) {
  Skip(s, i);
  if (*i >= s.size() || s[*i] != '(') return false;
  ++*i;
  for (;;) {
    Skip(s, i);
    std::string c;
    if (!Identifier(s, i, &c)) return false;
    out->push_back(std::move(c));
    Skip(s, i);
    if (*i < s.size() && s[*i] == ',') {
      ++*i;
      continue;
    }
    if (*i < s.size() && s[*i] == ')') {
      ++*i;
      return true;
    }
    return false;
  }
}

std::string KeyOf(const std::vector<std::string_view>& fields, const std::vector<std::size_t>& at,
                  bool* null) {
  std::string key;
  *null = false;
  for (std::size_t f : at) {
    if (f >= fields.size() || fields[f] == "\\N") {
      *null = true;  // MATCH SIMPLE: a NULL in the key references nothing
      return {};
    }
    if (!key.empty()) key.push_back('\t');
    key.append(fields[f]);
  }
  return key;
}

}  // namespace

std::string_view OnDeleteName(DumpForeignKey::OnDelete d) {
  switch (d) {
    case DumpForeignKey::OnDelete::kNoAction:
      return "NO ACTION";
    case DumpForeignKey::OnDelete::kRestrict:
      return "RESTRICT";
    case DumpForeignKey::OnDelete::kCascade:
      return "CASCADE";
    case DumpForeignKey::OnDelete::kSetNull:
      return "SET NULL";
    case DumpForeignKey::OnDelete::kSetDefault:
      return "SET DEFAULT";
  }
  return "?";
}

bool ParseForeignKey(std::string_view alter, std::string_view add, DumpForeignKey* out) {
  std::size_t i = 0;
  if (!Word(alter, &i, "ALTER TABLE ")) return false;
  const std::size_t only = i;
  if (!Word(alter, &i, "ONLY ")) i = only;
  Skip(alter, &i);
  if (!Qualified(alter, &i, &out->child)) return false;
  std::size_t j = 0;
  if (!Word(add, &j, "ADD CONSTRAINT ")) return false;
  Skip(add, &j);
  if (!Identifier(add, &j, &out->name)) return false;
  if (!Word(add, &j, "FOREIGN KEY")) return false;
  out->child_columns.clear();
  out->parent_columns.clear();
  out->set_columns.clear();
  if (!ColumnList(add, &j, &out->child_columns)) return false;
  if (!Word(add, &j, "REFERENCES ")) return false;
  Skip(add, &j);
  if (!Qualified(add, &j, &out->parent)) return false;
  if (!ColumnList(add, &j, &out->parent_columns)) return false;
  if (out->parent_columns.size() != out->child_columns.size()) return false;
  out->on_delete = DumpForeignKey::OnDelete::kNoAction;
  const std::size_t on = add.find(" ON DELETE ", j);
  if (on != std::string_view::npos) {
    std::size_t k = on + 11;
    if (Word(add, &k, "CASCADE")) {
      out->on_delete = DumpForeignKey::OnDelete::kCascade;
    } else if (Word(add, &k, "RESTRICT")) {
      out->on_delete = DumpForeignKey::OnDelete::kRestrict;
    } else if (Word(add, &k, "SET NULL")) {
      out->on_delete = DumpForeignKey::OnDelete::kSetNull;
      std::size_t l = k;
      if (!ColumnList(add, &l, &out->set_columns)) out->set_columns.clear();
    } else if (Word(add, &k, "SET DEFAULT")) {
      out->on_delete = DumpForeignKey::OnDelete::kSetDefault;
    }
  }
  return true;
}

void DumpCascade::OnStatement(std::string_view line) {
  if (passes_ > 0) return;  // the keys are known after the first pass
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (StartsWith(line, "ALTER TABLE ") && !line.ends_with(";")) {
    pending_alter_.assign(line);
    return;
  }
  if (!pending_alter_.empty()) {
    DumpForeignKey key;
    if (ParseForeignKey(pending_alter_, line, &key)) keys_.push_back(std::move(key));
    pending_alter_.clear();
  }
}

void DumpCascade::Begin(const std::vector<std::string>& names,
                        const std::vector<std::string>& columns) {
  as_child_.clear();
  as_parent_.clear();
  auto fields_of = [&](const std::vector<std::string>& wanted, std::vector<std::size_t>* at) {
    for (const std::string& w : wanted) {
      std::size_t f = 0;
      while (f < columns.size() && columns[f] != w) ++f;
      if (f == columns.size()) return false;
      at->push_back(f);
    }
    return true;
  };
  for (std::size_t k = 0; k < keys_.size(); ++k)
    for (const std::string& name : names) {
      std::vector<std::size_t> at;
      if (keys_[k].child == name && fields_of(keys_[k].child_columns, &at))
        as_child_.push_back({k, std::move(at)});
      at.clear();
      if (keys_[k].parent == name && fields_of(keys_[k].parent_columns, &at))
        as_parent_.push_back({k, std::move(at)});
    }
}

DumpCascade::Effect DumpCascade::Check(const std::vector<std::string_view>& fields) const {
  Effect e;
  for (const auto& [k, at] : as_child_) {
    if (removed_.size() <= k || removed_[k].empty()) continue;
    bool null = false;
    const std::string key = KeyOf(fields, at, &null);
    if (null || removed_[k].count(key) == 0) continue;
    const DumpForeignKey& fk = keys_[k];
    e.key = &fk;
    switch (fk.on_delete) {
      case DumpForeignKey::OnDelete::kCascade:
        e.remove = true;
        return e;  // removed: nothing else matters
      case DumpForeignKey::OnDelete::kSetNull: {
        const auto& cols = fk.set_columns.empty() ? fk.child_columns : fk.set_columns;
        for (std::size_t c = 0; c < cols.size(); ++c)
          for (std::size_t i = 0; i < fk.child_columns.size(); ++i)
            if (fk.child_columns[i] == cols[c]) e.set_null.push_back(at[i]);
        break;
      }
      default:
        e.refused = true;
        return e;
    }
  }
  return e;
}

void DumpCascade::Removed(const std::vector<std::string_view>& fields) {
  for (const auto& [k, at] : as_parent_) {
    bool null = false;
    std::string key = KeyOf(fields, at, &null);
    if (null) continue;
    if (removed_now_.size() < keys_.size()) removed_now_.resize(keys_.size());
    removed_now_[k].insert(std::move(key));
  }
}

bool DumpCascade::EndPass() {
  ++passes_;
  if (passes_ == 1) {
    removed_.resize(keys_.size());
    return !keys_.empty();
  }
  bool grew = false;
  removed_now_.resize(keys_.size());
  for (std::size_t k = 0; k < keys_.size(); ++k)
    for (const std::string& key : removed_now_[k]) grew |= removed_[k].insert(key).second;
  removed_now_.assign(keys_.size(), {});
  return grew;
}

}  // namespace tombstone::exports

// Scrub follows a dump's foreign keys, as the server follows them for replay, so that the
// scrubbed dump restores: a row that references a removed row through ON DELETE CASCADE is
// removed too (in any table, mapped or not, and on down the chain), ON DELETE SET NULL clears the
// referencing columns, and anything else (RESTRICT, NO ACTION, SET DEFAULT, or a cascade into a
// row the map keeps: retained, held, kept by the guard, anonymized) is refused before any output
// is written.
//
// The keys are in the dump itself, after the data (post-data "ALTER TABLE ... ADD CONSTRAINT ...
// FOREIGN KEY"), and children may come before their parents: the dump is read several times. The
// first pass collects the foreign keys; each further pass removes what the keys removed in the
// passes before it say; the passes stop when a pass removes nothing new, and then the copy is
// written. Memory: the key values of removed rows only.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tombstone::exports {

struct DumpForeignKey {
  enum class OnDelete { kNoAction, kRestrict, kCascade, kSetNull, kSetDefault };
  std::string name, child, parent;  // schema.table
  std::vector<std::string> child_columns, parent_columns;
  OnDelete on_delete = OnDelete::kNoAction;
  std::vector<std::string> set_columns;  // SET NULL (a, b): only those; empty: every child column
};
std::string_view OnDeleteName(DumpForeignKey::OnDelete d);

// pg_dump's two lines: "ALTER TABLE ONLY public.orders" (or without ONLY) and "    ADD
// CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE
// CASCADE;". False when they are not a foreign key.
bool ParseForeignKey(std::string_view alter, std::string_view add, DumpForeignKey* out);

class DumpCascade {
 public:
  // `command`: "scrub", or "scan" (which follows the keys to report what scrub would remove, and
  // refuses what scrub would refuse), for messages.
  explicit DumpCascade(std::string command = "scrub") : command_(std::move(command)) {}
  const std::string& command() const { return command_; }

  // Every line outside COPY blocks, in order (collects the foreign keys in the first pass).
  void OnStatement(std::string_view line);

  // A COPY block begins: `names` are the table and its partition ancestors (schema.table),
  // `columns` its COPY column list. Whether its rows need looking at: Involved().
  void Begin(const std::vector<std::string>& names, const std::vector<std::string>& columns);
  bool Involved() const { return !as_child_.empty() || !as_parent_.empty(); }

  // What the foreign keys do to a row of the current block (raw COPY fields), given the parent
  // rows removed in the passes before.
  struct Effect {
    const DumpForeignKey* key = nullptr;  // the key that acts, when one does
    bool remove = false;                  // ON DELETE CASCADE
    std::vector<std::size_t> set_null;    // ON DELETE SET NULL: these fields become \N
    bool refused = false;                 // RESTRICT, NO ACTION, SET DEFAULT
  };
  Effect Check(const std::vector<std::string_view>& fields) const;
  // Records a row of the current block that this pass removes (by the map or by a cascade).
  void Removed(const std::vector<std::string_view>& fields);

  // Ends a pass: true when another is needed (the first pass found foreign keys, or this pass
  // removed rows that keys point at and that no pass removed before).
  bool EndPass();
  int passes() const { return passes_; }
  std::size_t keys() const { return keys_.size(); }

 private:
  std::string command_;
  std::vector<DumpForeignKey> keys_;
  std::string pending_alter_;  // "ALTER TABLE ..." waiting for its "ADD CONSTRAINT" line
  int passes_ = 0;
  // Per key: the parent key values (raw COPY text joined by tabs) removed so far.
  std::vector<std::set<std::string>> removed_, removed_now_;
  // The current block's keys: the key's index and the fields of its columns here.
  std::vector<std::pair<std::size_t, std::vector<std::size_t>>> as_child_, as_parent_;
};

}  // namespace tombstone::exports

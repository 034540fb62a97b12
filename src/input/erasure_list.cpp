// Reading erasure lists: see erasure_list.h.
#include "src/input/erasure_list.h"

#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <utility>

#include "src/input/csv.h"

namespace tombstone {
namespace {

// One identifier row: request,kind,value,erased_at[,hold], and where each field was read:
// "column 4 (erased_at)" in CSV, "field 'erased_at'" in JSON lines. Errors name the line and
// the field, never the text read: with shifted columns any field may hold an identifier.
struct Row {
  std::string request, kind, value, erased_at, hold;
  std::unordered_map<std::string, std::size_t> columns;  // CSV: 0-based index by name
  std::string Field(const std::string& name) const {
    auto it = columns.find(name);
    if (it == columns.end()) return "field '" + name + "'";
    return "column " + std::to_string(it->second + 1) + " (" + name + ")";
  }
};

// Gathers rows into tombstones (rows with the same request are one subject), in file order.
class Batch {
 public:
  Batch(IdentifierHasher& hasher, const InputSource& source) : hasher_(hasher), source_(source) {}

  Status AddRow(const Row& row, long line) {
    const std::string where = source_.Where(line);
    for (const auto* field : {&row.request, &row.kind, &row.value, &row.erased_at, &row.hold})
      if (field->size() > kMaxInputField)
        return Status::Usage("unable to import " + where + ": a field is longer than " +
                             std::to_string(kMaxInputField) + " bytes");
    if (row.request.empty() || row.kind.empty() || row.erased_at.empty())
      return Status::Usage("unable to import " + where +
                           ": request, kind, value and erased_at are required");
    auto erased_at = tombstones::ParseTime(row.erased_at);
    if (!erased_at.ok())
      return Status::Usage("unable to import " + where + ", " + row.Field("erased_at") + ": " +
                           Cause(erased_at.status()));
    auto id = hasher_.Hash(row.kind, row.value,
                           where + ", " + row.Field("kind") + "/" + row.Field("value"));
    if (!id.ok()) return id.status();
    auto [it, inserted] = index_.try_emplace(row.request, tombstones_.size());
    if (inserted) {
      tombstones::Tombstone t;
      t.request_id = row.request;
      t.erased_at = erased_at.value();
      if (!row.hold.empty()) t.hold_reason = row.hold, t.held_at = tombstones::Now();
      tombstones_.push_back(std::move(t));
      first_line_.push_back(line);
    }
    tombstones::Tombstone& t = tombstones_[it->second];
    if (t.erased_at != erased_at.value())
      return Status::Usage("unable to import " + where + ", " + row.Field("erased_at") +
                           ": the request of line " + std::to_string(first_line_[it->second]) +
                           " has another erased_at there");
    t.identifiers.push_back(std::move(id.value()));
    return Status::Ok();
  }
  std::vector<tombstones::Tombstone> Take() { return std::move(tombstones_); }

 private:
  // "unable to parse time: <why>" -> "<why>"
  static std::string Cause(const Status& s) {
    const std::size_t colon = s.message().find(": ");
    return colon == std::string::npos ? s.message() : s.message().substr(colon + 2);
  }

  IdentifierHasher& hasher_;
  const InputSource& source_;
  std::vector<tombstones::Tombstone> tombstones_;
  std::vector<long> first_line_;  // per tombstone: the line it was first read on
  std::unordered_map<std::string, std::size_t> index_;
};

Status ReadCsv(InputSource& source, Batch& batch) {
  CsvReader reader(source.stream(), ',',
                   {.field_bytes = kMaxInputField, .record_bytes = kMaxInputLine, .fields = 100});
  std::vector<std::string> fields;
  if (!reader.Next(&fields))
    return Status::Usage("unable to import " + source.name() +
                         (reader.error().empty() ? ": it is empty" : ": " + reader.error()));
  // Header: the four required columns and an optional hold, in any order.
  Row row;
  for (std::size_t i = 0; i < fields.size(); ++i) row.columns[fields[i]] = i;
  for (const char* name : {"request", "kind", "value", "erased_at"})
    if (!row.columns.count(name))
      return Status::Usage(
          "unable to import " + source.name() + ": the header has no '" + name + "' column",
          "the first line must be request,kind,value,erased_at[,hold]");
  const auto field = [&](const char* name) -> std::string {
    auto it = row.columns.find(name);
    return it != row.columns.end() && it->second < fields.size() ? fields[it->second] : "";
  };
  while (reader.Next(&fields)) {
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (fields.size() != row.columns.size())
      return Status::Usage("unable to import " + source.Where(reader.first_line()) + ": expected " +
                           std::to_string(row.columns.size()) + " fields, found " +
                           std::to_string(fields.size()));
    row.request = field("request");
    row.kind = field("kind");
    row.value = field("value");
    row.erased_at = field("erased_at");
    row.hold = field("hold");
    if (Status s = batch.AddRow(row, reader.first_line()); !s.ok()) return s;
  }
  if (!reader.error().empty())
    return Status::Usage("unable to import " + source.name() + ": " + reader.error());
  return Status::Ok();
}

// Why a JSON text is not valid: " (column N)" where it stops being valid, " (a number out of
// range)", or "" when the parser says nothing more. Never the parser's own message: it quotes
// the text.
std::string JsonError(const std::string& text) {
  try {
    const nlohmann::json doc = nlohmann::json::parse(text);
    (void)doc;
  } catch (const nlohmann::json::parse_error& e) {
    return " (column " + std::to_string(e.byte) + ")";
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond double's range (error 406) is refused with an out_of_range, not a
    // parse_error, and says nowhere where it is.
    return " (a number out of range)";
  } catch (const nlohmann::json::exception&) {
  }
  return "";
}

Status ReadJsonLines(InputSource& source, Batch& batch) {
  std::string line;
  for (long n = 1;; ++n) {
    auto more = source.ReadLine(&line, n);
    if (!more.ok()) return more.status();
    if (!more.value()) break;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      return Status::Usage("unable to import " + source.Where(n) + ": not valid JSON" +
                           JsonError(line));
    }
    if (!j.is_object())
      return Status::Usage("unable to import " + source.Where(n) + ": not a JSON object");
    Row row;
    const std::pair<const char*, std::string*> fields[] = {{"request", &row.request},
                                                           {"kind", &row.kind},
                                                           {"value", &row.value},
                                                           {"erased_at", &row.erased_at},
                                                           {"hold", &row.hold}};
    for (const auto& [name, out] : fields) {
      auto it = j.find(name);
      if (it == j.end() || it->is_null()) continue;
      if (!it->is_string())
        return Status::Usage("unable to import " + source.Where(n) + ": '" + name +
                             "' must be a string");
      *out = it->get<std::string>();
    }
    if (Status s = batch.AddRow(row, n); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<tombstones::Tombstone>> ReadErasureList(InputSource& source,
                                                           ErasureListFormat format,
                                                           IdentifierHasher& hasher) {
  Batch batch(hasher, source);
  Status read =
      format == ErasureListFormat::kCsv ? ReadCsv(source, batch) : ReadJsonLines(source, batch);
  // An input cut short (a truncated .zst) ends in a partial record that looks malformed (a header
  // without its columns): the read error is the cause to report.
  if (!source.status().ok()) return source.status();
  if (!read.ok()) return read;
  return batch.Take();
}

}  // namespace tombstone

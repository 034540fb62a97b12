// tombstone receipts list: one line per receipt in the store's log, oldest first.
#include "src/commands/receipts_list.h"

#include <nlohmann/json.hpp>

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/io/json_text.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) { DeclareFormatOption(options); }

// What the run did, in words that never overstate it. Only a replay that committed (receipt
// version 2: "committed": true; version 1: exit 0 and verified clean) applied anything; a run
// that failed says so, and a version 2 receipt that did not commit says it rolled back.
std::string Outcome(const nlohmann::json& r) {
  if (!r.is_object()) return "?";
  const auto exit_code = r.find("exit_code");
  const bool exited_0 = exit_code != r.end() && *exit_code == 0;
  const std::string exit_text = exit_code == r.end() ? std::string("?") : io::JsonText(*exit_code);
  const auto count = [&](const char* name) {
    const auto it = r.find(name);
    return it != r.end() && it->is_number_unsigned() ? std::to_string(it->get<std::uint64_t>())
                                                     : std::string("?");
  };
  if (r.value("command", "") == "verify")
    return exited_0 ? "clean" : count("tombstones_present") + " present (exit " + exit_text + ")";
  if (r.value("command", "") != "replay") return "?";
  if (r.value("dry_run", false)) return "dry run, nothing changed";
  const auto committed = r.find("committed");
  if (committed != r.end() && committed->is_boolean()) {
    if (!committed->get<bool>()) return "rolled back (exit " + exit_text + ")";
    std::string text = "applied " + count("tombstones_applied");
    if (!exited_0) text += " (exit " + exit_text + ")";
    return text;
  }
  // Version 1 receipts: a failed run's tombstones_applied counted what it tried.
  if (exited_0 && r.value("verification", "") == "clean")
    return "applied " + count("tombstones_applied");
  return "failed (exit " + exit_text + ")";
}

// The receipt's fields (docs/receipt.md), as text; "?" where the body lacks them.
std::vector<std::string> Columns(const tombstones::ReceiptEntry& e) {
  const nlohmann::json r = nlohmann::json::parse(e.body, nullptr, /*allow_exceptions=*/false);
  const auto text = [&](const nlohmann::json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "?";
    return io::JsonText(v);
  };
  const auto field = [&](const char* name) {
    return r.is_object() && r.contains(name) ? text(r[name]) : std::string("?");
  };
  const std::string database =
      r.is_object() && r.contains("database") && r["database"].is_object()
          ? text(r["database"].value("name", nlohmann::json()))
          : "?";
  return {std::to_string(e.seq), tombstones::FormatTime(e.recorded_at), field("command"),
          field("dry_run"), field("exit_code"), field("verification"), database,
          Outcome(r)};
}

Status Run(Context& ctx) {
  auto format = GetFormat(ctx);
  if (!format.ok()) return format.status();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  if (format.value() == Format::kJson) {
    nlohmann::json out = nlohmann::json::array();
    Status s = opened->store->ForEachReceipt([&](const tombstones::ReceiptEntry& e) {
      const nlohmann::json body = nlohmann::json::parse(e.body, nullptr, false);
      out.push_back({{"seq", e.seq}, {"recorded_at", tombstones::FormatTime(e.recorded_at)},
                     {"outcome", Outcome(body)},
                     {"receipt", body.is_discarded() ? nlohmann::json(e.body) : body}});
      return true;
    });
    if (!s.ok()) return s;
    ctx.io.out << io::JsonText(out, 2) << '\n';
    return Status::Ok();
  }
  Table table({"seq", "recorded_at", "command", "dry_run", "exit", "verification", "database",
               "outcome"});
  std::size_t count = 0;
  Status s = opened->store->ForEachReceipt([&](const tombstones::ReceiptEntry& e) {
    table.Add(Columns(e));
    ++count;
    return true;
  });
  if (!s.ok()) return s;
  table.Print(ctx.io.out, format.value());
  if (format.value() == Format::kTable)
    ctx.io.out << count << (count == 1 ? " receipt\n" : " receipts\n");
  return Status::Ok();
}

}  // namespace

const CommandSpec& ReceiptsListCommand() {
  static const CommandSpec spec{
      "receipts list", "", 0, 0, "list the receipts of past replays and verifies",
      "Lists the store's receipts log, oldest first: every 'replay' and 'verify' appends one\n"
      "(sequence number, time, command, exit code, verification result, database name, and the\n"
      "outcome: 'applied N' only for a replay that committed; 'rolled back (exit N)' or\n"
      "'failed (exit N)' for one that did not; 'clean' or 'N present' for a verify).\n"
      "'tombstone receipts show SEQ' prints one in full;\n"
      "'tombstone receipts verify' proves none was edited or removed.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

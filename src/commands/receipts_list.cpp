// tombstone receipts list: one line per receipt in the store's log, oldest first.
#include "src/commands/receipts_list.h"

#include <nlohmann/json.hpp>

#include "src/cli/output.h"
#include "src/cli/store_access.h"
#include "src/io/json_text.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) { DeclareFormatOption(options); }

// The receipt's fields (docs/receipts.md), as text; "?" where the body lacks them.
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
          field("tombstones_applied")};
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
                     {"receipt", body.is_discarded() ? nlohmann::json(e.body) : body}});
      return true;
    });
    if (!s.ok()) return s;
    ctx.io.out << io::JsonText(out, 2) << '\n';
    return Status::Ok();
  }
  Table table({"seq", "recorded_at", "command", "dry_run", "exit", "verification", "database",
               "applied"});
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
      "(sequence number, time, command, exit code, verification result, database name, how\n"
      "many tombstones it applied). 'tombstone receipts show SEQ' prints one in full;\n"
      "'tombstone receipts verify' proves none was edited or removed.\n",
      Declare, Run};
  return spec;
}

}  // namespace tombstone

#include "src/cli/target.h"

namespace tombstone {
namespace {

std::string ReceiptOf(const std::string& file, const std::string& database) {
  const std::size_t slash = file.rfind('/');
  const std::size_t dot = file.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == 0 ||
      (slash != std::string::npos && dot == slash + 1))
    return file + "-" + database;
  return file.substr(0, dot) + "-" + database + file.substr(dot);
}

}  // namespace

void DeclareTargetOptions(cxxopts::Options& options) {
  options.add_options()(
      "target",
      "a target of the configuration file: its databases' DSNs and data maps "
      "(docs/configuration.md)",
      cxxopts::value<std::string>(), "NAME")(
      "database", "with --target: only this database of the target (default: each in turn)",
      cxxopts::value<std::string>(), "DB");
}

Result<const config::Target*> FindTarget(const Context& ctx, const std::string& name) {
  const config::Config& file = ctx.global.config;
  if (file.path.empty())
    return Status::Usage("unable to find target '" + name + "': no configuration file was read",
                         "name one with --config FILE or TOMBSTONE_CONFIG, or write " +
                             std::string(config::kDefaultPath) + " (docs/configuration.md)");
  const config::Target* target = file.Find(name);
  if (target == nullptr) {
    std::string known;
    for (const config::Target& t : file.targets) known += (known.empty() ? "" : ", ") + t.name;
    return Status::Usage("unable to find target '" + name + "' in configuration '" + file.path +
                             "'",
                         known.empty() ? "the file names no target"
                                       : "its targets: " + known);
  }
  return target;
}

Result<std::vector<JobInput>> ResolveJobInputs(const Context& ctx, const std::string& command) {
  const bool dsn_given = ctx.options->count("dsn") > 0;
  const std::string receipt = ctx.Has("receipt") ? ctx.Get<std::string>("receipt") : "";
  if (!ctx.Has("target")) {
    if (ctx.Has("database"))
      return Status::Usage("unable to run '" + command + "': --database needs --target");
    if (!ctx.Has("map"))
      return Status::Usage("unable to run '" + command + "': --map FILE (or --target NAME) is "
                           "required",
                           "docs/data-map.md describes the file; docs/configuration.md targets");
    return std::vector<JobInput>{{"", "", ctx.Get<std::string>("dsn"), ctx.Get<std::string>("map"),
                                  receipt}};
  }
  auto target = FindTarget(ctx, ctx.Get<std::string>("target"));
  if (!target.ok()) return target.status();
  const config::Target& t = *target.value();
  std::vector<const config::Database*> chosen;
  if (ctx.Has("database")) {
    const std::string name = ctx.Get<std::string>("database");
    const config::Database* db = t.Find(name);
    if (db == nullptr)
      return Status::Usage("unable to find database '" + name + "' in target '" + t.name +
                           "' of configuration '" + ctx.global.config.path + "'");
    chosen.push_back(db);
  } else {
    for (const config::Database& db : t.databases) chosen.push_back(&db);
  }
  if ((dsn_given || ctx.Has("map")) && chosen.size() > 1)
    return Status::Usage("unable to run '" + command + "' on target '" + t.name +
                             "': --dsn or --map with a target of several databases",
                         "name the database they are for with --database DB");
  std::vector<JobInput> inputs;
  for (const config::Database* db : chosen)
    inputs.push_back({t.name, db->name, dsn_given ? ctx.Get<std::string>("dsn") : db->dsn,
                      ctx.Has("map") ? ctx.Get<std::string>("map") : db->map,
                      receipt.empty() || chosen.size() == 1 ? receipt : ReceiptOf(receipt, db->name)});
  return inputs;
}

}  // namespace tombstone

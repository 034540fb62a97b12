#include "src/cli/globals.h"

#include <cstdlib>

#include "src/cli/options.h"

namespace tombstone {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

// The first of command line, environment and file that has a value, noted in `origin`.
template <class T>
std::optional<T> Pick(const std::string& setting, const std::optional<T>& cli, const char* env,
                      const std::optional<T>& file, GlobalOptions* g) {
  if (cli) {
    g->origin[setting] = "command line";
    return cli;
  }
  if (env != nullptr) {
    if (auto v = Env(env)) {
      g->origin[setting] = std::string("environment (") + env + ")";
      return T(*v);
    }
  }
  if (file) {
    g->origin[setting] = "configuration";
    return file;
  }
  g->origin[setting] = "default";
  return std::nullopt;
}

}  // namespace

Result<GlobalOptions> ResolveGlobals(const GlobalArgs& args) {
  GlobalOptions g;
  const std::optional<std::string> named = Pick<std::string>(
      "config", args.config, "TOMBSTONE_CONFIG", std::nullopt, &g);
  auto config = config::Load(named.value_or(std::string(config::kDefaultPath)), named.has_value());
  if (!config.ok()) return config.status();
  g.config = std::move(config.value());

  const config::Config& file = g.config;
  g.store_dir = Pick("store", args.store, "TOMBSTONE_STORE", file.store, &g).value_or("");
  g.key_file = Pick("key-file", args.key_file, "TOMBSTONE_KEY_FILE", file.key_file, &g).value_or("");
  g.sealing_key_file = Pick("sealing-key-file", args.sealing_key_file,
                            "TOMBSTONE_SEALING_KEY_FILE", file.sealing_key_file, &g)
                           .value_or("");
  const std::optional<std::string> file_timeout =
      file.lock_timeout ? std::optional<std::string>(std::to_string(*file.lock_timeout))
                        : std::nullopt;
  const std::optional<std::string> timeout =
      Pick("lock-timeout", args.lock_timeout, "TOMBSTONE_LOCK_TIMEOUT", file_timeout, &g);
  if (file.lock_timeout && OriginOf(g, "lock-timeout") == "configuration") {
    g.lock_timeout = *file.lock_timeout;  // checked when the file was read
  } else if (timeout) {
    const std::string what = OriginOf(g, "lock-timeout") == "command line"
                                 ? "--lock-timeout"
                                 : "TOMBSTONE_LOCK_TIMEOUT";
    auto seconds = ParseSeconds(*timeout, config::kMaxLockTimeout, what);
    if (!seconds.ok()) return seconds.status();
    g.lock_timeout = seconds.value();
  }
  // No environment variable: -q/-v on the command line, else the file's log-level.
  g.origin["log-level"] = args.log_level ? "command line"
                          : file.log_level ? "configuration"
                                           : "default";
  if (args.log_level)
    g.log_level = *args.log_level;
  else if (file.log_level)
    g.log_level = *file.log_level;
  return g;
}

const std::string& OriginOf(const GlobalOptions& globals, const std::string& setting) {
  static const std::string kDefault = "default";
  const auto it = globals.origin.find(setting);
  return it == globals.origin.end() ? kDefault : it->second;
}

}  // namespace tombstone

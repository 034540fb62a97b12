// Reading the configuration file. Every error names the file and the line; none quotes a value
// (a DSN may hold a password), and toml++'s own descriptions are cut before what they quote.
#include "src/config/config.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>


#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include "src/io/whole_file.h"
#include "src/pg/dsn.h"

namespace tombstone::config {
namespace {

class Errors {
 public:
  explicit Errors(const std::string& path) : path_(path) {}
  Status At(int line, const std::string& cause) const {
    return Status::Usage("unable to read configuration '" + path_ + "': line " +
                             std::to_string(line) + ": " + cause,
                         "docs/configuration.md describes the file");
  }
  Status At(const toml::node& node, const std::string& cause) const {
    return At(static_cast<int>(node.source().begin.line), cause);
  }

 private:
  const std::string& path_;
};

// toml++ describes a syntax error and may quote the characters it stopped at ("saw 'p'"):
// a piece of a password, maybe. Only the words before the first quote are kept.
std::string Unquoted(std::string_view description) {
  std::string text(description.substr(0, description.find_first_of("'\"`")));
  const auto trim = [&] {
    while (!text.empty() && (text.back() == ' ' || text.back() == ',' || text.back() == ':'))
      text.pop_back();
  };
  trim();
  for (std::string_view tail : {" saw", " but got", " got"})
    if (text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0)
      text.resize(text.size() - tail.size());
  trim();
  return text.empty() ? "a syntax error" : text;
}

// Names and paths go into messages and into 'tombstone config --format tsv' lines.
bool HasControl(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

Status CheckKeys(const toml::table& table, const std::set<std::string>& allowed,
                 const std::string& where, const Errors& errors) {
  for (const auto& [key, value] : table)
    if (allowed.count(std::string(key.str())) == 0)
      return errors.At(value, "unknown key '" + std::string(key.str()) + "' in " + where);
  return Status::Ok();
}

// A non-empty string at `key`, if present.
Result<std::optional<std::string>> String(const toml::table& table, std::string_view key,
                                          const std::string& where, const Errors& errors) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::optional<std::string>();
  const auto* value = node->as_string();
  if (value == nullptr || value->get().empty())
    return errors.At(*node, "'" + std::string(key) + "' in " + where +
                                " must be a non-empty string");
  return std::optional<std::string>(value->get());
}

Result<std::optional<std::string>> Path(const toml::table& table, std::string_view key,
                                        const std::string& where, const Errors& errors) {
  auto text = String(table, key, where, errors);
  if (!text.ok() || !text.value() || text.value()->front() == '/') return text;
  return errors.At(*table.get(key), "'" + std::string(key) + "' in " + where +
                                        " must be an absolute path");
}

Result<std::optional<std::string>> Dsn(const toml::table& table, const std::string& where,
                                       const Errors& errors) {
  auto dsn = String(table, "dsn", where, errors);
  if (!dsn.ok() || !dsn.value()) return dsn;
  if (auto problem = pg::DsnProblem(*dsn.value()))
    return errors.At(*table.get("dsn"), "'dsn' in " + where + ": " + *problem);
  return dsn;
}

Status ParseGlobals(const toml::table& root, Config* config, const Errors& errors) {
  auto store = Path(root, "store", "the global settings", errors);
  if (!store.ok()) return store.status();
  config->store = store.value();
  auto key_file = Path(root, "key-file", "the global settings", errors);
  if (!key_file.ok()) return key_file.status();
  config->key_file = key_file.value();
  auto sealing_key_file = Path(root, "sealing-key-file", "the global settings", errors);
  if (!sealing_key_file.ok()) return sealing_key_file.status();
  config->sealing_key_file = sealing_key_file.value();
  if (const toml::node* node = root.get("lock-timeout")) {
    const std::optional<double> seconds = node->value<double>();  // integers too
    if (!seconds || !std::isfinite(*seconds) || *seconds < 0 || *seconds > kMaxLockTimeout)
      return errors.At(*node, "'lock-timeout' must be a number of seconds from 0 to 86400");
    config->lock_timeout = *seconds;
  }
  if (const toml::node* node = root.get("log-level")) {
    const auto* text = node->as_string();
    const auto level = text != nullptr ? ParseLogLevel(text->get()) : std::nullopt;
    if (!level) return errors.At(*node, "'log-level' must be one of error, warn, info, debug");
    config->log_level = level;
  }
  return Status::Ok();
}

Result<Database> ParseDatabase(const std::string& name, const toml::node& node,
                               const Target& target, const Errors& errors) {
  const std::string where = "[target." + target.name + ".database." + name + "]";
  if (name.empty() || HasControl(name))
    return errors.At(node, "a database name must be non-empty, without control characters");
  const toml::table* table = node.as_table();
  if (table == nullptr) return errors.At(node, where + " must be a table");
  if (Status s = CheckKeys(*table, {"dsn", "map"}, where, errors); !s.ok()) return s;
  Database db;
  db.name = name;
  db.line = static_cast<int>(node.source().begin.line);
  auto map = Path(*table, "map", where, errors);
  if (!map.ok()) return map.status();
  if (!map.value()) return errors.At(node, where + " needs 'map' (the database's data map)");
  db.map = *map.value();
  if (HasControl(db.map))
    return errors.At(*table->get("map"), "'map' in " + where + " holds a control character");
  auto dsn = Dsn(*table, where, errors);
  if (!dsn.ok()) return dsn.status();
  if (dsn.value()) {
    db.dsn = *dsn.value();
  } else {  // the target's connection, to this database (checked by Dsn above)
    db.dsn = pg::WithDatabase(target.dsn, name).value_or("");
  }
  return db;
}

Result<Target> ParseTarget(const std::string& name, const toml::node& node, const Errors& errors) {
  const std::string where = "[target." + name + "]";
  if (name.empty() || HasControl(name))
    return errors.At(node, "a target name must be non-empty, without control characters");
  const toml::table* table = node.as_table();
  if (table == nullptr) return errors.At(node, where + " must be a table");
  if (Status s = CheckKeys(*table, {"pgdata", "dsn", "database"}, where, errors); !s.ok()) return s;
  Target target;
  target.name = name;
  auto pgdata = Path(*table, "pgdata", where, errors);
  if (!pgdata.ok()) return pgdata.status();
  target.pgdata = pgdata.value().value_or("");
  auto dsn = Dsn(*table, where, errors);
  if (!dsn.ok()) return dsn.status();
  target.dsn = dsn.value().value_or("");
  const toml::node* databases = table->get("database");
  const toml::table* list = databases != nullptr ? databases->as_table() : nullptr;
  if (databases != nullptr && list == nullptr)
    return errors.At(*databases, "'database' in " + where +
                                     " must be written as [target." + name + ".database.NAME]");
  if (list == nullptr || list->empty())
    return errors.At(node, where + " names no database: add [target." + name +
                               ".database.NAME] with its map");
  for (const auto& [key, value] : *list) {
    auto db = ParseDatabase(std::string(key.str()), value, target, errors);
    if (!db.ok()) return db.status();
    target.databases.push_back(std::move(db.value()));
  }
  return target;
}

// toml++ keeps a table's keys sorted; the file's order is the order of their lines.
template <class T>
void ByLine(std::vector<T>& items, const std::vector<int>& lines) {
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return lines[a] < lines[b]; });
  std::vector<T> sorted;
  for (std::size_t i : order) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view text) {
  for (LogLevel level : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug})
    if (text == LogLevelName(level)) return level;
  return std::nullopt;
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "info";
}

const Database* Target::Find(std::string_view database) const {
  for (const Database& db : databases)
    if (db.name == database) return &db;
  return nullptr;
}

const Target* Config::Find(std::string_view target) const {
  for (const Target& t : targets)
    if (t.name == target) return &t;
  return nullptr;
}

Result<Config> Parse(const std::string& text, const std::string& path) {
  const Errors errors(path);
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return errors.At(static_cast<int>(e.source().begin.line), Unquoted(e.description()));
  }
  if (Status s = CheckKeys(root,
                           {"store", "key-file", "sealing-key-file", "lock-timeout", "log-level",
                            "target"},
                           "the global settings", errors);
      !s.ok())
    return s;
  Config config;
  config.path = path;
  if (Status s = ParseGlobals(root, &config, errors); !s.ok()) return s;
  const toml::node* targets = root.get("target");
  if (targets == nullptr) return config;
  const toml::table* list = targets->as_table();
  if (list == nullptr) return errors.At(*targets, "'target' must be written as [target.NAME]");
  std::vector<int> lines;
  for (const auto& [key, value] : *list) {
    auto target = ParseTarget(std::string(key.str()), value, errors);
    if (!target.ok()) return target.status();
    std::vector<int> db_lines;
    for (const Database& db : target->databases) db_lines.push_back(db.line);
    ByLine(target.value().databases, db_lines);
    lines.push_back(static_cast<int>(value.source().begin.line));
    config.targets.push_back(std::move(target.value()));
  }
  ByLine(config.targets, lines);
  return config;
}

Result<Config> Load(const std::string& path, bool must_exist) {
  std::string bytes;
  int error = 0;
  if (!io::ReadWholeFile(path, &bytes, &error)) {
    if (error == ENOENT && !must_exist) return Config();
    return Status::Usage("unable to read configuration '" + path + "': " + std::strerror(error),
                         "--config FILE or TOMBSTONE_CONFIG names it; without either, " +
                             std::string(kDefaultPath) + " is read when it exists");
  }
  return Parse(bytes, path);
}

}  // namespace tombstone::config

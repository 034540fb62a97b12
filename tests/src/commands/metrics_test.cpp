// tombstone metrics: the Prometheus text exposition format (version 0.0.4), checked by a strict
// parser written here: metric and label names, label value escaping, HELP and TYPE once per
// family and before its samples, a family's samples together, no series twice, float values.
#include <sys/stat.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/src/commands/store_summary_fixture.h"

namespace tombstone::testing {
namespace {

struct Exposition {
  std::map<std::string, double> samples;     // "name{a=\"x\"}" (labels sorted, unescaped) -> value
  std::map<std::string, std::string> help;   // family -> text (unescaped)
  std::map<std::string, std::string> type;   // family -> type
};

// Throws std::runtime_error naming the line and what is wrong.
class StrictParser {
 public:
  Exposition Parse(const std::string& text) {
    if (!text.empty() && text.back() != '\n') Fail(0, "the last line has no line feed");
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) Fail(n, "an empty line");
      if (line[0] == '#') Comment(n, line);
      else Sample(n, line);
    }
    return std::move(out_);
  }

 private:
  [[noreturn]] static void Fail(int line, const std::string& what) {
    throw std::runtime_error("line " + std::to_string(line) + ": " + what);
  }
  static bool MetricName(const std::string& s) {
    static const std::regex re("[a-zA-Z_:][a-zA-Z0-9_:]*");
    return std::regex_match(s, re);
  }

  void Comment(int n, const std::string& line) {
    static const std::regex re("# (HELP|TYPE) ([^ ]+) (.*)");
    std::smatch m;
    if (!std::regex_match(line, m, re)) Fail(n, "a comment that is neither HELP nor TYPE");
    const std::string name = m[2];
    if (!MetricName(name)) Fail(n, "a bad metric name");
    if (sampled_.count(name)) Fail(n, m[1].str() + " after the family's samples");
    if (m[1] == "HELP") {
      if (out_.help.count(name)) Fail(n, "HELP twice");
      std::string text;
      const std::string raw = m[3];
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') { text.push_back(raw[i]); continue; }
        if (++i == raw.size()) Fail(n, "a HELP ending in a backslash");
        if (raw[i] == '\\') text.push_back('\\');
        else if (raw[i] == 'n') text.push_back('\n');
        else Fail(n, "a bad escape in HELP");
      }
      out_.help[name] = text;
    } else {
      if (out_.type.count(name)) Fail(n, "TYPE twice");
      static const std::set<std::string> types = {"counter", "gauge", "histogram", "summary",
                                                  "untyped"};
      if (!types.count(m[3])) Fail(n, "an unknown TYPE");
      out_.type[name] = m[3];
    }
    Family(n, name);
  }

  // Every line of a family together: a family seen before and left may not come back.
  void Family(int n, const std::string& name) {
    if (name == current_) return;
    if (left_.count(name)) Fail(n, "family '" + name + "' comes back after another");
    if (!current_.empty()) left_.insert(current_);
    current_ = name;
  }

  void Sample(int n, const std::string& line) {
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    const std::string name = line.substr(0, i);
    if (!MetricName(name)) Fail(n, "a bad metric name");
    if (!out_.type.count(name) || !out_.help.count(name)) Fail(n, "a sample before HELP and TYPE");
    Family(n, name);
    sampled_.insert(name);
    std::map<std::string, std::string> labels;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find("=\"", i);
        if (eq == std::string::npos) Fail(n, "a label without =\"");
        const std::string label = line.substr(i, eq - i);
        static const std::regex re("[a-zA-Z_][a-zA-Z0-9_]*");
        if (!std::regex_match(label, re) || label.rfind("__", 0) == 0)
          Fail(n, "a bad label name");
        std::string value;
        for (i = eq + 2;; ++i) {
          if (i >= line.size()) Fail(n, "an unterminated label value");
          const char c = line[i];
          if (c == '"') break;
          if (c == '\n') Fail(n, "a raw line feed in a label value");
          if (c != '\\') { value.push_back(c); continue; }
          if (++i >= line.size()) Fail(n, "an unterminated escape");
          if (line[i] == '\\') value.push_back('\\');
          else if (line[i] == '"') value.push_back('"');
          else if (line[i] == 'n') value.push_back('\n');
          else Fail(n, "a bad escape in a label value");
        }
        ++i;  // past the closing quote
        if (!labels.emplace(label, value).second) Fail(n, "a label twice");
        if (i < line.size() && line[i] == ',') ++i;
        else if (i >= line.size() || line[i] != '}') Fail(n, "labels not separated by ','");
      }
      if (i >= line.size()) Fail(n, "unterminated labels");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') Fail(n, "no space before the value");
    const std::string rest = line.substr(i + 1);
    const std::string value = rest.substr(0, rest.find(' '));
    if (rest.find(' ') != std::string::npos) {  // a timestamp: an integer
      static const std::regex ts("-?[0-9]+");
      if (!std::regex_match(rest.substr(rest.find(' ') + 1), ts)) Fail(n, "a bad timestamp");
    }
    double v = 0;
    if (value == "NaN") v = std::nan("");
    else if (value == "+Inf") v = INFINITY;
    else if (value == "-Inf") v = -INFINITY;
    else {
      static const std::regex number("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
      if (!std::regex_match(value, number)) Fail(n, "a value that is not a float");
      v = std::strtod(value.c_str(), nullptr);
    }
    std::string series = name + "{";
    for (const auto& [k, val] : labels) series += k + "=\"" + val + "\",";
    series += "}";
    if (!out_.samples.emplace(series, v).second) Fail(n, "a series twice");
  }

  Exposition out_;
  std::string current_;
  std::set<std::string> left_, sampled_;
};

TEST_CASE("the strict exposition parser refuses what Prometheus refuses", "[metrics]") {
  const std::string ok = "# HELP a_b x\n# TYPE a_b gauge\na_b{t=\"q\\\"\\\\\\n\"} 1.5\n";
  const Exposition e = StrictParser().Parse(ok);
  CHECK(e.samples.at("a_b{t=\"q\"\\\n\",}") == 1.5);
  const std::vector<std::string> bad = {
      "# TYPE a gauge\na 1\n",                                  // no HELP
      "# HELP a x\n# TYPE a gauge\na 1\n# HELP b y\n# TYPE b gauge\nb 1\na 2\n",  // comes back
      "# HELP a x\n# TYPE a gauge\na 1\na 1\n",                 // a series twice
      "# HELP a x\n# TYPE a gauge\na{t=\"x\\y\"} 1\n",         // bad escape
      "# HELP a x\n# TYPE a gauge\na{t=\"x\"} one\n",           // not a float
      "# HELP a x\n# TYPE a gauge\na 1",                        // no final line feed
      "# HELP a x\n# TYPE a gaug\na 1\n",                       // unknown type
      "# HELP 1a x\n# TYPE 1a gauge\n1a 1\n",                   // bad name
      "# HELP a x\n# TYPE a gauge\na{t=\"x\",t=\"y\"} 1\n",     // label twice
      "# HELP a x\n# TYPE a gauge\na 1\n# HELP a y\n",          // HELP after samples
  };
  for (const std::string& text : bad) {
    INFO(text);
    CHECK_THROWS_AS(StrictParser().Parse(text), std::runtime_error);
  }
}

double At(const Exposition& e, const std::string& series) {
  INFO(series);
  REQUIRE(e.samples.count(series) == 1);
  return e.samples.at(series);
}

double Epoch(const char* time) {
  auto t = tombstones::ParseTime(time);
  REQUIRE(t.ok());
  return static_cast<double>(t.value()) / 1e6;
}

TEST_CASE("metrics of a busy store, in strict exposition format", "[metrics]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const std::string config = MakeBusyStore(f, dir);
  const RunResult r = f.Run({"--config", config, "metrics"});
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  Exposition e;
  REQUIRE_NOTHROW(e = StrictParser().Parse(r.out));
  for (const auto& [family, type] : e.type) {
    CHECK(family.rfind("tombstone_", 0) == 0);
    CHECK(type == "gauge");
  }
  CHECK(At(e, "tombstone_tombstones{}") == 3);
  CHECK(At(e, "tombstone_tombstones_held{}") == 1);
  CHECK(At(e, "tombstone_tombstones_retracted{}") == 1);
  CHECK(At(e, "tombstone_pending_tombstones{}") == 3);
  CHECK(At(e, "tombstone_pending_age_out_unknown{}") == 1);
  CHECK(At(e, "tombstone_pending_next_age_out_timestamp_seconds{}") ==
        Epoch("2099-01-01T00:00:00Z"));
  CHECK(At(e, "tombstone_catalog_backups{}") == 2);
  CHECK(At(e, "tombstone_catalog_newest_backup_timestamp_seconds{}") ==
        Epoch("2026-01-20T00:00:00Z"));
  CHECK(At(e, "tombstone_receipts{}") == 8);
  CHECK(At(e, "tombstone_last_replay_timestamp_seconds{target=\"main\",}") ==
        Epoch("2026-02-02T00:00:00Z"));
  CHECK(At(e, "tombstone_last_replay_success{target=\"main\",}") == 0);
  CHECK(At(e, "tombstone_last_replay_exit_code{target=\"main\",}") == 3);
  CHECK(At(e, "tombstone_last_drill_success{target=\"main\",}") == 1);
  CHECK(At(e, "tombstone_last_drill_timestamp_seconds{target=\"main\",}") ==
        Epoch("2026-02-01T12:00:00Z"));
  // a target name with a quote and a backslash, escaped and read back
  CHECK(At(e, "tombstone_last_replay_success{target=\"we\"ird\\name\",}") == 1);
  // runs without a target: the empty label value
  CHECK(At(e, "tombstone_last_drill_success{target=\"\",}") == 1);
  CHECK(e.samples.count("tombstone_last_replay_success{target=\"idle\",}") == 0);  // no run
  CHECK(r.out.find("tombstone_last_replay_success{target=\"we\\\"ird\\\\name\"} 1\n") !=
        std::string::npos);
}

TEST_CASE("metrics of an empty store, and --output written atomically", "[metrics]") {
  TempDir dir;
  StoreFixture f(dir.path());
  const RunResult r = f.Run({"metrics", "--output", dir / "tombstone.prom"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.empty());
  const std::string text = ReadFile(dir / "tombstone.prom");
  Exposition e;
  REQUIRE_NOTHROW(e = StrictParser().Parse(text));
  CHECK(At(e, "tombstone_tombstones{}") == 0);
  CHECK(At(e, "tombstone_catalog_current{}") == 0);
  CHECK(e.samples.count("tombstone_pending_next_age_out_timestamp_seconds{}") == 0);
  CHECK(e.samples.count("tombstone_catalog_newest_backup_timestamp_seconds{}") == 0);
  struct stat st {};
  REQUIRE(::stat((dir / "tombstone.prom").c_str(), &st) == 0);
  CHECK((st.st_mode & 0044) == 0044);  // node_exporter, another user, reads it
  // replaced, never appended to; no temporary file left beside it
  REQUIRE(f.Run({"add", "--request", "R-1", "--id", "user_id:1"}).code == 0);
  REQUIRE(f.Run({"metrics", "--output", dir / "tombstone.prom"}).code == 0);
  CHECK(At(StrictParser().Parse(ReadFile(dir / "tombstone.prom")), "tombstone_tombstones{}") == 1);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
  const RunResult missing = f.Run({"metrics", "--output", dir / "no/such/dir/t.prom"});
  CHECK(missing.code == 2);
}

}  // namespace
}  // namespace tombstone::testing

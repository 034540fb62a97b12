// The json leaf reader of discover (src/discover/json_leaves.h), on any bytes. Its contract,
// checked against nlohmann's strict parser (which refuses a subset of what the reader takes:
// invalid UTF-8, numbers beyond a double):
//   - a text nlohmann accepts (without a NUL byte or a byte order mark) is read whole, giving the
//   same leaves (path, value) in the same
//     order; nlohmann writes an integer back in decimal, so "-0" stands for "0" there;
//   - a text nlohmann refuses on its syntax (not for its UTF-8 or a number's size) is refused;
//   - the same text read again by the same reader, or after 2 kB of spaces (the long texts'
//     parser), gives the same result and leaves.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "src/discover/json_leaves.h"
#include "tests/fuzz/fuzz_support.h"

using tombstone::fuzz::Require;

namespace {

using Leaves = std::vector<std::pair<std::string, std::string>>;

struct Read {
  bool ok = false;
  Leaves leaves;
  bool operator==(const Read&) const = default;
};

Read ReadWith(tombstone::discover::JsonLeafReader& reader, std::string_view json) {
  Read r;
  r.ok = reader.ForEach(json, [&](std::string_view path, std::string_view value) {
    r.leaves.emplace_back(path, value);
  });
  return r;
}

// nlohmann's SAX events as leaves, with discover's paths.
class Reference : public nlohmann::json_sax<nlohmann::json> {
 public:
  Leaves leaves;
  std::string error;  // nlohmann's message, when it refused

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override { return Give(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Give(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& text) override { return Give(text); }
  bool string(string_t& v) override { return Give(v); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    frames_.push_back(path_.size());
    return true;
  }
  bool key(string_t& k) override {
    path_.resize(frames_.back());
    if (!path_.empty()) path_.push_back('.');
    path_ += k;
    return true;
  }
  bool end_object() override { return Pop(); }
  bool start_array(std::size_t) override {
    frames_.push_back(path_.size());
    path_ += "[]";
    return true;
  }
  bool end_array() override { return Pop(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error = e.what();
    return false;
  }

 private:
  bool Give(std::string value) {
    leaves.emplace_back(path_, std::move(value));
    return true;
  }
  bool Pop() {
    path_.resize(frames_.back());
    frames_.pop_back();
    return true;
  }
  std::string path_;
  std::vector<std::size_t> frames_;
};

// Whether nlohmann refused for a reason the reader does not share.
bool RefusedForContent(const std::string& error) {
  return error.find("UTF-8") != std::string::npos ||
         error.find("number overflow") != std::string::npos ||
         error.find("surrogate") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json = tombstone::fuzz::Text(data, size);
  tombstone::discover::JsonLeafReader reader;
  const Read read = ReadWith(reader, json);
  Require(ReadWith(reader, json) == read, "a second read of the same text differs");
  tombstone::discover::JsonLeafReader other;
  Require(ReadWith(other, std::string(json) + std::string(2048, ' ')) == read,
          "the text padded with spaces (the long texts' parser) reads differently");

  Reference reference;
  const bool accepted = nlohmann::json::sax_parse(json.begin(), json.end(), &reference,
                                                  nlohmann::json::input_format_t::json, true);
  // nlohmann skips a byte order mark and ends the text at a NUL byte; the reader takes neither
  // (the server sends no such text).
  const bool comparable =
      json.find('\0') == std::string_view::npos && json.rfind("\xEF\xBB\xBF", 0) != 0;
  if (accepted && comparable) {
    Require(read.ok, "a text nlohmann accepts is refused");
    Require(read.leaves.size() == reference.leaves.size(), "another number of leaves");
    for (std::size_t i = 0; i < read.leaves.size(); ++i) {
      const auto& [path, value] = read.leaves[i];
      Require(path == reference.leaves[i].first, "another path", path);
      Require(value == reference.leaves[i].second ||
                  (value == "-0" && reference.leaves[i].second == "0"),
              "another value", value);
    }
  } else if (!RefusedForContent(reference.error)) {
    Require(!read.ok, "a text nlohmann refuses on its syntax is accepted", reference.error);
  }
  return 0;
}

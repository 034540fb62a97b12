#include "src/discover/json_leaves.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace tombstone::discover {
namespace {

using Json = nlohmann::json;

// A SAX handler: no document is built; the path is a stack of segments.
class Leaves : public nlohmann::json_sax<Json> {
 public:
  explicit Leaves(const std::function<void(const std::string&, std::string_view)>& leaf)
      : leaf_(leaf) {}

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t v) override { return Emit(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Emit(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& text) override { return Emit(text); }
  bool string(string_t& v) override { return Emit(v); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    frames_.push_back({false, path_.size()});
    return true;
  }
  bool key(string_t& k) override {
    path_.resize(frames_.back().length);
    if (!path_.empty()) path_.push_back('.');
    path_ += k;
    return true;
  }
  bool end_object() override { return Pop(); }
  bool start_array(std::size_t) override {
    BeforeValue();
    frames_.push_back({true, path_.size()});
    path_ += "[]";
    return true;
  }
  bool end_array() override { return Pop(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  struct Frame {
    bool array;
    std::size_t length;  // of path_ when the container started
  };
  void BeforeValue() {}
  bool Value() { return true; }
  bool Emit(std::string_view value) {
    leaf_(path_, value);
    return true;
  }
  bool Pop() {
    path_.resize(frames_.back().length);
    frames_.pop_back();
    return true;
  }
  const std::function<void(const std::string&, std::string_view)>& leaf_;
  std::vector<Frame> frames_;
  std::string path_;
};

}  // namespace

bool ForEachJsonLeaf(
    std::string_view json,
    const std::function<void(const std::string& path, std::string_view value)>& leaf) {
  Leaves handler(leaf);
  return Json::sax_parse(json.begin(), json.end(), &handler, nlohmann::json::input_format_t::json,
                         /*strict=*/true);
}

}  // namespace tombstone::discover

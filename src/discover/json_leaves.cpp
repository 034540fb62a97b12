#include "src/discover/json_leaves.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <vector>

namespace tombstone::discover {
namespace {

// RapidJSON's SAX reader (Debian's rapidjson-dev): numbers as written, not converted; strings
// decoded into the reader's own buffer and given as pointer and length. UTF-8 is not validated,
// on purpose (see the header). Its recursive parser is the faster (by about a sixth here), but
// recurses once per level of nesting: it reads only texts too short to nest deeply (a text of n
// bytes opens at most n levels, and a thousand levels take a few hundred kB of stack); longer
// texts are read by the iterative parser, whose stack is on the heap.
constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag;
constexpr unsigned kDeepFlags = kFlags | rapidjson::kParseIterativeFlag;
constexpr std::size_t kShallowBytes = 1024;

// A number that RapidJSON could not read, given as written in its place (ForEach says why).
struct Masked {
  std::size_t offset;     // of its first character in the text
  std::string_view text;  // as written
  bool valid;             // a JSON number
};

// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

class Handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
 public:
  using SizeType = rapidjson::SizeType;

  // Before each read: the leaves to give, those already given (skipped), and the numbers masked.
  void Start(const LeafFunction* leaf, const rapidjson::MemoryStream* in, std::size_t skip,
             const std::vector<Masked>* masked) {
    leaf_ = leaf;
    in_ = in;
    skip_ = skip;
    seen_ = 0;
    masked_ = masked;
    next_masked_ = 0;
    path_.clear();
    frames_.clear();
  }
  std::size_t seen() const { return seen_; }

  bool Null() { return true; }
  bool Bool(bool) { return true; }
  bool RawNumber(const char* text, SizeType length, bool) {
    std::string_view value(text, length);
    if (masked_ != nullptr && next_masked_ < masked_->size()) {
      const Masked& m = (*masked_)[next_masked_];
      if (m.offset == in_->Tell() - length) {  // the "0" standing for it
        if (!m.valid) return false;            // stops the read: not valid JSON
        value = m.text;
        ++next_masked_;
      }
    }
    return Give(value);
  }
  bool String(const char* text, SizeType length, bool) { return Give({text, length}); }
  bool StartObject() {
    frames_.push_back(path_.size());
    return true;
  }
  bool Key(const char* text, SizeType length, bool) {
    path_.resize(frames_.back());
    if (!path_.empty()) path_.push_back('.');
    path_.append(text, length);
    return true;
  }
  bool EndObject(SizeType) { return Pop(); }
  bool StartArray() {
    frames_.push_back(path_.size());
    path_ += "[]";
    return true;
  }
  bool EndArray(SizeType) { return Pop(); }

 private:
  bool Give(std::string_view value) {
    if (seen_++ >= skip_) (*leaf_)(path_, value);
    return true;
  }
  bool Pop() {
    path_.resize(frames_.back());
    frames_.pop_back();
    return true;
  }

  const LeafFunction* leaf_ = nullptr;
  const rapidjson::MemoryStream* in_ = nullptr;
  std::size_t skip_ = 0, seen_ = 0;
  const std::vector<Masked>* masked_ = nullptr;
  std::size_t next_masked_ = 0;
  std::string path_;
  std::vector<std::size_t> frames_;  // the length of path_ where each open container started
};

}  // namespace

struct JsonLeafReader::State {
  rapidjson::Reader reader;
  Handler handler;
  std::string copy;  // of a text whose numbers are masked
  std::vector<Masked> masked;

  // One read of `json`, the first `skip` leaves not given again.
  bool Read(std::string_view json, const LeafFunction& leaf, std::size_t skip,
            const std::vector<Masked>* numbers) {
    rapidjson::MemoryStream in(json.data(), json.size());
    handler.Start(&leaf, &in, skip, numbers);
    // The stream ends at a NUL byte: one inside the text must not end it early without an error.
    const bool parsed = json.size() <= kShallowBytes
                            ? !reader.Parse<kFlags>(in, handler).IsError()
                            : !reader.Parse<kDeepFlags>(in, handler).IsError();
    return parsed && in.Tell() == json.size();
  }

  // Copies `json` to `copy`, every number from `from` on replaced by a "0" and spaces (its
  // length kept), and lists them in `masked`.
  void Mask(std::string_view json, std::size_t from) {
    copy.assign(json);
    masked.clear();
    for (std::size_t i = from; i < json.size();) {
      const char c = json[i];
      if (c == '"') {  // a string, skipped whole (a digit inside is not a number)
        for (++i; i < json.size() && json[i] != '"'; ++i)
          if (json[i] == '\\') ++i;
        ++i;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        std::size_t end = i;
        while (end < json.size() &&
               std::string_view("0123456789+-.eE").find(json[end]) != std::string_view::npos)
          ++end;
        const std::string_view text = json.substr(i, end - i);
        masked.push_back({i, text, IsJsonNumber(text)});
        copy.replace(i, text.size(), text.size(), ' ');
        copy[i] = '0';
        i = end;
      } else {
        ++i;
      }
    }
  }
};

JsonLeafReader::JsonLeafReader() : state_(std::make_unique<State>()) {}
JsonLeafReader::~JsonLeafReader() = default;

bool JsonLeafReader::ForEach(std::string_view json, LeafFunction leaf) {
  State& s = *state_;
  if (s.Read(json, leaf, 0, nullptr)) return true;
  if (s.reader.GetParseErrorCode() != rapidjson::kParseErrorNumberTooBig) return false;
  // RapidJSON refuses a number beyond a double's range (1e400, 400 digits) even when asked for
  // its text, and PostgreSQL's numeric holds such numbers. Read again a copy in which every number
  // from the refused one on is masked, giving each as written, and not the leaves given before.
  const std::size_t given = s.handler.seen();
  s.Mask(json, s.reader.GetErrorOffset());
  return s.Read(s.copy, leaf, given, &s.masked);
}

}  // namespace tombstone::discover

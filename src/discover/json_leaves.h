// The strings and numbers inside a JSON text, each with its path ("contact.email",
// "emails[]": array positions are not told apart, so that a place is one path for every row).
#pragma once

#include <memory>
#include <string_view>
#include <type_traits>

namespace tombstone::discover {

// What a reader calls for each leaf: a reference to a callable `void(std::string_view path,
// std::string_view value)`. Neither copied nor owned, so making one allocates nothing; the
// callable must outlive the call it is given to (a lambda written in the call's arguments does).
class LeafFunction {
 public:
  template <typename F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, LeafFunction>)
  LeafFunction(F&& f)  // NOLINT(google-explicit-constructor): a lambda converts as it is passed
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* object, std::string_view path, std::string_view value) {
          (*static_cast<std::remove_reference_t<F>*>(object))(path, value);
        }) {}
  void operator()(std::string_view path, std::string_view value) const {
    call_(object_, path, value);
  }

 private:
  void* object_;
  void (*call_)(void*, std::string_view, std::string_view);
};

// Reads JSON texts one after another. Its buffers (the path, the decoded strings, the parser's
// stack) are kept from one text to the next: once they have grown to the largest text's needs,
// reading a text allocates nothing. Not thread-safe: one reader per scan.
class JsonLeafReader {
 public:
  JsonLeafReader();
  ~JsonLeafReader();
  JsonLeafReader(const JsonLeafReader&) = delete;
  JsonLeafReader& operator=(const JsonLeafReader&) = delete;

  // Calls `leaf(path, value)` for every string (its text, escapes decoded) and every number (as
  // written: "1.50", "-0", "1e400", digits beyond any integer type) of `json`, in document order;
  // the top-level value has the empty path. Both views are valid during the call only. Nesting
  // depth is not limited: only texts of at most 1 kB are read by a recursive parser (at most one
  // level per byte), longer ones by an iterative one. Bytes that are not UTF-8 are given as they
  // are, not refused (the server has checked the text's encoding). false when `json` is not valid
  // JSON: the leaves before the error were given, none after it.
  bool ForEach(std::string_view json, LeafFunction leaf);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tombstone::discover

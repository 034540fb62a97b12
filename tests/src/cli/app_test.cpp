// src/cli/app: the one catch at the top (issue 15, finding 4). Whatever a command lets out
// becomes exit 1 "unable to <command>: internal error: <kind>": never the exception's what(),
// which may quote input, and never an exit code outside the catalogue; what the command owned
// (temporary files) is gone.
#include "src/cli/app.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "src/io/atomic_file.h"
#include "tests/support/temp_dir.h"

namespace tombstone::testing {
namespace {

const std::string kAddress = "alice@example.com";

template <class Throw>
Status Guarded(Throw throw_it) {
  return RunGuarded("import", [&]() -> Status {
    throw_it();
    return Status::Ok();
  });
}

TEST_CASE("an exception reaching the top is exit 1 and says its kind, not its text", "[cli]") {
  struct Case {
    const char* name;
    std::function<void()> throw_it;
    std::string kind;
  };
  const std::vector<Case> cases = {
      {"out of memory", [] { throw std::bad_alloc(); }, "out of memory"},
      {"nlohmann-json quoting its input",
       [] {
         const auto doc = nlohmann::json::parse("{\"email\": " + kAddress + "}");
         (void)doc;
       },
       "JSON error 101"},
      {"std::stol quoting nothing useful", [] { (void)std::stol(kAddress); }, "an invalid value"},
      {"std::stoi out of range", [] { (void)std::stoi("99999999999999999999"); },
       "a value out of range"},
      {"a file system error naming a path",
       [] { (void)std::filesystem::file_size("/nonexistent/" + kAddress); },
       "system error (No such file or directory)"},
      {"a library's own exception type",
       [] { throw std::runtime_error("row holds " + kAddress); },
       "unexpected exception (std::runtime_error)"},
      {"not even a std::exception", [] { throw 42; }, "unexpected exception of an unknown type"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const Status s = Guarded(c.throw_it);
    CHECK(s.code() == tombstones::ExitCode::kFailed);
    CHECK(s.message() == "unable to import: internal error: " + c.kind);
    CHECK(s.message().find("alice") == std::string::npos);
  }
  CHECK(RunGuarded("list", [] { return Status::Usage("unable to list: fine"); }).code() ==
        tombstones::ExitCode::kUsage);
}

TEST_CASE("temporary files of a command that throws are removed", "[cli]") {
  TempDir dir;
  const std::string target = dir / "out.csv";
  std::string temp;
  const Status s = RunGuarded("scrub", [&]() -> Status {
    auto file = io::AtomicFile::Create(target, {});
    REQUIRE(file.ok());
    temp = file.value()->temp_path();
    REQUIRE(file.value()->Write("half a copy").ok());
    throw std::bad_alloc();
  });
  CHECK(s.message() == "unable to scrub: internal error: out of memory");
  CHECK_FALSE(temp.empty());
  CHECK_FALSE(std::filesystem::exists(temp));
  CHECK_FALSE(std::filesystem::exists(target));
}

}  // namespace
}  // namespace tombstone::testing

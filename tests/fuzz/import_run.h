// Runs the import command ('tombstone import --format FORMAT -') on the fuzz input as its
// standard input, against the fixture store: the CSV reader or JSON lines, the field checks,
// time parsing, normalizing and hashing (src/commands/import.cpp). The command is called as
// src/cli/app.cpp calls it, without its catch-all: an exception that gets out of the reader is a
// finding, as is an exit code other than 0 (imported) or 2 (refused), or 1 for a request id the
// store already holds with other identifiers.
#pragma once

#include <sstream>

#include "src/commands/import.h"
#include "tests/fuzz/fuzz_support.h"

namespace tombstone::fuzz {

inline void RunImport(const char* format, std::string_view input) {
  const FixtureStore& f = Fixture();
  const CommandSpec& spec = ImportCommand();
  cxxopts::Options options("tombstone import");
  spec.declare(options);
  const char* argv[] = {"tombstone import", "--format", format};
  const cxxopts::ParseResult parsed = options.parse(3, argv);
  std::istringstream in{std::string(input)};
  std::ostringstream out, err;
  Context ctx{Io{in, out, err, false}, GlobalOptions{f.dir, f.key_file, 0}, &parsed, {"-"}};
  const Status s = spec.run(ctx);
  // The fixture store keeps what earlier inputs imported: a request id met again with other
  // identifiers is the store's refusal (kFailed), not the reader's.
  const bool conflict = s.code() == ExitCode::kFailed &&
                        s.message().find("already recorded with other identifiers") != std::string::npos;
  Require(s.ok() || s.code() == ExitCode::kUsage || conflict,
          "import ended with an unexpected code", s.message());
  if (!s.ok())
    Require(s.message().starts_with("unable to "), "import refused the input without 'unable to'",
            s.message());
}

}  // namespace tombstone::fuzz

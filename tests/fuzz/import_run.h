// Runs the erasure-list reader of 'tombstone import' (src/input/erasure_list.h) on the fuzz
// input: the CSV reader or JSON lines, the field checks, time parsing, normalizing and hashing,
// with the kinds of the fixture store (opened once, for reading: nothing is written, so each
// input costs the parsing only). An exception that gets out of the reader is a finding, as is a
// code other than 0 or 2 (refused, with "unable to"), or a tombstone that breaks what the store
// requires of a batch (a request id, at least one identifier, a time in range).
#pragma once

#include <sstream>

#include "src/input/erasure_list.h"
#include "tests/fuzz/fuzz_support.h"

namespace tombstone::fuzz {

inline void RunImport(ErasureListFormat format, std::string_view input) {
  FixtureStore& f = Reader();
  std::istringstream in{std::string(input)};
  auto source = InputSource::Open("-", in);
  Require(source.ok(), "standard input did not open");
  IdentifierHasher hasher(*f.store, *f.key);
  const auto read = ReadErasureList(source.value(), format, hasher);
  if (!read.ok()) {
    Require(read.status().code() == tombstones::ExitCode::kUsage,
            "the reader ended with an unexpected code", read.status().message());
    Require(read.status().message().starts_with("unable to "),
            "the reader refused the input without 'unable to'", read.status().message());
    return;
  }
  for (const tombstones::Tombstone& t : read.value()) {
    Require(!t.request_id.empty() && !t.identifiers.empty(), "a tombstone without request or id");
    Require(t.erased_at >= tombstones::kMinTime && t.erased_at <= tombstones::kMaxTime,
            "an erased_at out of range was read");
  }
}

}  // namespace tombstone::fuzz

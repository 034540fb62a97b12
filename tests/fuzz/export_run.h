// The exports' readers ('tombstone scan' and 'scrub') on a fuzzed file, against the fixture
// store's tombstones: the first byte says scan (even) or scrub (odd: the copy is written and
// committed), and for CSV whether the file is TSV (bit 1). The rest is the file.
#pragma once

#include <memory>

#include "src/io/byte_stream.h"
#include "src/exports/export_report.h"
#include "tests/fuzz/fuzz_support.h"

namespace tombstone::fuzz {

// Runs `process(lines, out, report)` on the input as the exports run it.
template <class Process>
void RunExport(const std::uint8_t* data, std::size_t size, const char* name, Process process) {
  if (size == 0) return;
  const bool scrub = (data[0] & 1) != 0;
  const std::string path = WriteScratch(name, Text(data + 1, size - 1));
  auto in = io::InputFile::Open(path);
  Require(in.ok(), "unable to open the scratch file", in.status().message());
  io::LineReader lines(*in.value());
  std::unique_ptr<io::OutputFile> out;
  if (scrub) {
    auto created = io::OutputFile::Create(ScratchDir() + "/out");
    Require(created.ok(), "unable to create the scrub output", created.status().message());
    out = std::move(created.value());
  }
  exports::FileReport report;
  report.path = path;
  const tombstones::Status s = process(lines, out.get(), &report);
  if (!s.ok()) {
    Require(s.code() == tombstones::ExitCode::kUsage && s.message().starts_with("unable to read '"),
            "an export refused without 'unable to read'", s.message());
    return;
  }
  Require(report.counts.matched <= report.counts.rows, "more matches than rows");
  if (out) {
    const tombstones::Status committed = out->Commit();
    Require(committed.ok(), "unable to commit the scrub output", committed.message());
  }
}

}  // namespace tombstone::fuzz

// The --format option of the commands that print reports. The rendering itself is in
// src/io/table_text.h, shared with the domain code's reports.
#pragma once

#include "src/cli/command.h"
#include "src/io/table_text.h"

namespace tombstone {

using io::CsvField;
using io::DisplayWidth;
using io::Format;
using io::Table;
using io::WriteCsvRow;

// Declares --format table|json|csv (default table).
void DeclareFormatOption(cxxopts::Options& options);
Result<Format> GetFormat(const Context& ctx);

}  // namespace tombstone

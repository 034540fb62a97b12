// The options of 'scan' and 'scrub' that say where identifiers sit in an export (--map,
// --column, --type, --all-matches), read into the plain exports::ExportOptions: the exports
// themselves never see the command line.
#pragma once

#include "src/cli/command.h"
#include "src/exports/export_job.h"

namespace tombstone {

void DeclareExportOptions(cxxopts::Options& options);
// kUsage for a malformed --column (no '=', an invalid kind name) or an unknown --type.
Result<exports::ExportOptions> ReadExportOptions(const Context& ctx);

}  // namespace tombstone

// tombstone import: record many erasures from CSV or JSON lines, all or nothing.
#include "src/commands/import.h"

#include "src/cli/store_access.h"
#include "src/input/erasure_list.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()("format",
                        "csv or jsonl (default: jsonl for .jsonl/.ndjson files, else csv)",
                        cxxopts::value<std::string>(), "FORMAT");
}

Status Run(Context& ctx) {
  const std::string path = ctx.args.at(0);
  std::string format = ctx.Has("format") ? ctx.Get<std::string>("format") : "";
  if (format.empty()) {
    const bool jsonl = path.ends_with(".jsonl") || path.ends_with(".ndjson");
    format = jsonl ? "jsonl" : "csv";
  }
  if (format != "csv" && format != "jsonl")
    return Status::Usage("unable to use --format '" + format + "': expected csv or jsonl");
  auto source = InputSource::Open(path, ctx.io.in);
  if (!source.ok()) return source.status();
  // The whole input is read and hashed with the store open for reading; the write lock is
  // taken only to record the batch, so that a slow standard input never blocks another writer
  // (an add, a replay recording its receipt). Add() checks the kinds again under the lock.
  auto reading = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!reading.ok()) return reading.status();
  // In sealed mode nothing is recorded without its sealed form (exit 2 without the key).
  if (Status s = RequireSealingKeyIfSealed(ctx, &reading.value()); !s.ok()) return s;
  IdentifierHasher hasher(*reading->store, *reading->key, reading->sealing_key.get());
  auto batch = ReadErasureList(
      source.value(), format == "csv" ? ErasureListFormat::kCsv : ErasureListFormat::kJsonLines,
      hasher);
  if (!batch.ok())
    return Status::Usage(batch.status().message(),
                         "nothing from this file was recorded; fix it and rerun");
  reading->store.reset();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kRequired,
                          reading->sealing_key.get());
  if (!opened.ok()) return opened.status();
  auto outcomes = opened->store->Add(batch.value());
  if (!outcomes.ok()) return outcomes.status();
  std::size_t added = 0;
  for (auto o : outcomes.value()) added += o == tombstones::Store::AddOutcome::kAdded;
  ctx.io.out << "imported " << added << (added == 1 ? " tombstone" : " tombstones") << " from "
             << source->name();
  if (added != outcomes->size())
    ctx.io.out << " (" << outcomes->size() - added << " already recorded)";
  ctx.io.out << '\n';
  return Status::Ok();
}

}  // namespace

const CommandSpec& ImportCommand() {
  static const CommandSpec spec{
      "import",
      "FILE|-",
      1,
      1,
      "record many erasures from CSV or JSON lines (all or nothing)",
      "CSV: a header line request,kind,value,erased_at[,hold], then one identifier per line;\n"
      "lines with the same request are identifiers of the same subject. JSON lines: one object\n"
      "per line with the same fields. erased_at is RFC 3339; a non-empty hold puts the\n"
      "tombstone on legal hold with that reason. A malformed line is reported with its number\n"
      "and nothing from the file is recorded. Requests already recorded with the same\n"
      "identifiers are skipped. In sealed mode the sealing key is required\n"
      "(--sealing-key-file), and requests recorded before sealed mode was turned on get their\n"
      "sealed identifiers when imported again (docs/security.md).\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

// tombstone store export: a consistent, compressed, checksummed copy of the whole store.
#include "src/commands/store_export.h"

#include <filesystem>

#include "src/cli/store_access.h"
#include "src/store/store_archive.h"
#include "src/io/scratch_dir.h"

namespace tombstone {
namespace {

namespace fs = std::filesystem;

void Declare(cxxopts::Options& options) {
  options.add_options()("force", "replace FILE when it exists");
}

Status CheckTarget(const Context& ctx, const std::string& file) {
  std::error_code ec;
  if (fs::exists(file, ec) && !ctx.Has("force"))
    return Status::Usage("unable to export store to '" + file + "': the file exists",
                         "choose another name, or pass --force to replace it");
  return Status::Ok();
}

// A private scratch directory next to FILE: the checkpoint hard-links there when it can. It
// goes when the command ends, whatever ends it.
Result<std::unique_ptr<io::ScratchDir>> ScratchDir(const std::string& file) {
  std::error_code ec;
  const fs::path parent = fs::absolute(file, ec).parent_path();
  if (ec) return Status::Failed("unable to export store to '" + file + "': " + ec.message());
  return io::ScratchDir::Create((parent / ".tombstone-export-").string(),
                                "export store to '" + file + "'");
}

Status Run(Context& ctx) {
  const std::string file = ctx.args[0];
  if (Status s = CheckTarget(ctx, file); !s.ok()) return s;
  // A writer's lock for the checkpoint's moment only: readers and the copy itself go on.
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
  if (!opened.ok()) return opened.status();
  auto scratch = ScratchDir(file);
  if (!scratch.ok()) return scratch.status();
  const std::string checkpoint = scratch.value()->path() + "/store";
  Status s = opened->store->Checkpoint(checkpoint);
  opened->store.reset();
  if (!s.ok()) return s;
  auto summary = store::WriteStoreArchive(checkpoint, file, ctx.Has("force"));
  if (!summary.ok()) return summary.status();
  ctx.io.out << "exported store to '" << file << "': " << summary->files << " files, "
             << summary->bytes << " bytes (" << summary->written << " compressed), blake2b-256 "
             << summary->checksum << '\n';
  return Status::Ok();
}

}  // namespace

const CommandSpec& StoreExportCommand() {
  static const CommandSpec spec{
      "store export", "FILE", 1, 1, "write a consistent, checksummed copy of the whole store",
      "Writes a consistent copy of the store (tombstones, backup catalog, receipts) to FILE:\n"
      "a RocksDB checkpoint, zstd-compressed, with a format version and a BLAKE2b-256 checksum\n"
      "(docs/store-export.md). It takes the store's write lock for the checkpoint's moment.\n"
      "The store is the one thing a disaster must not take: keep copies off this machine and\n"
      "the key file apart from them (the export holds keyed hashes, not the key).\n"
      "'tombstone store import FILE' restores it.\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

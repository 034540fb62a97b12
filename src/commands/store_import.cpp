// tombstone store import: restore a store from an export, checked before anything is placed.
#include "src/commands/store_import.h"

#include <filesystem>

#include "src/cli/store_access.h"
#include "src/store/store_archive.h"
#include "src/io/atomic_file.h"
#include "src/io/scratch_dir.h"

namespace tombstone {
namespace {

namespace fs = std::filesystem;

void Declare(cxxopts::Options& options) {
  options.add_options()("force", "replace the store at --store when there is one");
}

bool Occupied(const std::string& dir) {
  std::error_code ec;
  return fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec));
}

Status CheckTarget(const Context& ctx, const std::string& dir) {
  if (Occupied(dir) && !ctx.Has("force"))
    return Status::Usage("unable to import store into '" + dir + "': it is not empty",
                         "an existing store is never overwritten; pass --force to replace it "
                         "(the old one is removed only once the new one is in place)");
  return Status::Ok();
}

// Extracts next to the target (same file system, so that placing it is a rename). The
// directory goes with the returned object unless it is placed.
Result<std::unique_ptr<io::ScratchDir>> Extract(const std::string& file, const std::string& dir) {
  std::error_code ec;
  const fs::path target = fs::absolute(dir, ec).lexically_normal();
  if (ec) return Status::Failed("unable to import store into '" + dir + "': " + ec.message());
  fs::create_directories(target.parent_path(), ec);
  auto scratch = io::ScratchDir::Create(target.string() + ".import-",
                                        "import store into '" + dir + "'");
  if (!scratch.ok()) return scratch.status();
  if (Status s = store::ExtractStoreArchive(file, scratch.value()->path()); !s.ok()) return s;
  return std::move(scratch.value());
}

// Opens the extracted copy as a store: proves it is one, and that the key (when given) fits.
Status CheckExtracted(const Context& ctx, const std::string& extracted) {
  Context probe = ctx;
  probe.global.store_dir = extracted;
  auto opened = OpenStore(probe, tombstones::Store::Mode::kRead, KeyUse::kIfGiven);
  return opened.status();
}

// Moves the new store into place; an old one is kept aside until then, and put back on failure.
Status Place(const Context& ctx, const std::string& extracted, const std::string& dir) {
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "CURRENT", ec)) {
    // Nobody may be writing to the store being replaced.
    auto writer = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kIfGiven);
    if (!writer.ok()) return writer.status();
  }
  return io::ReplaceDirectory(extracted, dir,
                              dir + ".replaced-" + std::to_string(tombstones::Now()));
}

Status Run(Context& ctx) {
  const std::string& file = ctx.args[0];
  auto dir = StoreDir(ctx);
  if (!dir.ok()) return dir.status();
  // "store/" is "store": the extracted copy and the old one set aside go beside it, not inside.
  while (dir->size() > 1 && dir->back() == '/') dir->pop_back();
  if (Status s = CheckTarget(ctx, dir.value()); !s.ok()) return s;
  auto summary = store::VerifyStoreArchive(file);
  if (!summary.ok()) return summary.status();
  auto extracted = Extract(file, dir.value());
  if (!extracted.ok()) return extracted.status();
  Status s = CheckExtracted(ctx, extracted.value()->path());
  if (s.ok()) s = Place(ctx, extracted.value()->path(), dir.value());
  if (!s.ok()) return s;
  extracted.value()->Release();  // it is the store now
  ctx.io.out << "imported store into '" << dir.value() << "' from '" << file
             << "' (checksum verified, blake2b-256 " << summary->checksum << ")\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& StoreImportCommand() {
  static const CommandSpec spec{
      "store import", "FILE", 1, 1, "restore the store from 'tombstone store export' output",
      "Restores the store at --store from FILE. The checksum and format are checked before\n"
      "anything is written; the content is extracted beside the target, opened as a store\n"
      "(and checked against --key-file when given), then renamed into place. A corrupt or\n"
      "truncated file is refused with exit 4 and nothing is created. An existing store is never\n"
      "replaced unless --force is given; then the old one is moved aside and removed only once\n"
      "the new one is in place.\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

#include "tests/fuzz/fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tombstone::fuzz {
namespace {

namespace fs = std::filesystem;

std::string MakeScratch() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                        "/tombstone-fuzz-XXXXXX";
  Require(::mkdtemp(pattern.data()) != nullptr, "unable to create a scratch directory", pattern);
  return pattern;
}

tombstones::Tombstone Make(const tombstones::Key& key, const std::string& request,
                           const std::vector<std::pair<std::string, std::string>>& ids,
                           const char* erased_at) {
  tombstones::Tombstone t;
  t.request_id = request;
  t.erased_at = tombstones::ParseTime(erased_at).value();
  for (const auto& [kind, value] : ids) {
    const auto n = tombstones::DefaultNormalizerFor(kind);
    std::string normalized;
    Require(tombstones::Normalize(n, value, &normalized), "unable to normalize a fixture value");
    t.identifiers.push_back({kind, n, key.HashIdentifier(kind, normalized), {}});
  }
  return t;
}

}  // namespace

const std::string& ScratchDir() {
  // Never destroyed: the exit handler that removes the directory runs after static destructors.
  static const std::string* dir = [] {
    auto* d = new std::string(MakeScratch());
    std::atexit([] { RemoveAll(ScratchDir()); });
    return d;
  }();
  return *dir;
}

std::string WriteScratch(const std::string& name, std::string_view bytes) {
  const std::string path = ScratchDir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  Require(static_cast<bool>(out), "unable to write a scratch file", path);
  return path;
}

void RemoveAll(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

void Require(bool ok, const char* what, const std::string& detail) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
  std::abort();
}

FixtureStore& Fixture() {
  static FixtureStore* fixture = [] {
    auto* f = new FixtureStore;
    f->dir = ScratchDir() + "/store";
    f->key_file = ScratchDir() + "/key";
    auto key = tombstones::Key::Generate(f->key_file);
    Require(key.ok(), "unable to generate the fixture key", key.status().message());
    f->key = std::make_unique<tombstones::Key>(std::move(key.value()));
    Require(tombstones::Store::Create(f->dir, *f->key).ok(), "unable to create the fixture store");
    tombstones::Store::Options options;
    options.dir = f->dir;
    options.mode = tombstones::Store::Mode::kWrite;
    options.key = f->key.get();
    auto writer = tombstones::Store::Open(options);
    Require(writer.ok(), "unable to open the fixture store", writer.status().message());
    auto held = Make(*f->key, "REQ-H", {{"email", "held@example.com"}}, "2025-01-01T00:00:00Z");
    held.hold_reason = "litigation";
    const auto added = writer.value()->Add(
        {Make(*f->key, "REQ-A", {{"email", "alice@example.com"}, {"user_id", "1"}},
              "2025-01-01T00:00:00Z"),
         Make(*f->key, "REQ-C", {{"user_id", "42"}, {"email", "carol@example.com"}},
              "2025-01-01T00:00:00Z"),
         Make(*f->key, "REQ-N", {{"email", "new@example.com"}}, "2026-01-01T00:00:00Z"),
         held});
    Require(added.ok(), "unable to add the fixture tombstones", added.status().message());
    return f;
  }();
  return *fixture;
}

FixtureStore& Reader() {
  FixtureStore& f = Fixture();
  if (!f.store) {
    tombstones::Store::Options options;
    options.dir = f.dir;
    options.key = f.key.get();
    auto reader = tombstones::Store::Open(options);
    Require(reader.ok(), "unable to open the fixture store for reading",
            reader.status().message());
    f.store = std::move(reader.value());
  }
  return f;
}

}  // namespace tombstone::fuzz

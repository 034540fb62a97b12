// tombstone add: record one erasure, durably, before saying so.
#include "src/commands/add.h"

#include "src/cli/options.h"
#include "src/cli/store_access.h"
#include "src/input/identifier_input.h"
#include "src/input/input_source.h"

namespace tombstone {
namespace {

void Declare(cxxopts::Options& options) {
  options.add_options()
      ("request", "the erasure request id (your ticket or case number)",
       cxxopts::value<std::string>(), "ID")
      ("id", "an identifier of the subject, KIND:VALUE (repeatable)",
       cxxopts::value<std::vector<std::string>>(), "KIND:VALUE")
      ("ids-from", "read KIND:VALUE lines from FILE, or - for standard input",
       cxxopts::value<std::string>(), "FILE")
      ("erased-at", "when the subject was erased, RFC 3339 (default: now)",
       cxxopts::value<std::string>(), "TIME")
      ("hold", "put the tombstone on legal hold with this reason", cxxopts::value<std::string>(),
       "REASON")
      ("note", "a free-text note (never put personal data here)", cxxopts::value<std::string>(),
       "TEXT");
}

// Hashes every identifier from --id and --ids-from; the values go no further than this.
Status CollectIdentifiers(Context& ctx, IdentifierHasher& hasher, tombstones::Tombstone* t) {
  if (ctx.Has("id")) {
    int n = 0;
    for (const std::string& pair : ctx.Get<std::vector<std::string>>("id")) {
      auto id = hasher.HashPair(pair, "--id number " + std::to_string(++n));
      if (!id.ok()) return id.status();
      t->identifiers.push_back(std::move(id.value()));
    }
  }
  if (ctx.Has("ids-from")) {
    auto source = InputSource::Open(ctx.Get<std::string>("ids-from"), ctx.io.in);
    if (!source.ok()) return source.status();
    std::string line;
    for (long n = 1;; ++n) {
      auto more = source->ReadLine(&line, n);
      if (!more.ok()) return more.status();
      if (!more.value()) break;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
      auto id = hasher.HashPair(line, source->Where(n));
      if (!id.ok()) return id.status();
      t->identifiers.push_back(std::move(id.value()));
    }
  }
  if (t->identifiers.empty())
    return Status::Usage("unable to add tombstone '" + t->request_id + "': no identifier given",
                         "pass --id KIND:VALUE, or --ids-from - to read them from stdin");
  return Status::Ok();
}

Status Run(Context& ctx) {
  if (!ctx.Has("request"))
    return Status::Usage("unable to add tombstone: --request is required");
  tombstones::Tombstone t;
  t.request_id = ctx.Get<std::string>("request");
  t.erased_at = tombstones::Now();
  if (ctx.Has("erased-at")) {
    auto when = TimeOption(ctx, "erased-at");
    if (!when.ok()) return when.status();
    t.erased_at = when.value();
  }
  if (ctx.Has("hold")) t.hold_reason = ctx.Get<std::string>("hold");  // from when it is recorded
  if (ctx.Has("note")) t.note = ctx.Get<std::string>("note");

  // Identifiers are read (--ids-from - may wait on a slow producer) and hashed with the store
  // open for reading; the write lock is taken only to record them, so that no other writer (an
  // erasure pipeline, a replay recording its receipt) waits on this command's input.
  // A store in sealed mode records nothing without its sealed form: the sealing key is
  // required (exit 2) before any input is read.
  auto reading = OpenStore(ctx, tombstones::Store::Mode::kRead, KeyUse::kRequired);
  if (!reading.ok()) return reading.status();
  if (Status s = RequireSealingKeyIfSealed(ctx, &reading.value()); !s.ok()) return s;
  IdentifierHasher hasher(*reading->store, *reading->key, reading->sealing_key.get());
  if (Status s = CollectIdentifiers(ctx, hasher, &t); !s.ok()) return s;
  reading->store.reset();
  auto opened = OpenStore(ctx, tombstones::Store::Mode::kWrite, KeyUse::kRequired,
                          reading->sealing_key.get());
  if (!opened.ok()) return opened.status();
  auto outcome = opened->store->Add({t});
  if (!outcome.ok()) return outcome.status();
  if (outcome->front() == tombstones::Store::AddOutcome::kAlreadyPresent && reading->sealing_key)
    ctx.io.out << "tombstone '" << t.request_id
               << "' is already recorded; its sealed identifiers are stored\n";
  else if (outcome->front() == tombstones::Store::AddOutcome::kAlreadyPresent)
    ctx.io.out << "tombstone '" << t.request_id << "' is already recorded; nothing changed\n";
  else
    ctx.io.out << "added tombstone '" << t.request_id << "' (" << t.identifiers.size()
               << (t.identifiers.size() == 1 ? " identifier" : " identifiers") << ")\n";
  return Status::Ok();
}

}  // namespace

const CommandSpec& AddCommand() {
  static const CommandSpec spec{
      "add", "--request ID --id KIND:VALUE", 0, 0, "record one erasure (synced before it returns)",
      "Records that the subject with these identifiers was erased. Identifiers are normalized\n"
      "per kind (email: trimmed, lowercased; phone: digits only; other kinds: exact) and kept\n"
      "only as keyed hashes (in sealed mode also encrypted under the sealing key, which is\n"
      "then required: --sealing-key-file; docs/security.md). Identifiers on the command line\n"
      "end up in shell history: prefer\n"
      "--ids-from - and one KIND:VALUE per line on standard input.\n"
      "Adding the same request with the same identifiers again changes nothing (exit 0); the\n"
      "same request with other identifiers is refused (exit 1).\n\n"
      "Example:\n"
      "  printf 'email:alice@example.com\\nuser_id:42\\n' |\n"
      "    tombstone add --request GDPR-1234 --ids-from -\n",
      Declare, Run, /*logs_begin_end=*/true};
  return spec;
}

}  // namespace tombstone

// The pending computation: which backups hold a tombstone, when it ages out, what re-applied it.
#include "src/compliance/pending.h"

#include <catch2/catch.hpp>

namespace tombstone::compliance {
namespace {

constexpr Micros T(int n) { return static_cast<Micros>(n) * 1000000; }

tombstones::BackupRecord Backup(const std::string& id, int taken, std::optional<int> expires) {
  tombstones::BackupRecord b;
  b.id = id;
  b.source = "manual";
  b.taken_at = T(taken);
  if (expires) b.expires_at = T(*expires);
  return b;
}

tombstones::Tombstone Erased(int erased, int recorded,
                             const std::vector<std::string>& kinds = {"email"}) {
  tombstones::Tombstone t;
  t.request_id = "r" + std::to_string(erased);
  t.erased_at = T(erased);
  t.recorded_at = T(recorded);
  for (const std::string& kind : kinds) t.identifiers.push_back({kind, {}, {}, {}});
  return t;
}

CleanReplay Replay(std::uint64_t seq, int started, int finished,
                   std::vector<std::string> kinds = {"email", "user_id"}) {
  return CleanReplay{seq, T(started), T(finished), std::move(kinds)};
}

PendingIndex Index(HoldPeriods holds = {}) {
  return PendingIndex({Backup("a", 10, 100), Backup("b", 20, 50), Backup("c", 30, std::nullopt),
                       Backup("expired", 5, 8)},
                      {Replay(3, 29, 30), Replay(1, 11, 12)}, T(40), std::move(holds));
}

TEST_CASE("A tombstone is pending while a backup taken before its erasure is unexpired",
          "[compliance]") {
  const PendingIndex index = Index();
  SECTION("held by one backup: ages out when it expires") {
    const PendingVerdict v = index.Evaluate(Erased(15, 16));
    CHECK(v.pending);
    REQUIRE(v.holding == 1);
    CHECK(index.Holding(v)[0].id == "a");  // 'expired' ran out at 8, before AT
    CHECK(v.ages_out == T(100));
  }
  SECTION("held by two: ages out with the last of them") {
    const PendingVerdict v = index.Evaluate(Erased(25, 26));
    CHECK(v.holding == 2);
    CHECK(v.ages_out == T(100));
    CHECK_FALSE(v.ages_out_unknown);
  }
  SECTION("one holder without a forecast makes the date unknown") {
    const PendingVerdict v = index.Evaluate(Erased(35, 36));
    CHECK(v.holding == 3);
    CHECK(v.ages_out_unknown);
    CHECK_FALSE(v.ages_out);
  }
  SECTION("a backup taken at the very moment of erasure does not hold it") {
    const PendingVerdict v = index.Evaluate(Erased(10, 11));
    CHECK(v.considered);
    CHECK_FALSE(v.pending);
  }
  SECTION("erased after AT: not considered") {
    CHECK_FALSE(index.Evaluate(Erased(45, 46)).considered);
  }
  SECTION("a legal hold is pending with no backup at all") {
    tombstones::Tombstone t = Erased(4, 5);
    t.hold_reason = "litigation";
    t.held_at = T(20);
    const PendingVerdict v = index.Evaluate(t);
    CHECK(v.pending);
    CHECK(v.held);
    CHECK(v.holding == 0);
    CHECK_FALSE(v.ages_out);
    REQUIRE(v.reapplied);
    CHECK(v.reapplied->seq == 1);  // the replay at 30 came after the hold: it skipped it
  }
}

TEST_CASE("A replay re-applied a tombstone only when its map could match one of its kinds",
          "[compliance]") {
  const PendingIndex index = Index();
  SECTION("the last clean replay that started after it was recorded, with its kind mapped") {
    const PendingVerdict v = index.Evaluate(Erased(15, 16));
    REQUIRE(v.reapplied);
    CHECK(v.reapplied->seq == 3);
    CHECK(v.kinds_not_matched.empty());
    CHECK_FALSE(v.not_matched_by);
  }
  SECTION("recorded after the last replay: nothing") {
    const PendingVerdict v = index.Evaluate(Erased(35, 36));
    CHECK_FALSE(v.reapplied);
    CHECK_FALSE(v.not_matched_by);
  }
  SECTION("recorded while the replay ran: not loaded by it, so not credited") {
    CHECK(index.Evaluate(Erased(28, 29)).reapplied != nullptr);  // recorded as replay 3 began
    tombstones::Tombstone t = Erased(28, 29);
    t.recorded_at = T(29) + 1;
    CHECK_FALSE(index.Evaluate(t).reapplied);
  }
  SECTION("a kind no replay's map could match: never shown as re-applied") {
    const PendingVerdict v = index.Evaluate(Erased(15, 16, {"phone"}));
    CHECK_FALSE(v.reapplied);
    REQUIRE(v.not_matched_by);
    CHECK(v.not_matched_by->seq == 3);
  }
  SECTION("one kind matched, another not: credited, the other named") {
    const PendingVerdict v = index.Evaluate(Erased(15, 16, {"email", "phone"}));
    REQUIRE(v.reapplied);
    CHECK(v.reapplied->seq == 3);
    CHECK(v.kinds_not_matched == std::vector<std::string>{"phone"});
  }
  SECTION("the last replay that matched its kind, not the last replay") {
    const PendingIndex mixed({}, {Replay(1, 11, 12, {"phone"}), Replay(2, 20, 21, {"email"})},
                             T(40));
    const PendingVerdict v = mixed.Evaluate(Erased(5, 6, {"phone"}));
    REQUIRE(v.reapplied);
    CHECK(v.reapplied->seq == 1);
  }
}

TEST_CASE("A replay that ran while a tombstone was on hold did not re-apply it", "[compliance]") {
  const auto held = [](Micros from, Micros to) {
    HoldPeriods holds;
    holds["r15"] = {{from, to}};
    return holds;
  };
  SECTION("a replay during an ended hold skipped it") {
    const PendingIndex index = Index(held(T(25), T(35)));  // replay 3 ran 29-30
    const PendingVerdict v = index.Evaluate(Erased(15, 16));
    CHECK_FALSE(v.reapplied);
    CHECK_FALSE(v.not_matched_by);
  }
  SECTION("a replay after the hold ended re-applied it") {
    const PendingIndex index = Index(held(T(17), T(20)));
    const PendingVerdict v = index.Evaluate(Erased(15, 16));
    REQUIRE(v.reapplied);
    CHECK(v.reapplied->seq == 3);
  }
  SECTION("a replay that ran as the hold began or ended is not counted either") {
    CHECK_FALSE(Index(held(T(30), T(31))).Evaluate(Erased(15, 16)).reapplied);
    CHECK_FALSE(Index(held(T(20), T(29) + 1)).Evaluate(Erased(15, 16)).reapplied);
  }
}

TEST_CASE("The hold history gives the ended holds of each request id", "[compliance]") {
  using Kind = tombstones::HistoryEvent::Kind;
  HoldPeriodsBuilder builder;
  const auto event = [](const char* request, Kind kind, int at) {
    return tombstones::HistoryEvent{request, kind, {"alice", T(at)}, "x"};
  };
  for (const auto& e : {event("a", Kind::kHold, 1), event("a", Kind::kRehold, 2),
                        event("a", Kind::kRelease, 3), event("a", Kind::kHold, 5),
                        event("b", Kind::kHold, 1), event("c", Kind::kHold, 1),
                        event("c", Kind::kRelease, 4)})
    builder.Add(e);
  const HoldPeriods periods = builder.Take();
  CHECK(periods.at("a") == std::vector<std::pair<Micros, Micros>>{{T(1), T(3)}});  // 5: running
  CHECK(periods.count("b") == 0);
  CHECK(periods.at("c") == std::vector<std::pair<Micros, Micros>>{{T(1), T(4)}});
}

TEST_CASE("Only a committed, clean, real replay receipt with its kinds credits anything",
          "[compliance]") {
  const std::string ok = R"({"receipt_version":1,"command":"replay","dry_run":false,
    "exit_code":0,"verification":"clean","committed":true,"kinds_matched":["user_id","email"],
    "started_at":"2026-01-31T11:59:00Z","finished_at":"2026-01-31T12:00:00Z"})";
  const ReceiptCredit credit = ReadReceiptCredit(ok);
  REQUIRE(credit.use == ReceiptCredit::Use::kCredits);
  CHECK(credit.replay.finished_at == tombstones::ParseTime("2026-01-31T12:00:00Z").value());
  CHECK(credit.replay.started_at == tombstones::ParseTime("2026-01-31T11:59:00Z").value());
  CHECK(credit.replay.kinds_matched == std::vector<std::string>{"email", "user_id"});
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string body = ok;
    body.replace(body.find(from), from.size(), to);
    return ReadReceiptCredit(body).use;
  };
  using Use = ReceiptCredit::Use;
  CHECK(with("\"replay\"", "\"verify\"") == Use::kNone);
  CHECK(with("\"dry_run\":false", "\"dry_run\":true") == Use::kNone);
  CHECK(with("\"exit_code\":0", "\"exit_code\":3") == Use::kNone);
  CHECK(with("\"clean\"", "\"residue\"") == Use::kNone);
  CHECK(with("\"committed\":true", "\"committed\":false") == Use::kNone);
  CHECK(ReadReceiptCredit("not json").use == Use::kNone);
  SECTION("receipts that do not say which kinds their map could match credit nothing") {
    CHECK(with("\"kinds_matched\":[\"user_id\",\"email\"],", "") == Use::kNoKinds);
    CHECK(with("\"committed\":true,", "") == Use::kNoKinds);
    CHECK(with("[\"user_id\",\"email\"]", "\"email\"") == Use::kNoKinds);
  }
  SECTION("kinds as objects or as keys are read the same way") {
    CHECK(with("[\"user_id\",\"email\"]", R"({"email": 3})") == Use::kCredits);
    CHECK(with("[\"user_id\",\"email\"]", R"([{"kind": "email", "sources": 2}])") ==
          Use::kCredits);
    CHECK(with("[\"user_id\",\"email\"]", "[]") == Use::kCredits);  // a map matching nothing
  }
}

TEST_CASE("The summary counts pending, held and unknown, and finds the next age-out",
          "[compliance]") {
  const PendingIndex index = Index();
  PendingSummary s;
  tombstones::Tombstone held = Erased(4, 5);
  held.hold_reason = "x";
  for (const auto& t : {Erased(15, 16), Erased(25, 26), Erased(35, 36), Erased(10, 11),
                        Erased(45, 46), held, Erased(16, 17, {"phone"})})
    s.Add(index.Evaluate(t));
  CHECK(s.considered == 6);
  CHECK(s.pending == 5);
  CHECK(s.held == 1);
  CHECK(s.unknown == 1);
  CHECK(s.not_matched == 1);
  CHECK(s.next_age_out == T(100));
}

}  // namespace
}  // namespace tombstone::compliance

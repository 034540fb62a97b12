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

tombstones::Tombstone Erased(int erased, int recorded) {
  tombstones::Tombstone t;
  t.request_id = "r" + std::to_string(erased);
  t.erased_at = T(erased);
  t.recorded_at = T(recorded);
  return t;
}

PendingIndex Index() {
  return PendingIndex({Backup("a", 10, 100), Backup("b", 20, 50), Backup("c", 30, std::nullopt),
                       Backup("expired", 5, 8)},
                      {{3, T(30)}, {1, T(12)}}, T(40));
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

TEST_CASE("The last clean replay that finished after a tombstone was recorded re-applied it",
          "[compliance]") {
  const PendingIndex index = Index();
  CHECK(index.Evaluate(Erased(15, 16)).reapplied->seq == 3);
  CHECK_FALSE(index.Evaluate(Erased(35, 36)).reapplied);  // recorded after the last replay
}

TEST_CASE("Only a clean, real, successful replay receipt counts as re-applying", "[compliance]") {
  const std::string ok = R"({"receipt_version":1,"command":"replay","dry_run":false,
    "exit_code":0,"verification":"clean","finished_at":"2026-01-31T12:00:00Z"})";
  CHECK(CleanReplayFinishedAt(ok) == tombstones::ParseTime("2026-01-31T12:00:00Z").value());
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string body = ok;
    body.replace(body.find(from), from.size(), to);
    return CleanReplayFinishedAt(body);
  };
  CHECK_FALSE(with("\"replay\"", "\"verify\""));
  CHECK_FALSE(with("\"dry_run\":false", "\"dry_run\":true"));
  CHECK_FALSE(with("\"exit_code\":0", "\"exit_code\":3"));
  CHECK_FALSE(with("\"clean\"", "\"residue\""));
  CHECK_FALSE(CleanReplayFinishedAt("not json"));
}

TEST_CASE("The summary counts pending, held and unknown, and finds the next age-out",
          "[compliance]") {
  const PendingIndex index = Index();
  PendingSummary s;
  tombstones::Tombstone held = Erased(4, 5);
  held.hold_reason = "x";
  for (const auto& t : {Erased(15, 16), Erased(25, 26), Erased(35, 36), Erased(10, 11),
                        Erased(45, 46), held})
    s.Add(index.Evaluate(t));
  CHECK(s.considered == 5);
  CHECK(s.pending == 4);
  CHECK(s.held == 1);
  CHECK(s.unknown == 1);
  CHECK(s.next_age_out == T(100));
}

}  // namespace
}  // namespace tombstone::compliance

// mail/time_zone: TZif files of the system tz database and POSIX rules, against known transitions.
#include "mail/time_zone.hpp"

#include <gtest/gtest.h>

namespace paperfeed::mail {
namespace {

int64_t Utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return DaysFromCivilDate({y, m, d}) * 86400 + hh * 3600 + mm * 60;
}

TEST(CivilDateTest, DaysRoundTripAndWeekdays) {
  for (int64_t days : {-800000, -1, 0, 1, 20000, 20686, 800000}) {
    EXPECT_EQ(DaysFromCivilDate(CivilFromDays(days)), days);
  }
  EXPECT_EQ(WeekdayOfDays(0), 4);                                 // Thursday
  EXPECT_EQ(WeekdayOfDays(DaysFromCivilDate({2026, 8, 21})), 5);  // Friday
  EXPECT_EQ(FormatDay(*ParseDay("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(ParseDay("2023-02-29").has_value());
  EXPECT_FALSE(ParseDay("2023-13-01").has_value());
}

TEST(CivilDateTest, IsoWeeksFollowIso8601) {
  EXPECT_EQ(IsoWeekName({2026, 8, 21}), "2026-W34");
  EXPECT_EQ(IsoWeekName({2021, 1, 3}), "2020-W53");  // a Sunday in the last week of 2020
  EXPECT_EQ(IsoWeekName({2024, 12, 30}), "2025-W01");
  EXPECT_EQ(IsoWeekMonday({2026, 8, 23}), (CivilDate{2026, 8, 17}));
}

TEST(TimeZoneTest, NewYorkFollowsUsDaylightSavingRules) {
  auto tz = TimeZone::Load("America/New_York");
  ASSERT_TRUE(tz.ok()) << tz.error().message;
  EXPECT_EQ(tz->OffsetAt(Utc(2026, 1, 15, 12)), -5 * 3600);
  EXPECT_EQ(tz->OffsetAt(Utc(2026, 8, 21, 12)), -4 * 3600);
  // 2026-03-08 02:00 EST -> 03:00 EDT, i.e. 07:00 UTC.
  EXPECT_EQ(tz->OffsetAt(Utc(2026, 3, 8, 6, 59)), -5 * 3600);
  EXPECT_EQ(tz->OffsetAt(Utc(2026, 3, 8, 7, 0)), -4 * 3600);
  // 2026-11-01 02:00 EDT -> 01:00 EST, i.e. 06:00 UTC.
  EXPECT_EQ(tz->OffsetAt(Utc(2026, 11, 1, 5, 59)), -4 * 3600);
  EXPECT_EQ(tz->OffsetAt(Utc(2026, 11, 1, 6, 0)), -5 * 3600);
  // Beyond the last transition in the file the footer rule takes over.
  EXPECT_EQ(tz->OffsetAt(Utc(2080, 7, 1)), -4 * 3600);
  EXPECT_EQ(tz->OffsetAt(Utc(2080, 12, 1)), -5 * 3600);
}

TEST(TimeZoneTest, FromLocalHandlesGapsAndOverlaps) {
  auto tz = TimeZone::Load("America/New_York").value();
  EXPECT_EQ(tz.FromLocal({2026, 8, 21}, 7, 0), Utc(2026, 8, 21, 11));
  EXPECT_EQ(tz.FromLocal({2026, 1, 21}, 7, 0), Utc(2026, 1, 21, 12));
  // 02:30 does not exist on 2026-03-08: read as EST, it is 03:30 EDT.
  EXPECT_EQ(tz.FromLocal({2026, 3, 8}, 2, 30), Utc(2026, 3, 8, 7, 30));
  // 01:30 happens twice on 2026-11-01: the first (EDT) wins.
  EXPECT_EQ(tz.FromLocal({2026, 11, 1}, 1, 30), Utc(2026, 11, 1, 5, 30));
  EXPECT_EQ(tz.LocalDate(Utc(2026, 8, 22, 3)), (CivilDate{2026, 8, 21}));
}

TEST(TimeZoneTest, SouthernHemisphereAndHalfHourZones) {
  auto sydney = TimeZone::Load("Australia/Sydney").value();
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 1, 15)), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 7, 15)), 10 * 3600);
  auto kolkata = TimeZone::Load("Asia/Kolkata").value();
  EXPECT_EQ(kolkata.OffsetAt(Utc(2026, 7, 15)), 5 * 3600 + 1800);
  EXPECT_EQ(TimeZone::Load("UTC").value().OffsetAt(Utc(2026, 7, 15)), 0);
}

TEST(TimeZoneTest, PosixRulesAloneMatchTheTzDatabase) {
  auto rule = TimeZone::FromPosixRule("EST5EDT,M3.2.0,M11.1.0").value();
  auto file = TimeZone::Load("America/New_York").value();
  for (int64_t t = Utc(2020, 1, 1); t < Utc(2030, 1, 1); t += 3600 * 7) {
    ASSERT_EQ(rule.OffsetAt(t), file.OffsetAt(t)) << t;
  }
  auto south = TimeZone::FromPosixRule("AEST-10AEDT,M10.1.0,M4.1.0/3").value();
  EXPECT_EQ(south.OffsetAt(Utc(2040, 1, 15)), 11 * 3600);
  EXPECT_EQ(south.OffsetAt(Utc(2040, 7, 15)), 10 * 3600);
  EXPECT_EQ(TimeZone::FromPosixRule("<+0330>-3:30").value().OffsetAt(0), 3 * 3600 + 1800);
}

TEST(TimeZoneTest, RefusesUnknownOrUnsafeNames) {
  EXPECT_EQ(TimeZone::Load("Mars/Olympus_Mons").error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(TimeZone::Load("../../etc/passwd").error().code, core::ErrorCode::kInvalidInput);
  EXPECT_FALSE(TimeZone::FromPosixRule("nonsense").ok());
}

}  // namespace
}  // namespace paperfeed::mail

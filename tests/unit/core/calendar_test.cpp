// core/calendar: civil dates and ISO weeks, and IANA zones from the system's tz database against
// known transitions, across daylight-saving boundaries in both hemispheres and past 2037.
#include "core/calendar.hpp"

#include <gtest/gtest.h>

namespace paperfeed::core {
namespace {

int64_t Utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return DaysFromCivil({y, m, d}) * 86400 + hh * 3600 + mm * 60;
}

TEST(CivilDateTest, DaysRoundTripAndWeekdays) {
  for (int64_t days : {-800000, -1, 0, 1, 20000, 20686, 800000}) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(days)), days);
  }
  EXPECT_EQ(CivilFromDays(0), (CivilDate{1970, 1, 1}));
  EXPECT_EQ(CivilFromDays(-1), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(Weekday(0), 4);                                // Thursday
  EXPECT_EQ(Weekday(DaysFromCivil({2026, 8, 21})), 5);     // Friday
  EXPECT_EQ(IsoWeekday(DaysFromCivil({2026, 8, 23})), 7);  // Sunday
  EXPECT_EQ(IsoWeekday(DaysFromCivil({2026, 8, 24})), 1);  // Monday
  EXPECT_EQ(FormatDay(*ParseDay("2024-02-29")), "2024-02-29");
  EXPECT_EQ(FormatDay(int64_t{0}), "1970-01-01");
  EXPECT_FALSE(ParseDay("2023-02-29").has_value());
  EXPECT_FALSE(ParseDay("2023-13-01").has_value());
  EXPECT_FALSE(ParseDay("2023-04-31").has_value());
  EXPECT_FALSE(ParseDay("2023-4-01").has_value());
}

TEST(CivilDateTest, DaysInMonthFollowTheGregorianLeapRule) {
  EXPECT_EQ(DaysInMonth(2023, 2), 28u);
  EXPECT_EQ(DaysInMonth(2024, 2), 29u);
  EXPECT_EQ(DaysInMonth(1900, 2), 28u);  // divisible by 100, not by 400
  EXPECT_EQ(DaysInMonth(2000, 2), 29u);  // divisible by 400
  EXPECT_EQ(DaysInMonth(2026, 4), 30u);
  EXPECT_EQ(DaysInMonth(2026, 12), 31u);
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_FALSE(IsLeapYear(2100));
}

TEST(CivilDateTest, IsoWeeksFollowIso8601) {
  EXPECT_EQ(IsoWeekName({2026, 8, 21}), "2026-W34");
  EXPECT_EQ(IsoWeekName({2021, 1, 3}), "2020-W53");  // a Sunday in the last week of 2020
  EXPECT_EQ(IsoWeekName({2024, 12, 30}), "2025-W01");
  EXPECT_EQ(IsoWeekMonday({2026, 8, 23}), (CivilDate{2026, 8, 17}));
  EXPECT_EQ(IsoWeekStart(2026, 34), (CivilDate{2026, 8, 17}));
  EXPECT_EQ(IsoWeekStart(2025, 1), (CivilDate{2024, 12, 30}));
  EXPECT_EQ(IsoWeekStart(2020, 53), (CivilDate{2020, 12, 28}));
  EXPECT_FALSE(IsoWeekStart(2021, 53).has_value());  // 2021 has 52 weeks
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
  // Beyond the last transition in the file the rules in force go on.
  EXPECT_EQ(tz->OffsetAt(Utc(2080, 7, 1)), -4 * 3600);
  EXPECT_EQ(tz->OffsetAt(Utc(2080, 12, 1)), -5 * 3600);
  // Before 2007 the US rules were different: 2006 changed on the last Sunday of October.
  EXPECT_EQ(tz->OffsetAt(Utc(2006, 10, 29, 5, 59)), -4 * 3600);
  EXPECT_EQ(tz->OffsetAt(Utc(2006, 10, 29, 6, 0)), -5 * 3600);
}

// The US rules since 2007 (Energy Policy Act of 2005), written out independently of the database:
// daylight time from the second Sunday of March 02:00 EST to the first Sunday of November 02:00 EDT.
int UsEasternOffset(int64_t t) {
  const int year = CivilFromDays((t - 5 * 3600) / 86400).year;
  auto nth_sunday = [](int y, unsigned month, int n) {
    int64_t first = DaysFromCivil(y, month, 1);
    return first + (7 - IsoWeekday(first)) % 7 + 7 * (n - 1);
  };
  const int64_t start = nth_sunday(year, 3, 2) * 86400 + 7 * 3600;
  const int64_t end = nth_sunday(year, 11, 1) * 86400 + 6 * 3600;
  return t >= start && t < end ? -4 * 3600 : -5 * 3600;
}

TEST(TimeZoneTest, NewYorkMatchesTheUsRulesEveryHourTo2099) {
  // Every hour near each transition, and every 7 hours otherwise, from 2007 to 2099: the rules
  // continue past the last transition of the compiled file (2037) with no hour off.
  auto tz = TimeZone::Load("America/New_York").value();
  for (int64_t t = Utc(2007, 1, 1); t < Utc(2100, 1, 1); t += 3600 * 7) {
    ASSERT_EQ(tz.OffsetAt(t), UsEasternOffset(t)) << t;
  }
  for (int year = 2007; year < 2100; ++year) {
    for (unsigned month : {3u, 11u}) {
      for (int64_t t = Utc(year, month, 1); t < Utc(year, month, 15); t += 1800) {
        ASSERT_EQ(tz.OffsetAt(t), UsEasternOffset(t)) << year << "-" << month << " " << t;
      }
    }
  }
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
  // The same past the file's last transition.
  EXPECT_EQ(tz.FromLocal({2080, 3, 10}, 2, 30), Utc(2080, 3, 10, 7, 30));
  EXPECT_EQ(tz.FromLocal({2080, 11, 3}, 1, 30), Utc(2080, 11, 3, 5, 30));
}

TEST(TimeZoneTest, LocalMidnightAroundDaylightSavingChanges) {
  auto tz = TimeZone::Load("America/New_York").value();
  // The day daylight time starts begins in EST, the next day in EDT.
  EXPECT_EQ(tz.FromLocal({2026, 3, 8}, 0, 0), Utc(2026, 3, 8, 5));
  EXPECT_EQ(tz.FromLocal({2026, 3, 9}, 0, 0), Utc(2026, 3, 9, 4));
  // The day it ends begins in EDT and lasts 25 hours.
  EXPECT_EQ(tz.FromLocal({2026, 11, 1}, 0, 0), Utc(2026, 11, 1, 4));
  EXPECT_EQ(tz.FromLocal({2026, 11, 2}, 0, 0) - tz.FromLocal({2026, 11, 1}, 0, 0), 25 * 3600);
  EXPECT_EQ(tz.LocalDate(Utc(2026, 11, 1, 3, 59)), (CivilDate{2026, 10, 31}));
  EXPECT_EQ(tz.LocalDate(Utc(2026, 11, 2, 4, 59)), (CivilDate{2026, 11, 1}));
  EXPECT_EQ(tz.LocalDate(Utc(2026, 11, 2, 5, 0)), (CivilDate{2026, 11, 2}));
}

TEST(TimeZoneTest, SouthernHemisphereAndHalfHourZones) {
  auto sydney = TimeZone::Load("Australia/Sydney").value();
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 1, 15)), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 7, 15)), 10 * 3600);
  // 2026-04-05 03:00 AEDT -> 02:00 AEST (16:00 UTC the day before); 2026-10-04 02:00 AEST -> 03:00
  // AEDT (16:00 UTC the day before).
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 4, 4, 15, 59)), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 4, 4, 16, 0)), 10 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 10, 3, 15, 59)), 10 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Utc(2026, 10, 3, 16, 0)), 11 * 3600);
  EXPECT_EQ(sydney.FromLocal({2026, 10, 4}, 2, 30), Utc(2026, 10, 3, 16, 30));  // in the gap
  EXPECT_EQ(sydney.OffsetAt(Utc(2040, 1, 15)), 11 * 3600);
  EXPECT_EQ(sydney.OffsetAt(Utc(2040, 7, 15)), 10 * 3600);
  auto kolkata = TimeZone::Load("Asia/Kolkata").value();
  EXPECT_EQ(kolkata.OffsetAt(Utc(2026, 7, 15)), 5 * 3600 + 1800);
  EXPECT_EQ(kolkata.OffsetAt(Utc(2080, 7, 15)), 5 * 3600 + 1800);  // no changes since 1945
  EXPECT_EQ(TimeZone::Load("UTC").value().OffsetAt(Utc(2026, 7, 15)), 0);
}

TEST(TimeZoneTest, EuropeChangesAtOneUtcOnLastSundays) {
  auto london = TimeZone::Load("Europe/London").value();
  // 2026-03-29 and 2026-10-25, both at 01:00 UTC (EU rules).
  EXPECT_EQ(london.OffsetAt(Utc(2026, 3, 29, 0, 59)), 0);
  EXPECT_EQ(london.OffsetAt(Utc(2026, 3, 29, 1, 0)), 3600);
  EXPECT_EQ(london.OffsetAt(Utc(2026, 10, 25, 0, 59)), 3600);
  EXPECT_EQ(london.OffsetAt(Utc(2026, 10, 25, 1, 0)), 0);
  // 2050: last Sundays are 2050-03-27 and 2050-10-30.
  EXPECT_EQ(london.OffsetAt(Utc(2050, 3, 27, 0, 59)), 0);
  EXPECT_EQ(london.OffsetAt(Utc(2050, 3, 27, 1, 0)), 3600);
  EXPECT_EQ(london.OffsetAt(Utc(2050, 10, 30, 0, 59)), 3600);
  EXPECT_EQ(london.OffsetAt(Utc(2050, 10, 30, 1, 0)), 0);
}

TEST(TimeZoneTest, RefusesUnknownOrUnsafeNames) {
  EXPECT_EQ(TimeZone::Load("Mars/Olympus_Mons").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TimeZone::Load("../../etc/passwd").error().code, ErrorCode::kInvalidInput);
  EXPECT_EQ(TimeZone::Load("").error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(TimeZone::Load("Mars/Olympus_Mons").error().message.find("Mars/Olympus_Mons"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::core

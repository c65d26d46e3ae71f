// core/calendar: the one calendar — civil dates and day numbers, days in a month, weekdays, ISO 8601
// weeks, and local time in a named IANA zone — over Howard Hinnant's date library (the design
// std::chrono adopted in C++20, which libstdc++ 12 does not ship yet).
//
// Only core/calendar.cpp includes the library. Time zones come from the system's compiled tz
// database (/usr/share/zoneinfo, Debian's tzdata) through Debian's libdate-tz (USE_OS_TZDB).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::core {

// A date of the proleptic Gregorian calendar.
struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
  bool operator==(const CivilDate&) const = default;
};

// Days since 1970-01-01 -> date, and the reverse.
CivilDate CivilFromDays(int64_t days);
int64_t DaysFromCivil(const CivilDate& date);
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

bool IsLeapYear(int64_t year);
// 28..31; `month` 1..12.
unsigned DaysInMonth(int64_t year, unsigned month);
// 0 = Sunday .. 6 = Saturday.
int Weekday(int64_t days);
// ISO 8601 weekday: 1 = Monday .. 7 = Sunday.
int IsoWeekday(int64_t days);

// "2026-08-21" <-> date. ParseDay refuses anything but a valid YYYY-MM-DD.
std::string FormatDay(const CivilDate& date);
std::string FormatDay(int64_t days);
std::optional<CivilDate> ParseDay(std::string_view text);

// The ISO 8601 week of a date, "2026-W34": weeks start on Monday and belong to the year of their
// Thursday, so week 1 holds January 4th.
std::string IsoWeekName(const CivilDate& date);
// The Monday that starts the ISO week of `date`.
CivilDate IsoWeekMonday(const CivilDate& date);
// The Monday of ISO week `week` of ISO year `year`, or nullopt when the year has no such week
// (week 53 exists only in long years).
std::optional<CivilDate> IsoWeekStart(int year, unsigned week);

// An IANA time zone ("America/New_York"). Cheap to copy; the rules are shared and immutable, so
// one TimeZone may be used from any thread.
class TimeZone {
 public:
  // The zone `name` from the system's tz database. "UTC" works without the database. kInvalidInput
  // for a name that is not a zone name's shape; kNotFound for an unknown zone or a missing database.
  static Result<TimeZone> Load(const std::string& name);
  // UTC.
  TimeZone() = default;

  // Seconds east of UTC in effect at `unix_seconds`.
  int OffsetAt(int64_t unix_seconds) const;
  // The local calendar date at `unix_seconds`.
  CivilDate LocalDate(int64_t unix_seconds) const;
  // The Unix time of a local wall-clock time. In a gap (spring forward) the time is read with the
  // offset before the gap (02:30 becomes 03:30 daylight time); in an overlap the earlier instant wins.
  int64_t FromLocal(const CivilDate& date, int hour, int minute, int second = 0) const;
  const std::string& name() const { return name_; }

 private:
  struct Rules;
  std::string name_ = "UTC";
  std::shared_ptr<const Rules> rules_;  // null for UTC
};

}  // namespace paperfeed::core

// mail/time_zone: IANA time zones read from the system's compiled tz database (TZif files, RFC 8536),
// because libstdc++ 12 has no std::chrono::zoned_time. Enough for "07:00 in America/New_York".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::mail {

struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
  bool operator==(const CivilDate&) const = default;
};

// Days since 1970-01-01 -> date, and the reverse (proleptic Gregorian; Howard Hinnant's algorithms).
CivilDate CivilFromDays(int64_t days);
int64_t DaysFromCivilDate(const CivilDate& date);
// 0 = Sunday .. 6 = Saturday.
int WeekdayOfDays(int64_t days);
// "2026-08-21" <-> date.
std::string FormatDay(const CivilDate& date);
std::optional<CivilDate> ParseDay(std::string_view text);
// The ISO 8601 week of a date, "2026-W34" (weeks start on Monday; week 1 holds the first Thursday).
std::string IsoWeekName(const CivilDate& date);
// The Monday that starts the ISO week of `date`.
CivilDate IsoWeekMonday(const CivilDate& date);

class TimeZone {
 public:
  // Reads `<zoneinfo_dir>/<name>` (default /usr/share/zoneinfo, or $TZDIR). "UTC" always works.
  static core::Result<TimeZone> Load(const std::string& name, const std::string& zoneinfo_dir = "");
  // A zone from a POSIX TZ rule alone ("EST5EDT,M3.2.0,M11.1.0"), as in a TZif footer.
  static core::Result<TimeZone> FromPosixRule(const std::string& rule);

  // Seconds east of UTC in effect at `unix_seconds`.
  int OffsetAt(int64_t unix_seconds) const;
  // The local calendar date at `unix_seconds`.
  CivilDate LocalDate(int64_t unix_seconds) const;
  // The Unix time of a local wall-clock time. In a gap (spring forward) the time is read with the
  // offset before the gap (02:30 becomes 03:30 daylight time); in an overlap the earlier instant wins.
  int64_t FromLocal(const CivilDate& date, int hour, int minute, int second = 0) const;
  const std::string& name() const { return name_; }

 private:
  struct Transition {
    int64_t at;
    int offset;
  };
  int RuleOffsetAt(int64_t unix_seconds) const;

  std::string name_;
  std::vector<Transition> transitions_;  // ascending
  int initial_offset_ = 0;               // before the first transition
  bool has_rule_ = false;
  int std_offset_ = 0, dst_offset_ = 0;  // seconds east of UTC
  bool rule_has_dst_ = false;
  struct RuleDate {
    char kind = 'M';  // 'M' month.week.day, 'J' Julian 1..365 without Feb 29, 'N' zero-based day of year
    int month = 0, week = 0, weekday = 0, day = 0;
    int time = 7200;  // seconds after local midnight
  } start_, end_;
  static int64_t RuleTransition(const RuleDate& r, int year);  // local seconds since epoch
  friend struct RuleParser;
};

}  // namespace paperfeed::mail

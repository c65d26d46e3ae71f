#include "core/calendar.hpp"

#include <date/date.h>
#include <date/iso_week.h>
#include <date/tz.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace paperfeed::core {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

date::sys_days SysDays(int64_t days) { return date::sys_days{date::days{days}}; }

date::year_month_day Ymd(const CivilDate& d) {
  return date::year{d.year} / date::month{d.month} / date::day{d.day};
}

CivilDate FromYmd(const date::year_month_day& ymd) {
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

int YearOf(int64_t unix_seconds) {
  return static_cast<int>(date::year_month_day{SysDays(FloorDiv(unix_seconds, kSecondsPerDay))}.year());
}

}  // namespace

CivilDate CivilFromDays(int64_t days) { return FromYmd(date::year_month_day{SysDays(days)}); }

int64_t DaysFromCivil(const CivilDate& d) { return date::sys_days{Ymd(d)}.time_since_epoch().count(); }

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  return DaysFromCivil(CivilDate{static_cast<int>(year), month, day});
}

bool IsLeapYear(int64_t year) { return date::year{static_cast<int>(year)}.is_leap(); }

unsigned DaysInMonth(int64_t year, unsigned month) {
  return static_cast<unsigned>((date::year{static_cast<int>(year)} / date::month{month} / date::last).day());
}

int Weekday(int64_t days) { return static_cast<int>(date::weekday{SysDays(days)}.c_encoding()); }

int IsoWeekday(int64_t days) { return static_cast<int>(date::weekday{SysDays(days)}.iso_encoding()); }

std::string FormatDay(const CivilDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buf;
}

std::string FormatDay(int64_t days) { return FormatDay(CivilFromDays(days)); }

std::optional<CivilDate> ParseDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  std::from_chars(text.data(), text.data() + 4, y);
  std::from_chars(text.data() + 5, text.data() + 7, m);
  std::from_chars(text.data() + 8, text.data() + 10, d);
  CivilDate date{y, m, d};
  if (!Ymd(date).ok()) return std::nullopt;
  return date;
}

std::string IsoWeekName(const CivilDate& d) {
  const iso_week::year_weeknum_weekday w{date::sys_days{Ymd(d)}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02u", static_cast<int>(w.year()), static_cast<unsigned>(w.weeknum()));
  return buf;
}

CivilDate IsoWeekMonday(const CivilDate& d) {
  const int64_t days = DaysFromCivil(d);
  return CivilFromDays(days - (IsoWeekday(days) - 1));
}

std::optional<CivilDate> IsoWeekStart(int year, unsigned week) {
  const iso_week::year_weeknum_weekday w{iso_week::year{year}, iso_week::weeknum{week}, iso_week::mon};
  if (!w.ok()) return std::nullopt;
  return FromYmd(date::year_month_day{date::sys_days{w}});
}

// ---- time zones ----

// The compiled tz files list explicit transitions only up to a horizon: "fat" files (Debian's
// tzdata) stop in 2037, and the rule in force afterwards is a POSIX TZ string in the file's footer
// (RFC 8536 §3.3), which libdate-tz with USE_OS_TZDB ignores (HowardHinnant/date#794). So past the
// last transition of a zone whose transitions run to the horizon, an instant is read in the latest
// year before the horizon that has the same calendar (same weekday on January 1st, same leap
// year): the rules in force repeat by weekday and day of year, so they give the same offset.
// Zones whose transitions stop earlier abolished their changes; their last offset holds.
struct TimeZone::Rules {
  const date::time_zone* zone = nullptr;
  int64_t horizon = INT64_MAX;  // the last transition, when it is the file's horizon
  int horizon_year = 0;

  int Offset(int64_t t) const {
    if (t >= horizon) {
      const int year = YearOf(t);
      const int64_t jan1 = DaysFromCivil(year, 1, 1);
      for (int y = horizon_year; y > horizon_year - 400; --y) {
        const int64_t other = DaysFromCivil(y, 1, 1);
        if (IsLeapYear(y) == IsLeapYear(year) && Weekday(other) == Weekday(jan1)) {
          t -= (jan1 - other) * kSecondsPerDay;
          break;
        }
      }
    }
    const auto info = zone->get_info(date::sys_seconds{std::chrono::seconds{t}});
    return static_cast<int>(info.offset.count());
  }
};

Result<TimeZone> TimeZone::Load(const std::string& name) {
  if (name == "UTC" || name == "Etc/UTC") {
    TimeZone tz;
    tz.name_ = name;
    return tz;
  }
  // A zone name is a relative path of letters, digits, "_", "-", "+" and "/" — never "..".
  bool safe = !name.empty() && name.front() != '/' && name.find("..") == std::string::npos;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+') safe = false;
  }
  if (!safe)
    return MakeError(ErrorCode::kInvalidInput, "'" + name + "' is not an IANA time zone name such as America/New_York");
  auto rules = std::make_shared<Rules>();
  try {
    rules->zone = date::locate_zone(name);
    // The final period: from the zone's last transition on for ever.
    const auto last = rules->zone->get_info(date::sys_days{date::year{2400} / 1 / 1});
    const int64_t begin = last.begin.time_since_epoch().count();
    if (YearOf(begin) >= 2037) {
      rules->horizon = begin;
      rules->horizon_year = YearOf(begin);
    }
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kNotFound, "time zone '" + name + "' not found in the system's tz database (" +
                                               e.what() + "); install tzdata or check the name, e.g. America/New_York");
  }
  TimeZone tz;
  tz.name_ = name;
  tz.rules_ = std::move(rules);
  return tz;
}

int TimeZone::OffsetAt(int64_t t) const { return rules_ ? rules_->Offset(t) : 0; }

CivilDate TimeZone::LocalDate(int64_t t) const { return CivilFromDays(FloorDiv(t + OffsetAt(t), kSecondsPerDay)); }

int64_t TimeZone::FromLocal(const CivilDate& date, int hour, int minute, int second) const {
  const int64_t local = DaysFromCivil(date) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  // The offsets in effect near the wall time: no zone changes its offset twice within a day. The
  // instants that read back as this wall time are the valid ones; the earliest wins an overlap.
  std::set<int> candidates = {OffsetAt(local - kSecondsPerDay), OffsetAt(local), OffsetAt(local + kSecondsPerDay)};
  std::optional<int64_t> best;
  for (int offset : candidates) {
    const int64_t t = local - offset;
    if (OffsetAt(t) == offset && (!best || t < *best)) best = t;
  }
  if (best) return *best;
  return local - OffsetAt(local - kSecondsPerDay);  // a gap: read with the offset before it
}

}  // namespace paperfeed::core

#include "mail/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "core/dates.hpp"

namespace paperfeed::mail {
namespace {

using core::ErrorCode;
using core::MakeError;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

int64_t ReadBigEndian(const std::string& data, size_t pos, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos + i]);
  if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

}  // namespace

CivilDate CivilFromDays(int64_t days) {
  const core::CivilDay c = core::CivilFromDays(days);
  return CivilDate{static_cast<int>(c.year), c.month, c.day};
}

int64_t DaysFromCivilDate(const CivilDate& date) {
  int64_t y = date.year - (date.month <= 2);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (date.month > 2 ? date.month - 3 : date.month + 9) + 2) / 5 + date.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int WeekdayOfDays(int64_t days) { return static_cast<int>(((days % 7) + 11) % 7); }  // 1970-01-01 was a Thursday

std::string FormatDay(const CivilDate& date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", date.year, date.month, date.day);
  return buf;
}

std::optional<CivilDate> ParseDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  CivilDate d{std::atoi(std::string(text.substr(0, 4)).c_str()),
              static_cast<unsigned>(std::atoi(std::string(text.substr(5, 2)).c_str())),
              static_cast<unsigned>(std::atoi(std::string(text.substr(8, 2)).c_str()))};
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > DaysInMonth(d.year, d.month)) return std::nullopt;
  return d;
}

CivilDate IsoWeekMonday(const CivilDate& date) {
  int64_t days = DaysFromCivilDate(date);
  int wd = WeekdayOfDays(days);  // 0 Sunday
  int from_monday = (wd + 6) % 7;
  return CivilFromDays(days - from_monday);
}

std::string IsoWeekName(const CivilDate& date) {
  // The ISO year is the year of the Thursday of the week (ISO 8601 §3.2.2).
  int64_t monday = DaysFromCivilDate(IsoWeekMonday(date));
  CivilDate thursday = CivilFromDays(monday + 3);
  int64_t jan4 = DaysFromCivilDate(CivilDate{thursday.year, 1, 4});
  int64_t week1_monday = DaysFromCivilDate(IsoWeekMonday(CivilFromDays(jan4)));
  int week = static_cast<int>((monday - week1_monday) / 7 + 1);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", thursday.year, week);
  return buf;
}

// Parses the POSIX TZ string of a TZif footer (RFC 8536 §3.3; POSIX.1-2017 §8.3), e.g.
// "EST5EDT,M3.2.0,M11.1.0" or "<+0330>-3:30". Offsets in the string are west-positive.
struct RuleParser {
  std::string_view s;
  size_t i = 0;
  bool Name() {
    if (i < s.size() && s[i] == '<') {
      size_t end = s.find('>', i);
      if (end == std::string_view::npos) return false;
      i = end + 1;
      return true;
    }
    size_t start = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    return i - start >= 3;
  }
  bool Number(int* out) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
    *out = v;
    return i > start;
  }
  // [+-]hh[:mm[:ss]] as seconds.
  bool Time(int* out) {
    int sign = 1;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
    int h = 0, m = 0, sec = 0;
    if (!Number(&h)) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!Number(&m)) return false;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!Number(&sec)) return false;
      }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool Date(TimeZone::RuleDate* r) {
    if (i >= s.size()) return false;
    if (s[i] == 'M') {
      ++i;
      r->kind = 'M';
      if (!Number(&r->month) || i >= s.size() || s[i++] != '.') return false;
      if (!Number(&r->week) || i >= s.size() || s[i++] != '.') return false;
      if (!Number(&r->weekday)) return false;
      if (r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 || r->weekday > 6) return false;
    } else if (s[i] == 'J') {
      ++i;
      r->kind = 'J';
      if (!Number(&r->day) || r->day < 1 || r->day > 365) return false;
    } else {
      r->kind = 'N';
      if (!Number(&r->day) || r->day > 365) return false;
    }
    r->time = 7200;
    if (i < s.size() && s[i] == '/') {
      ++i;
      if (!Time(&r->time)) return false;
    }
    return true;
  }
  bool Parse(TimeZone* tz) {
    int std_west = 0;
    if (!Name() || !Time(&std_west)) return false;
    tz->std_offset_ = -std_west;
    tz->dst_offset_ = tz->std_offset_;
    tz->rule_has_dst_ = false;
    if (i == s.size()) return true;
    if (!Name()) return false;
    tz->rule_has_dst_ = true;
    tz->dst_offset_ = tz->std_offset_ + 3600;
    if (i < s.size() && s[i] != ',') {
      int dst_west = 0;
      if (!Time(&dst_west)) return false;
      tz->dst_offset_ = -dst_west;
    }
    if (i == s.size()) {  // POSIX leaves the default rule to the implementation; use the US one
      tz->start_ = {'M', 3, 2, 0, 0, 7200};
      tz->end_ = {'M', 11, 1, 0, 0, 7200};
      return true;
    }
    if (s[i++] != ',' || !Date(&tz->start_) || i >= s.size() || s[i++] != ',' || !Date(&tz->end_)) return false;
    return i == s.size();
  }
};

int64_t TimeZone::RuleTransition(const RuleDate& r, int year) {
  int64_t day = 0;
  if (r.kind == 'M') {
    int64_t first = DaysFromCivilDate(CivilDate{year, static_cast<unsigned>(r.month), 1});
    int wd = WeekdayOfDays(first);
    int64_t d = first + (r.weekday - wd + 7) % 7 + int64_t{r.week - 1} * 7;
    int64_t last = first + DaysInMonth(year, static_cast<unsigned>(r.month)) - 1;
    while (d > last) d -= 7;  // week 5 means "the last"
    day = d;
  } else {
    int64_t jan1 = DaysFromCivilDate(CivilDate{year, 1, 1});
    int n = r.day;
    if (r.kind == 'J') n = n - 1 + ((IsLeap(year) && n >= 60) ? 1 : 0);  // Jn never counts Feb 29
    day = jan1 + n;
  }
  return day * 86400 + r.time;
}

int TimeZone::RuleOffsetAt(int64_t t) const {
  if (!rule_has_dst_) return std_offset_;
  int year = CivilFromDays(FloorDiv(t + std_offset_, 86400)).year;
  // The start is given in standard time, the end in daylight time (POSIX §8.3).
  int64_t start = RuleTransition(start_, year) - std_offset_;
  int64_t end = RuleTransition(end_, year) - dst_offset_;
  bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);  // southern hemisphere
  return dst ? dst_offset_ : std_offset_;
}

core::Result<TimeZone> TimeZone::FromPosixRule(const std::string& rule) {
  TimeZone tz;
  tz.name_ = rule;
  RuleParser parser{rule};
  if (!parser.Parse(&tz))
    return MakeError(ErrorCode::kInvalidInput, "'" + rule + "' is not a POSIX TZ rule such as EST5EDT,M3.2.0,M11.1.0");
  tz.has_rule_ = true;
  tz.initial_offset_ = tz.std_offset_;
  return tz;
}

core::Result<TimeZone> TimeZone::Load(const std::string& name, const std::string& zoneinfo_dir) {
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
  if (!safe) return MakeError(ErrorCode::kInvalidInput, "'" + name + "' is not an IANA time zone name such as America/New_York");
  std::string dir = zoneinfo_dir;
  if (dir.empty()) {
    const char* env = std::getenv("TZDIR");
    dir = env && *env ? env : "/usr/share/zoneinfo";
  }
  std::string path = dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return MakeError(ErrorCode::kNotFound, "time zone '" + name + "' not found at " + path +
                                               " (install tzdata or check the name, e.g. America/New_York)");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalidInput, path + " is not a TZif file: " + why);
  };
  // RFC 8536 §3.1: a 44-byte header; version 2+ repeats header and data with 64-bit times.
  auto header = [&](size_t at, int64_t counts[6]) {
    if (data.size() < at + 44 || data.compare(at, 4, "TZif") != 0) return false;
    for (int k = 0; k < 6; ++k) counts[k] = ReadBigEndian(data, at + 20 + 4 * k, 4);
    for (int k = 0; k < 6; ++k) {
      if (counts[k] < 0 || counts[k] > 100000) return false;
    }
    return true;
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(0, c)) return bad("bad header");
  char version = data[4];
  auto block_size = [&](int64_t* k, int time_bytes) {
    return static_cast<size_t>(k[3] * time_bytes + k[3] + k[4] * 6 + k[5] + k[2] * (time_bytes + 4) + k[1] + k[0]);
  };
  size_t at = 44;
  int time_bytes = 4;
  if (version >= '2') {
    at = 44 + block_size(c, 4);
    if (!header(at, c)) return bad("bad version 2 header");
    at += 44;
    time_bytes = 8;
  }
  if (data.size() < at + block_size(c, time_bytes)) return bad("truncated");
  const int64_t timecnt = c[3], typecnt = c[4];
  if (typecnt < 1) return bad("no local time types");
  std::vector<int> offsets(static_cast<size_t>(typecnt));
  size_t types_at = at + static_cast<size_t>(timecnt * time_bytes + timecnt);
  for (int64_t k = 0; k < typecnt; ++k) offsets[k] = static_cast<int>(ReadBigEndian(data, types_at + k * 6, 4));
  TimeZone tz;
  tz.name_ = name;
  tz.initial_offset_ = offsets[0];
  for (int64_t k = 0; k < timecnt; ++k) {
    int64_t when = ReadBigEndian(data, at + k * time_bytes, time_bytes);
    auto type = static_cast<unsigned char>(data[at + timecnt * time_bytes + k]);
    if (type >= typecnt) return bad("transition type out of range");
    tz.transitions_.push_back({when, offsets[type]});
  }
  if (version >= '2') {
    size_t footer = at + block_size(c, time_bytes);
    if (footer < data.size() && data[footer] == '\n') {
      size_t end = data.find('\n', footer + 1);
      std::string rule = data.substr(footer + 1, end == std::string::npos ? std::string::npos : end - footer - 1);
      if (!rule.empty()) {
        RuleParser parser{rule};
        if (parser.Parse(&tz)) tz.has_rule_ = true;
      }
    }
  }
  return tz;
}

int TimeZone::OffsetAt(int64_t t) const {
  if (transitions_.empty()) return has_rule_ ? RuleOffsetAt(t) : initial_offset_;
  if (t < transitions_.front().at) return initial_offset_;
  if (t >= transitions_.back().at && has_rule_) return RuleOffsetAt(t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t,
                             [](int64_t v, const Transition& tr) { return v < tr.at; });
  return std::prev(it)->offset;
}

CivilDate TimeZone::LocalDate(int64_t t) const { return CivilFromDays(FloorDiv(t + OffsetAt(t), 86400)); }

int64_t TimeZone::FromLocal(const CivilDate& date, int hour, int minute, int second) const {
  int64_t local = DaysFromCivilDate(date) * 86400 + hour * 3600 + minute * 60 + second;
  // Offsets near the wall time: no zone changes offset twice within a day.
  std::set<int> candidates = {OffsetAt(local - 86400), OffsetAt(local), OffsetAt(local + 86400)};
  std::optional<int64_t> best;
  for (int offset : candidates) {
    int64_t t = local - offset;
    if (OffsetAt(t) == offset && (!best || t < *best)) best = t;
  }
  if (best) return *best;
  return local - OffsetAt(local - 86400);  // a gap: read with the offset before it
}

}  // namespace paperfeed::mail

#include "core/dates.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "core/calendar.hpp"

namespace paperfeed::core {
namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

int MonthFromName(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (kMonths[i] == name) return static_cast<int>(i) + 1;
  return 0;
}

bool ValidDateTime(int y, int mo, int d, int h, int mi, int s) {
  return y >= 1900 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
         d <= static_cast<int>(DaysInMonth(y, static_cast<unsigned>(mo))) && h >= 0 &&
         h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

std::string Format(int y, int mo, int d, int h, int mi, int s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
  return buf;
}

Error BadDate(std::string_view text, std::string_view expected) {
  return MakeError(ErrorCode::kInvalidInput,
                   "date '" + std::string(text) + "' is not " + std::string(expected));
}

}  // namespace

Result<std::string> Rfc5322ToIso(std::string_view text) {
  // [Day, ] DD Mon YYYY HH:MM:SS GMT
  auto s = text;
  if (auto comma = s.find(','); comma != std::string_view::npos) s = s.substr(comma + 1);
  std::array<std::string_view, 5> parts{};
  size_t n = 0;
  while (!s.empty() && n < parts.size()) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    auto end = s.find(' ');
    parts[n++] = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end);
  }
  int d = 0, y = 0, h = 0, mi = 0, sec = 0;
  int mo = n >= 3 ? MonthFromName(parts[1]) : 0;
  if (n < 4 || !ParseInt(parts[0], d) || mo == 0 || !ParseInt(parts[2], y) || parts[3].size() != 8 ||
      !ParseInt(parts[3].substr(0, 2), h) || !ParseInt(parts[3].substr(3, 2), mi) ||
      !ParseInt(parts[3].substr(6, 2), sec) || !ValidDateTime(y, mo, d, h, mi, sec)) {
    return BadDate(text, "an RFC 5322 date like 'Mon, 2 Apr 2007 19:18:42 GMT'");
  }
  return Format(y, mo, d, h, mi, sec);
}

bool IsIsoDay(std::string_view text) {
  int y = 0, m = 0, d = 0;
  return text.size() == 10 && text[4] == '-' && text[7] == '-' && ParseInt(text.substr(0, 4), y) &&
         ParseInt(text.substr(5, 2), m) && ParseInt(text.substr(8, 2), d) && ValidDateTime(y, m, d, 0, 0, 0);
}

std::optional<int64_t> DaysFromIsoDay(std::string_view text) {
  if (!IsIsoDay(text)) return std::nullopt;
  int y = 0, m = 0, d = 0;
  ParseInt(text.substr(0, 4), y);
  ParseInt(text.substr(5, 2), m);
  ParseInt(text.substr(8, 2), d);
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Result<std::string> NormaliseIso(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (text.size() < 10 || !IsIsoDay(text.substr(0, 10))) return BadDate(text, "ISO 8601 (YYYY-MM-DD...)");
  ParseInt(text.substr(0, 4), y);
  ParseInt(text.substr(5, 2), mo);
  ParseInt(text.substr(8, 2), d);
  if (text.size() == 10) return Format(y, mo, d, 0, 0, 0);
  if ((text[10] != 'T' && text[10] != ' ') || text.size() < 19 || text[13] != ':' || text[16] != ':' ||
      !ParseInt(text.substr(11, 2), h) || !ParseInt(text.substr(14, 2), mi) ||
      !ParseInt(text.substr(17, 2), sec) || !ValidDateTime(y, mo, d, h, mi, sec)) {
    return BadDate(text, "ISO 8601 (YYYY-MM-DDTHH:MM:SSZ)");
  }
  auto rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {  // fractional seconds: dropped
    rest.remove_prefix(1);
    while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
  }
  int64_t offset_minutes = 0;
  if (rest.empty() || rest == "Z") {
  } else if ((rest.front() == '+' || rest.front() == '-') && rest.size() == 6 && rest[3] == ':') {
    int oh = 0, om = 0;
    if (!ParseInt(rest.substr(1, 2), oh) || !ParseInt(rest.substr(4, 2), om)) return BadDate(text, "ISO 8601");
    offset_minutes = (rest.front() == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return BadDate(text, "ISO 8601 with Z or a +HH:MM offset");
  }
  int64_t t = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + sec -
              offset_minutes * 60;
  return UnixToIso(t);
}

Result<int64_t> IsoToUnix(std::string_view iso) {
  auto norm = NormaliseIso(iso);
  if (!norm) return norm.error();
  const std::string& s = norm.value();
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  ParseInt(std::string_view(s).substr(0, 4), y);
  ParseInt(std::string_view(s).substr(5, 2), mo);
  ParseInt(std::string_view(s).substr(8, 2), d);
  ParseInt(std::string_view(s).substr(11, 2), h);
  ParseInt(std::string_view(s).substr(14, 2), mi);
  ParseInt(std::string_view(s).substr(17, 2), sec);
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + sec;
}

std::string UnixToIso(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  const CivilDate c = CivilFromDays(days);
  return Format(static_cast<int>(c.year), static_cast<int>(c.month), static_cast<int>(c.day), static_cast<int>(secs / 3600),
                static_cast<int>(secs % 3600 / 60), static_cast<int>(secs % 60));
}

}  // namespace paperfeed::core

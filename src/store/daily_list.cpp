#include "store/daily_list.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "core/calendar.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "store/database.hpp"

namespace paperfeed::store {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr int64_t kSecondsPerDay = 86400;

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

Civil CivilFromDays(int64_t days) {
  const core::CivilDate c = core::CivilFromDays(days);
  return {c.year, c.month, c.day};
}

std::string FormatDay(int64_t days) {
  Civil c = CivilFromDays(days);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
  return buf;
}

// Days since the epoch of a valid "YYYY-MM-DD" (callers validate with core::IsIsoDay).
int64_t ParseDay(std::string_view day) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::from_chars(day.data(), day.data() + 4, y);
  std::from_chars(day.data() + 5, day.data() + 7, m);
  std::from_chars(day.data() + 8, day.data() + 10, d);
  return core::DaysFromCivil(y, m, d);
}

// ISO weekday, Monday = 1 .. Sunday = 7 (1970-01-01 was a Thursday).
int IsoWeekday(int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7) + 1; }

// The Monday of ISO week 1: the week that holds January 4th (ISO 8601 §3.2.2).
int64_t IsoWeekOneMonday(int64_t year) {
  int64_t jan4 = core::DaysFromCivil(year, 1, 4);
  return jan4 - (IsoWeekday(jan4) - 1);
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Hugging Face's daily list counts days in America/New_York, from the system's tz database. A
// missing database is a broken installation (tzdata is a dependency), not a request's failure.
const core::TimeZone& NewYork() {
  static const core::TimeZone zone = [] {
    auto loaded = core::TimeZone::Load("America/New_York");
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return std::move(loaded.value());
  }();
  return zone;
}

using core::SplitLines;

// The paper columns every query here reads, in the order ReadPaper expects from `first`.
constexpr std::string_view kPaperColumns =
    "p.id, p.latest_version, p.versions, p.title, p.abstract, p.authors, p.primary_category, p.categories, "
    "p.published, p.updated, p.comments, p.journal_ref, p.doi, p.license, p.submitter, p.github_repo, "
    "p.github_stars, p.project_page, p.metadata_source";

// Mirrors the catalogue's encoding (store/catalogue.cpp): versions as "N DATE" lines, authors as lines.
core::Paper ReadPaper(const Statement& s, int first) {
  core::Paper p;
  p.id = s.Text(first);
  p.latest_version = static_cast<int>(s.Int(first + 1));
  for (const auto& line : SplitLines(s.TextView(first + 2))) {
    core::PaperVersion v;
    auto space = line.find(' ');
    std::from_chars(line.data(), line.data() + std::min(space, line.size()), v.number);
    if (space != std::string::npos) v.created = line.substr(space + 1);
    p.versions.push_back(std::move(v));
  }
  p.title = s.Text(first + 3);
  p.abstract = s.Text(first + 4);
  p.authors = SplitLines(s.TextView(first + 5));
  p.primary_category = s.Text(first + 6);
  p.categories = core::SplitWhitespace(s.TextView(first + 7));
  p.published = s.Text(first + 8);
  p.updated = s.Text(first + 9);
  p.comments = s.Text(first + 10);
  p.journal_ref = s.Text(first + 11);
  p.doi = s.Text(first + 12);
  p.license = s.Text(first + 13);
  p.submitter = s.Text(first + 14);
  p.github_repo = s.OptionalText(first + 15);
  p.github_stars = s.OptionalInt(first + 16);
  p.project_page = s.OptionalText(first + 17);
  p.source = s.Int(first + 18) == 1 ? core::MetadataSource::kArxiv : core::MetadataSource::kHuggingFace;
  return p;
}

// Escapes LIKE's wildcards so that a category name matches only itself.
std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

void SortItems(std::vector<DailyListItem>& items, DailySort sort) {
  auto by_id = [](const DailyListItem& a, const DailyListItem& b) { return a.paper.id > b.paper.id; };
  switch (sort) {
    case DailySort::kUpvotes:
      std::stable_sort(items.begin(), items.end(), [&](const DailyListItem& a, const DailyListItem& b) {
        if (a.upvotes() != b.upvotes()) return a.upvotes() > b.upvotes();
        if (a.paper.published != b.paper.published) return a.paper.published > b.paper.published;
        return by_id(a, b);
      });
      break;
    case DailySort::kPublished:
      std::stable_sort(items.begin(), items.end(), [&](const DailyListItem& a, const DailyListItem& b) {
        if (a.paper.published != b.paper.published) return a.paper.published > b.paper.published;
        return by_id(a, b);
      });
      break;
    case DailySort::kTrending:
      std::stable_sort(items.begin(), items.end(), [&](const DailyListItem& a, const DailyListItem& b) {
        if (a.trending_score != b.trending_score) return a.trending_score > b.trending_score;
        if (a.upvotes() != b.upvotes()) return a.upvotes() > b.upvotes();
        return by_id(a, b);
      });
      break;
  }
}

DailyPage Paginate(std::vector<DailyListItem> items, int limit, int offset) {
  DailyPage page;
  page.total = static_cast<int64_t>(items.size());
  size_t begin = std::min(items.size(), static_cast<size_t>(std::max(offset, 0)));
  size_t end = std::min(items.size(), begin + static_cast<size_t>(std::max(limit, 0)));
  page.items.assign(std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(begin)),
                    std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(end)));
  return page;
}

}  // namespace

Result<DayRange> DayRangeForDay(std::string_view day) {
  if (!core::IsIsoDay(day))
    return MakeError(ErrorCode::kInvalidInput, "date '" + std::string(day) + "' is not a day: use YYYY-MM-DD");
  return DayRange{std::string(day), std::string(day)};
}

Result<DayRange> DayRangeForIsoWeek(std::string_view week) {
  // "YYYY-Www"
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidInput,
                     "week '" + std::string(week) + "' is not an ISO week: use YYYY-Www, e.g. 2026-W07");
  };
  if (week.size() != 8 || week[4] != '-' || (week[5] != 'W' && week[5] != 'w') || !AllDigits(week.substr(0, 4)) ||
      !AllDigits(week.substr(6, 2)))
    return bad();
  int year = 0, number = 0;
  std::from_chars(week.data(), week.data() + 4, year);
  std::from_chars(week.data() + 6, week.data() + 8, number);
  int64_t monday1 = IsoWeekOneMonday(year);
  int64_t weeks_in_year = (IsoWeekOneMonday(year + 1) - monday1) / 7;
  if (number < 1 || number > weeks_in_year) return bad();
  int64_t monday = monday1 + 7 * (number - 1);
  return DayRange{FormatDay(monday), FormatDay(monday + 6)};
}

Result<DayRange> DayRangeForMonth(std::string_view month) {
  auto bad = [&] {
    return MakeError(ErrorCode::kInvalidInput, "month '" + std::string(month) + "' is not a month: use YYYY-MM");
  };
  if (month.size() != 7 || month[4] != '-' || !AllDigits(month.substr(0, 4)) || !AllDigits(month.substr(5, 2)))
    return bad();
  int year = 0;
  unsigned m = 0;
  std::from_chars(month.data(), month.data() + 4, year);
  std::from_chars(month.data() + 5, month.data() + 7, m);
  if (m < 1 || m > 12) return bad();
  int64_t first = core::DaysFromCivil(year, m, 1);
  int64_t next = m == 12 ? core::DaysFromCivil(year + 1, 1, 1) : core::DaysFromCivil(year, m + 1, 1);
  return DayRange{FormatDay(first), FormatDay(next - 1)};
}

std::string IsoWeekOf(std::string_view day) {
  int64_t d = ParseDay(day);
  int64_t thursday = d - (IsoWeekday(d) - 1) + 3;  // the week belongs to the year of its Thursday
  int64_t year = CivilFromDays(thursday).year;
  int64_t number = (thursday - IsoWeekOneMonday(year)) / 7 + 1;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-W%02lld", static_cast<long long>(year), static_cast<long long>(number));
  return buf;
}

std::string MonthOf(std::string_view day) { return std::string(day.substr(0, 7)); }

std::string AddDays(std::string_view day, int days) { return FormatDay(ParseDay(day) + days); }

std::string NewYorkDay(int64_t unix_seconds) { return core::FormatDay(NewYork().LocalDate(unix_seconds)); }

int64_t NewYorkDayStart(std::string_view day) { return NewYork().FromLocal(core::CivilFromDays(ParseDay(day)), 0, 0); }

double TrendingScore(int64_t source_upvotes, int64_t local_upvotes, int list_days_ago) {
  // Hacker News' ranking (Amir Salihefendic, "How Hacker News ranking algorithm works", 2010) with
  // gravity 1.5 over days rather than 1.8 over hours: papers are read over days, and counting only
  // days that have a list keeps the ranking meaningful across gaps in the catalogue.
  const double votes = static_cast<double>(std::max<int64_t>(source_upvotes, 0)) +
                       kTrendingLocalWeight * static_cast<double>(std::max<int64_t>(local_upvotes, 0)) + 1.0;
  return votes / std::pow(static_cast<double>(std::max(list_days_ago, 0)) + 1.0, 1.5);
}

DailyList::DailyList(Database& db, LocalUpvoteCounts local_upvotes)
    : db_(db), local_upvotes_(std::move(local_upvotes)) {}

Result<std::vector<DailyListItem>> DailyList::Load(const DayRange& range) {
  auto s = db_.Prepare(
      "SELECT e.day, e.submitted_by, e.submitted_by_fullname, e.upvotes, e.num_comments, " +
      std::string(kPaperColumns) +
      " FROM daily_entries e JOIN papers p ON p.id = e.paper_id WHERE e.day BETWEEN ?1 AND ?2 AND e.hidden = 0");
  if (!s) return s.error();
  s->Bind(1, range.first).Bind(2, range.last);
  std::vector<DailyListItem> items;
  std::unordered_map<std::string, size_t> seen;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    DailyListItem item;
    item.paper = ReadPaper(*s, 5);
    item.entry = core::DailyEntry{item.paper.id, s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)};
    auto [it, inserted] = seen.emplace(item.paper.id, items.size());
    if (inserted) {
      items.push_back(std::move(item));
    } else if (item.entry.upvotes > items[it->second].entry.upvotes) {
      items[it->second] = std::move(item);
    }
  }
  if (auto r = AddLocalUpvotes(items); !r) return r.error();
  return items;
}

Result<void> DailyList::AddLocalUpvotes(std::vector<DailyListItem>& items) {
  if (!local_upvotes_ || items.empty()) return {};
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(item.paper.id);
  auto counts = local_upvotes_(ids);
  if (!counts) return counts.error();
  for (auto& item : items) {
    if (auto it = counts->find(item.paper.id); it != counts->end()) item.local_upvotes = it->second;
  }
  return {};
}

namespace {

// Scores every item by TrendingScore, counting list days back from the newest day among them.
void ScoreTrending(std::vector<DailyListItem>& items) {
  std::vector<std::string> days;
  days.reserve(items.size());
  for (const auto& item : items) days.push_back(item.entry.day);
  std::sort(days.begin(), days.end(), std::greater<>());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  for (auto& item : items) {
    auto at = std::lower_bound(days.begin(), days.end(), item.entry.day, std::greater<>());
    int ago = static_cast<int>(at - days.begin());
    item.trending_score = TrendingScore(item.entry.upvotes, item.local_upvotes, ago);
  }
}

}  // namespace

Result<DailyPage> DailyList::Entries(const DayRange& range, DailySort sort, int limit, int offset, int64_t) {
  auto items = Load(range);
  if (!items) return items.error();
  if (sort == DailySort::kTrending) ScoreTrending(*items);
  SortItems(*items, sort);
  return Paginate(std::move(items.value()), limit, offset);
}

Result<std::optional<DayRange>> DailyList::TrendingWindow(int64_t now_unix) {
  for (const bool bounded : {true, false}) {
    auto s = bounded ? db_.Prepare("SELECT DISTINCT day FROM daily_entries WHERE hidden = 0 AND day <= ?1 "
                                   "ORDER BY day DESC LIMIT ?2")
                     : db_.Prepare("SELECT DISTINCT day FROM daily_entries WHERE hidden = 0 ORDER BY day DESC LIMIT ?2");
    if (!s) return s.error();
    if (bounded) s->Bind(1, NewYorkDay(now_unix));
    s->Bind(2, kTrendingWindowDays);
    std::optional<DayRange> range;
    for (;;) {
      auto row = s->Step();
      if (!row) return row.error();
      if (!row.value()) break;
      std::string day = s->Text(0);
      if (!range) range = DayRange{day, day};
      else range->first = day;
    }
    if (range) return range;
  }
  return std::optional<DayRange>{};
}

Result<DailyPage> DailyList::Trending(int64_t now_unix, int limit, int offset) {
  auto window = TrendingWindow(now_unix);
  if (!window) return window.error();
  if (!window.value()) return DailyPage{};
  return Entries(**window, DailySort::kTrending, limit, offset);
}

Result<std::optional<std::string>> DailyList::LatestDay(std::string_view on_or_before) {
  auto s = on_or_before.empty()
               ? db_.Prepare("SELECT MAX(day) FROM daily_entries WHERE hidden = 0")
               : db_.Prepare("SELECT MAX(day) FROM daily_entries WHERE day <= ?1 AND hidden = 0");
  if (!s) return s.error();
  if (!on_or_before.empty()) s->Bind(1, on_or_before);
  auto row = s->Step();
  if (!row) return row.error();
  return s->OptionalText(0);
}

Result<std::optional<std::string>> DailyList::AdjacentDay(std::string_view day, bool later) {
  auto s = later ? db_.Prepare("SELECT MIN(day) FROM daily_entries WHERE day > ?1 AND hidden = 0")
                 : db_.Prepare("SELECT MAX(day) FROM daily_entries WHERE day < ?1 AND hidden = 0");
  if (!s) return s.error();
  s->Bind(1, day);
  auto row = s->Step();
  if (!row) return row.error();
  return s->OptionalText(0);
}

Result<std::vector<core::Paper>> DailyList::PapersInCategory(std::string_view category, int limit) {
  // categories is space separated ("cs.LG stat.ML"): pad it with spaces and match a whole name, or
  // an archive prefix ("cs" matches "cs.LG"). The scan walks papers_published backwards and stops
  // at `limit` matches. LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
  auto s = db_.Prepare("SELECT " + std::string(kPaperColumns) +
                       " FROM papers p WHERE (' ' || LOWER(p.categories) || ' ') LIKE LOWER(?1) ESCAPE '\\' "
                       "OR (' ' || LOWER(p.categories) || ' ') LIKE LOWER(?2) ESCAPE '\\' ORDER BY p.published DESC LIMIT ?3");
  if (!s) return s.error();
  std::string escaped = EscapeLike(category);
  s->Bind(1, "% " + escaped + " %").Bind(2, "% " + escaped + ".%").Bind(3, limit);
  std::vector<core::Paper> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    out.push_back(ReadPaper(*s, 0));
  }
  return out;
}

}  // namespace paperfeed::store

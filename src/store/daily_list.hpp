// store/daily_list: the daily list as people read it — the entries of a day, an ISO week or a month
// with their papers' metadata, most upvoted first or trending, and the calendar of days that have any.
//
// Used by the site, the JSON API, the feeds (web/) and the digests (mail/). Days are America/New_York
// calendar days, as Hugging Face's daily list counts them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/paper.hpp"
#include "core/result.hpp"

namespace paperfeed::store {

class Database;

// An inclusive range of days, "YYYY-MM-DD".."YYYY-MM-DD".
struct DayRange {
  std::string first;
  std::string last;
};

// "2026-08-21" -> that day. kInvalidInput names the text when it is not a real date.
core::Result<DayRange> DayRangeForDay(std::string_view day);
// "2026-W34" (ISO 8601 week, Monday to Sunday) -> its seven days.
core::Result<DayRange> DayRangeForIsoWeek(std::string_view week);
// "2026-08" -> the days of that month.
core::Result<DayRange> DayRangeForMonth(std::string_view month);
// The ISO week ("2026-W34") and the month ("2026-08") a day belongs to.
std::string IsoWeekOf(std::string_view day);
std::string MonthOf(std::string_view day);
// Adds `days` (may be negative) to a "YYYY-MM-DD" day.
std::string AddDays(std::string_view day, int days);
// The America/New_York calendar day at Unix time `unix_seconds` (the system's tz database).
std::string NewYorkDay(int64_t unix_seconds);
// The Unix time at which a New York day starts (00:00 local).
int64_t NewYorkDayStart(std::string_view day);

// One entry of the list with its paper.
struct DailyListItem {
  core::Paper paper;
  core::DailyEntry entry;      // the day it entered the list, submitter, Hugging Face's upvotes
  int64_t local_upvotes = 0;   // upvotes given on this site
  double trending_score = 0;   // set by Trending()
  int64_t upvotes() const { return entry.upvotes + local_upvotes; }
};

struct DailyPage {
  std::vector<DailyListItem> items;
  int64_t total = 0;  // entries in the whole range, before limit/offset
};

enum class DailySort {
  kUpvotes,    // most upvoted first (Hugging Face upvotes + local), then newest arXiv date
  kPublished,  // newest arXiv first-version date first
  kTrending,   // highest trending score first (see TrendingScore)
};

// Upvotes given on this site for each paper that has any (absent means 0). store/accounts
// provides it (AccountStore::LocalUpvoteCounts); without it only Hugging Face's counts are shown.
using LocalUpvoteCounts =
    std::function<core::Result<std::unordered_map<std::string, int64_t>>(const std::vector<std::string>& paper_ids)>;

// The trending score: a time-decayed count of upvotes, as Hacker News ranks stories.
//   score = (upvotes + 1) / (age_hours + 2)^1.5
// age_hours runs from the start (00:00 New York) of the day the paper entered the list.
double TrendingScore(int64_t upvotes, double age_hours);
inline constexpr std::string_view kTrendingFormula = "score = (upvotes + 1) / (age in hours + 2)^1.5";
inline constexpr int kTrendingWindowDays = 14;

// Queries over one connection. Cheap to make; not shared between threads (one per connection).
class DailyList {
 public:
  explicit DailyList(Database& db, LocalUpvoteCounts local_upvotes = {});

  // The visible (not hidden) entries of the days in `range`, with their papers, sorted, then
  // `offset` skipped and at most `limit` returned. A paper listed on two days of the range appears
  // once, with its better-upvoted entry. `now_unix` only matters for kTrending.
  core::Result<DailyPage> Entries(const DayRange& range, DailySort sort, int limit, int offset,
                                  int64_t now_unix = 0);

  // Trending: entries of the kTrendingWindowDays days up to `now_unix`, by TrendingScore. When the
  // newest list is older than the window (an archive that stopped harvesting), the clock stops at
  // the end of that newest day, so the page still shows what was trending then.
  core::Result<DailyPage> Trending(int64_t now_unix, int limit, int offset);

  // The newest day with visible entries on or before `on_or_before` ("" for any day).
  core::Result<std::optional<std::string>> LatestDay(std::string_view on_or_before = "");
  // The nearest day with visible entries before (later=false) or after (later=true) `day`.
  core::Result<std::optional<std::string>> AdjacentDay(std::string_view day, bool later);

  // Papers whose categories include `category` ("cs.LG") or start with it ("cs" matches "cs.LG"),
  // newest first-version date first. For category feeds.
  core::Result<std::vector<core::Paper>> PapersInCategory(std::string_view category, int limit);

 private:
  core::Result<std::vector<DailyListItem>> Load(const DayRange& range);
  core::Result<void> AddLocalUpvotes(std::vector<DailyListItem>& items);

  Database& db_;
  LocalUpvoteCounts local_upvotes_;
};

}  // namespace paperfeed::store

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
  double trending_score = 0;   // set by Trending() and DailySort::kTrending
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

// The trending score, the one definition behind /trending, the API's sort=trending, the trending
// feed and the digests: a time-decayed count of upvotes, as Hacker News ranks stories, where time
// is counted in list days (days that have a daily list), not on the wall clock, so a catalogue
// that stopped harvesting, or a site that skips weekends, still ranks its newest lists first.
//   score = (source upvotes + 3 x local upvotes + 1) / (list days ago + 1)^1.5
// A local upvote counts three times: a group of a dozen readers should move its own list even
// beside Hugging Face's thousands of voters. `list_days_ago` is 0 for the newest list day.
double TrendingScore(int64_t source_upvotes, int64_t local_upvotes, int list_days_ago);
inline constexpr std::string_view kTrendingFormula =
    "score = (Hugging Face upvotes + 3 × this site's upvotes + 1) / (list days ago + 1)^1.5";
inline constexpr int kTrendingLocalWeight = 3;
// Trending ranks the entries of this many list days, ending at the newest one.
inline constexpr int kTrendingWindowDays = 14;

// Queries over one connection. Cheap to make; not shared between threads (one per connection).
class DailyList {
 public:
  explicit DailyList(Database& db, LocalUpvoteCounts local_upvotes = {});

  // The visible (not hidden) entries of the days in `range`, with their papers, sorted, then
  // `offset` skipped and at most `limit` returned. A paper listed on two days of the range appears
  // once, with its better-upvoted entry. kTrending scores by TrendingScore, counting list days back
  // from the range's newest; `now_unix` is not used (kept for callers).
  core::Result<DailyPage> Entries(const DayRange& range, DailySort sort, int limit, int offset,
                                  int64_t now_unix = 0);

  // Trending: the entries of the kTrendingWindowDays newest list days on or before the New York
  // day of `now_unix` (or, when every list is dated later, the newest ones), by TrendingScore. The
  // window ends at the newest list, never at the wall clock: a stale catalogue still shows a full
  // list, and today's first submissions join the ranking instead of replacing it.
  core::Result<DailyPage> Trending(int64_t now_unix, int limit, int offset);
  // The days Trending ranks (first..last), or nothing when there is no list at all.
  core::Result<std::optional<DayRange>> TrendingWindow(int64_t now_unix);

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

// store/daily_list: calendar periods, New York days, ordering, trending, category lookups.
#include "store/daily_list.hpp"

#include "store/database.hpp"
#include "test_support.hpp"
#include "web/html.hpp"

namespace paperfeed::store {
namespace {

TEST(DailyListCalendarTest, IsoWeeksFollowIso8601) {
  auto w1 = DayRangeForIsoWeek("2026-W01");
  ASSERT_TRUE(w1.ok());
  EXPECT_EQ(w1->first, "2025-12-29");  // 2026-01-01 is a Thursday: its week starts in 2025
  EXPECT_EQ(w1->last, "2026-01-04");
  auto w53 = DayRangeForIsoWeek("2020-W53");
  ASSERT_TRUE(w53.ok());
  EXPECT_EQ(w53->first, "2020-12-28");
  EXPECT_FALSE(DayRangeForIsoWeek("2021-W53").ok());
  EXPECT_FALSE(DayRangeForIsoWeek("2026-W00").ok());
  EXPECT_FALSE(DayRangeForIsoWeek("2026W01").ok());
  EXPECT_EQ(IsoWeekOf("2026-01-01"), "2026-W01");
  EXPECT_EQ(IsoWeekOf("2027-01-01"), "2026-W53");
  EXPECT_EQ(IsoWeekOf("2026-08-21"), "2026-W34");
}

TEST(DailyListCalendarTest, MonthsAndDaysValidate) {
  auto feb = DayRangeForMonth("2024-02");
  ASSERT_TRUE(feb.ok());
  EXPECT_EQ(feb->last, "2024-02-29");
  EXPECT_FALSE(DayRangeForMonth("2024-13").ok());
  EXPECT_FALSE(DayRangeForDay("2024-02-30").ok());
  auto bad = DayRangeForDay("<script>");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_EQ(AddDays("2024-02-28", 2), "2024-03-01");
}

TEST(DailyListCalendarTest, NewYorkDaysFollowDaylightSavingTime) {
  // 2026-03-08 is the second Sunday of March: EST (UTC-5) before 07:00 UTC, EDT (UTC-4) after.
  EXPECT_EQ(NewYorkDay(1772928000 + 4 * 3600 + 59 * 60), "2026-03-07");  // 2026-03-08 04:59Z = 23:59 EST
  EXPECT_EQ(NewYorkDay(1772928000 + 5 * 3600), "2026-03-08");
  // Summer: 2026-08-21 03:59Z is still Aug 20 in New York (EDT), 04:00Z is Aug 21.
  EXPECT_EQ(NewYorkDay(1787284800 - 60), "2026-08-20");
  EXPECT_EQ(NewYorkDay(1787284800), "2026-08-21");
  EXPECT_EQ(NewYorkDayStart("2026-08-21"), 1787284800);
  EXPECT_EQ(NewYorkDayStart("2026-01-15") % 86400, 5 * 3600);
}

TEST(DailyListCalendarTest, NewYorkDaysAcrossTheAutumnChangeAndBefore2007) {
  // 2026-11-01 (first Sunday of November) starts at 04:00Z in EDT and lasts 25 hours; 2026-11-02
  // starts at 05:00Z in EST.
  const int64_t nov1 = 1793491200;  // 2026-11-01T00:00:00Z
  EXPECT_EQ(NewYorkDayStart("2026-11-01"), nov1 + 4 * 3600);
  EXPECT_EQ(NewYorkDayStart("2026-11-02"), nov1 + 86400 + 5 * 3600);
  EXPECT_EQ(NewYorkDay(nov1 + 86400 + 5 * 3600 - 1), "2026-11-01");  // 23:59:59 EST
  EXPECT_EQ(NewYorkDay(nov1 + 86400 + 5 * 3600), "2026-11-02");
  // The day after the spring change starts in EDT.
  EXPECT_EQ(NewYorkDayStart("2026-03-09"), 1772928000 + 86400 + 4 * 3600);
  // Before 2007 daylight time began on the first Sunday of April: 2006-03-20 was still EST, so
  // 04:30Z was the evening before (a fixed post-2007 rule would say EDT and the 20th).
  EXPECT_EQ(NewYorkDay(1142829000), "2006-03-19");  // 2006-03-20T04:30:00Z
}

TEST(DailyListTrendingTest, NewerAndMoreUpvotedScoresHigher) {
  EXPECT_GT(TrendingScore(10, 0, 0), TrendingScore(10, 0, 2));
  EXPECT_GT(TrendingScore(20, 0, 1), TrendingScore(10, 0, 1));
  EXPECT_GT(TrendingScore(0, 0, 0), 0.0);
  EXPECT_DOUBLE_EQ(TrendingScore(7, 0, 3), 8.0 / 8.0);  // (7+1)/(3+1)^1.5 = 8/8
  // A local upvote weighs three of the source's.
  EXPECT_DOUBLE_EQ(TrendingScore(0, 1, 0), TrendingScore(3, 0, 0));
}

class DailyListTest : public testing::CatalogueTest {
 protected:
  void Add(const std::string& id, const std::string& day, int64_t upvotes, const std::string& category = "cs.LG") {
    core::Paper p;
    p.id = id;
    p.latest_version = 1;
    p.title = "Paper " + id;
    p.abstract = "Abstract";
    p.authors = {"A. Author"};
    p.primary_category = category;
    p.categories = {category, "stat.ML"};
    p.published = "2026-08-01T00:00:00Z";
    p.updated = p.published;
    ASSERT_TRUE(catalogue_->UpsertPaper(p).ok());
    ASSERT_TRUE(catalogue_->UpsertDailyEntry({id, day, "user", "User", upvotes, 0}).ok());
  }
};

TEST_F(DailyListTest, EntriesAreMostUpvotedFirstWithLocalUpvotesAdded) {
  Add("2608.00001", "2026-08-20", 5);
  Add("2608.00002", "2026-08-20", 9);
  Add("2608.00003", "2026-08-20", 7);
  Add("2608.00004", "2026-08-21", 100);
  DailyList list(catalogue_->database(), [](const std::vector<std::string>&) {
    return core::Result<std::unordered_map<std::string, int64_t>>(std::unordered_map<std::string, int64_t>{{"2608.00001", 10}});
  });
  auto page = list.Entries({"2026-08-20", "2026-08-20"}, DailySort::kUpvotes, 10, 0);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].paper.id, "2608.00001");  // 5 + 10 local
  EXPECT_EQ(page->items[0].upvotes(), 15);
  EXPECT_EQ(page->items[1].paper.id, "2608.00002");
  auto second = list.Entries({"2026-08-20", "2026-08-21"}, DailySort::kUpvotes, 2, 2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->total, 4);
  ASSERT_EQ(second->items.size(), 2u);
  EXPECT_EQ(second->items[0].paper.id, "2608.00002");  // 100, 15 | 9, 7
  EXPECT_EQ(second->items[1].paper.id, "2608.00003");
}

TEST_F(DailyListTest, HiddenEntriesAndEmptyDaysAreSkipped) {
  Add("2608.00001", "2026-08-18", 1);
  Add("2608.00002", "2026-08-20", 1);
  Add("2608.00003", "2026-08-22", 1);
  ASSERT_TRUE(catalogue_->database().Exec("UPDATE daily_entries SET hidden = 1 WHERE paper_id = '2608.00003'").ok());
  DailyList list(catalogue_->database());
  EXPECT_EQ(list.LatestDay().value().value(), "2026-08-20");
  EXPECT_EQ(list.LatestDay("2026-08-19").value().value(), "2026-08-18");
  EXPECT_EQ(list.AdjacentDay("2026-08-20", false).value().value(), "2026-08-18");
  EXPECT_FALSE(list.AdjacentDay("2026-08-20", true).value().has_value());
  EXPECT_EQ(list.Entries({"2026-08-22", "2026-08-22"}, DailySort::kUpvotes, 10, 0)->total, 0);
}

TEST_F(DailyListTest, TrendingFavoursRecentUpvotesOverListDays) {
  Add("2608.00001", "2026-08-10", 50);  // two list days ago, more upvotes
  Add("2608.00002", "2026-08-20", 20);  // the newest list
  Add("2608.00003", "2026-08-19", 0);
  DailyList list(catalogue_->database());
  int64_t now = NewYorkDayStart("2026-08-21");
  auto trending = list.Trending(now, 10, 0);
  ASSERT_TRUE(trending.ok());
  ASSERT_EQ(trending->items.size(), 3u);
  EXPECT_EQ(trending->items[0].paper.id, "2608.00002");  // 21/1 > 51/5.2
  EXPECT_EQ(trending->items[1].paper.id, "2608.00001");
  EXPECT_GT(trending->items[0].trending_score, trending->items[1].trending_score);
}

TEST_F(DailyListTest, TrendingOnAStaleCatalogueShowsItsNewestLists) {
  // The newest list is a year old: the window ends there, not at the wall clock.
  for (int i = 0; i < 20; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "2508.%05d", i + 1);
    Add(id, AddDays("2025-08-01", i), 10 + i);
  }
  DailyList list(catalogue_->database());
  auto trending = list.Trending(NewYorkDayStart("2026-12-01"), 50, 0);
  ASSERT_TRUE(trending.ok());
  EXPECT_EQ(trending->total, kTrendingWindowDays);  // one paper on each of the 14 newest list days
  EXPECT_EQ(trending->items.front().paper.id, "2508.00020");
  auto window = list.TrendingWindow(NewYorkDayStart("2026-12-01"));
  ASSERT_TRUE(window.ok() && window.value());
  EXPECT_EQ(window.value()->last, "2025-08-20");
  EXPECT_EQ(window.value()->first, "2025-08-07");
}

TEST_F(DailyListTest, FreshSubmissionsWithoutVotesJoinTrendingInsteadOfReplacingIt) {
  for (int i = 0; i < 10; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "2508.%05d", i + 1);
    Add(id, AddDays("2025-08-01", i % 3), 40 + i);
  }
  // Today, a year later, four papers are submitted and nobody has voted yet.
  const std::string today = "2026-12-01";
  for (int i = 0; i < 4; ++i) Add("2612.0000" + std::to_string(i + 1), today, 0);
  DailyList list(catalogue_->database());
  auto trending = list.Trending(NewYorkDayStart(today) + 3600, 50, 0);
  ASSERT_TRUE(trending.ok());
  EXPECT_EQ(trending->total, 14);
  int fresh_on_top = 0;
  for (int i = 0; i < 4; ++i) fresh_on_top += trending->items[i].entry.day == today;
  EXPECT_LT(fresh_on_top, 4);
  // The earlier lists rank above the zero-vote newcomers: (40 + 1) / 2^1.5 > 1 / 1^1.5.
  EXPECT_NE(trending->items[0].entry.day, today);
}

TEST_F(DailyListTest, SortTrendingOverARangeUsesTheSameScore) {
  Add("2608.00001", "2026-08-18", 40);
  Add("2608.00002", "2026-08-20", 10);
  DailyList list(catalogue_->database());
  auto page = list.Entries({"2026-08-17", "2026-08-20"}, DailySort::kTrending, 10, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_DOUBLE_EQ(page->items[0].trending_score, TrendingScore(40, 0, 1));  // 41/2^1.5 = 14.5 > 11/1
  EXPECT_EQ(page->items[0].paper.id, "2608.00001");
}

TEST_F(DailyListTest, PapersInCategoryMatchWholeNamesAndArchives) {
  Add("2608.00001", "2026-08-20", 1, "cs.LG");
  Add("2608.00002", "2026-08-20", 1, "cs.CL");
  Add("2608.00003", "2026-08-20", 1, "math.OC");
  DailyList list(catalogue_->database());
  EXPECT_EQ(list.PapersInCategory("cs.CL", 10)->size(), 1u);
  EXPECT_EQ(list.PapersInCategory("cs", 10)->size(), 2u);
  EXPECT_EQ(list.PapersInCategory("stat.ML", 10)->size(), 3u);
  EXPECT_EQ(list.PapersInCategory("c%", 10)->size(), 0u);
  EXPECT_EQ(list.PapersInCategory("cs.C", 10)->size(), 0u);
}

}  // namespace
}  // namespace paperfeed::store

namespace paperfeed::web {
namespace {

TEST(HtmlTest, RenderEscapesTextAndKeepsTrustedMarkup) {
  Html inner = Render("<b>{}</b>", "<i>");
  Html out = Render("<p title=\"{}\">{} {} {}</p>", "\"><script>", inner, 42, std::string("a&b"));
  EXPECT_EQ(out.str(), "<p title=\"&quot;&gt;&lt;script&gt;\"><b>&lt;i&gt;</b> 42 a&amp;b</p>");
}

TEST(HtmlTest, SafeUrlRefusesScriptSchemes) {
  EXPECT_EQ(SafeUrl("https://github.com/a/b"), "https://github.com/a/b");
  EXPECT_EQ(SafeUrl("/papers/1"), "/papers/1");
  EXPECT_EQ(SafeUrl("javascript:alert(1)"), "#");
  EXPECT_EQ(SafeUrl("JaVaScRiPt:alert(1)"), "#");
  EXPECT_EQ(SafeUrl("java\tscript:alert(1)"), "#");
  EXPECT_EQ(SafeUrl("//evil.example"), "#");
  EXPECT_EQ(SafeUrl("data:text/html,x"), "#");
}

TEST(HtmlTest, TexBecomesReadableAndStaysEscaped) {
  EXPECT_EQ(RenderTex("cost $\\mathcal{O}(n^2)$ <b>").str(), "cost <span class=\"tex\">O(n<sup>2</sup>)</span> &lt;b&gt;");
  EXPECT_EQ(RenderTex("$x_{i}^{<script>}$").str(), "<span class=\"tex\">x<sub>i</sub><sup>&lt;script&gt;</sup></span>");
  EXPECT_EQ(TexToPlain("$\\alpha \\leq \\beta$ and 5$"), "α ≤ β and 5$");
  EXPECT_EQ(RenderTex("unclosed $\\alpha").str(), "unclosed $α");
}

}  // namespace
}  // namespace paperfeed::web

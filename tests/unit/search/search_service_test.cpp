// The search service in keyword mode: phrases, snippets, sorting, paging, hostile queries, similar.
#include "search/search_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "keyword_test_support.hpp"
#include "search/text_match.hpp"

namespace paperfeed::search {
namespace {

using testing::MakePaper;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class SearchServiceTest : public testing::CatalogueTest {
 protected:
  void SetUp() override {
    CatalogueTest::SetUp();
    Upsert(MakePaper("2501.00001", "Neural networks for graphs", "We train networks on neural graphs & <trees>.",
                     {"Ada Lovelace"}, {"cs.LG"}, "2025-01-05T00:00:00Z"));
    Upsert(MakePaper("2501.00002", "Graphs of neural activity", "Recordings of activity from neural networks.",
                     {"Alan Turing"}, {"q-bio.NC"}, "2025-01-20T00:00:00Z"));
    Upsert(MakePaper("2501.00003", "Random graphs", "Neural ideas do not appear here; graphs do.", {"Paul Erdos"},
                     {"math.CO"}, "2025-01-12T00:00:00Z"));
    auto s = OpenSearchService(*catalogue_, dir_.File("index"));
    ASSERT_TRUE(s.ok()) << s.error().message;
    service_ = std::move(s.value());
  }
  void Upsert(const core::Paper& p) { ASSERT_TRUE(catalogue_->UpsertPaper(p).ok()); }

  std::vector<std::string> Ids(const std::string& query, SearchOptions options = {}) {
    options.mode = SearchMode::kKeyword;
    auto r = service_->Search(query, options);
    EXPECT_TRUE(r.ok()) << r.error().message;
    std::vector<std::string> out;
    if (r.ok())
      for (const auto& h : r->hits) out.push_back(h.paper_id);
    return out;
  }

  std::unique_ptr<SearchService> service_;
};

TEST_F(SearchServiceTest, ChecksPhrasesAgainstTheText) {
  EXPECT_THAT(Ids("\"neural networks\""), UnorderedElementsAre("2501.00001", "2501.00002"));
  EXPECT_THAT(Ids("\"neural graphs\""), ElementsAre("2501.00001"));
  EXPECT_THAT(Ids("\"graphs of neural\""), ElementsAre("2501.00002"));
  EXPECT_THAT(Ids("graphs -\"neural networks\""), ElementsAre("2501.00003"));
}

TEST_F(SearchServiceTest, ReturnsTitlesAndEscapedHighlightedSnippets) {
  SearchOptions options;
  options.mode = SearchMode::kKeyword;
  options.with_snippets = true;
  auto r = service_->Search("trees", options);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].title, "Neural networks for graphs");
  EXPECT_THAT(r->hits[0].snippet, HasSubstr("&amp; &lt;<mark>trees</mark>&gt;"));
  EXPECT_EQ(r->mode_used, SearchMode::kKeyword);
  EXPECT_EQ(r->parsed_query, "words: tree");
}

TEST_F(SearchServiceTest, SortsByDateAndByUpvotes) {
  SearchOptions by_date;
  by_date.sort = SortOrder::kDate;
  EXPECT_THAT(Ids("graphs", by_date), ElementsAre("2501.00002", "2501.00003", "2501.00001"));
  ASSERT_TRUE(catalogue_->UpsertDailyEntry({"2501.00003", "2025-01-13", "u", "U", 40, 0}).ok());
  ASSERT_TRUE(catalogue_->UpsertDailyEntry({"2501.00001", "2025-01-06", "u", "U", 7, 0}).ok());
  SearchOptions by_votes;
  by_votes.sort = SortOrder::kUpvotes;
  EXPECT_THAT(Ids("graphs", by_votes), ElementsAre("2501.00003", "2501.00001", "2501.00002"));
}

TEST_F(SearchServiceTest, PagesWithLimitAndOffsetAndFiltersFromOptions) {
  SearchOptions page;
  page.limit = 1;
  auto all = Ids("graphs");
  ASSERT_EQ(all.size(), 3u);
  page.offset = 1;
  EXPECT_THAT(Ids("graphs", page), ElementsAre(all[1]));
  SearchOptions filtered;
  filtered.category = "cs";
  EXPECT_THAT(Ids("graphs", filtered), ElementsAre("2501.00001"));
  filtered.category.reset();
  filtered.date_from = "2025-01-10";
  filtered.date_to = "2025-01-15";
  EXPECT_THAT(Ids("graphs", filtered), ElementsAre("2501.00003"));
  filtered.date_from = "not a date";
  EXPECT_FALSE(service_->Search("graphs", filtered).ok());
}

TEST_F(SearchServiceTest, NeverFailsOnStraySyntax) {
  for (const char* q : {"\"neural", "neural\"", "(graphs", "graphs)", "graphs:", ":graphs", "author:", "-", "\"\"",
                        "[graphs]", "cat:", "date:x..y", "\\", "+"}) {
    SearchOptions options;
    options.mode = SearchMode::kKeyword;
    auto r = service_->Search(q, options);
    EXPECT_TRUE(r.ok()) << q;
  }
  EXPECT_THAT(Ids("\"neural graphs"), ::testing::Contains("2501.00001")) << "an unclosed quote reads as words";
}

TEST_F(SearchServiceTest, SeesPapersIngestedAfterOpeningOnCatchUp) {
  Upsert(MakePaper("2501.00004", "Hypergraphs", "Hypergraph partitioning.", {"Grace Hopper"}));
  EXPECT_THAT(Ids("hypergraph"), ::testing::IsEmpty());
  auto n = service_->CatchUp();
  ASSERT_TRUE(n.ok());
  EXPECT_THAT(Ids("hypergraph"), ElementsAre("2501.00004"));
}

TEST_F(SearchServiceTest, SimilarExcludesThePaperItselfAndRejectsUnknownIds) {
  auto similar = service_->Similar("2501.00001", 5);
  ASSERT_TRUE(similar.ok()) << similar.error().message;
  for (const auto& h : similar.value()) EXPECT_NE(h.paper_id, "2501.00001");
  EXPECT_FALSE(similar->empty());
  auto missing = service_->Similar("9999.99999", 5);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::ErrorCode::kNotFound);
}

TEST(TextMatchTest, FindsPhrasesAndMakesSnippets) {
  EXPECT_TRUE(ContainsPhrase("Deep Neural Networks, revisited", {"neural", "network"}));
  EXPECT_FALSE(ContainsPhrase("networks of neural cells", {"neural", "network"}));
  EXPECT_EQ(HtmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  std::string text;
  for (int i = 0; i < 100; ++i) text += "filler ";
  text += "the key result";
  auto snippet = MakeSnippet(text, {"key"}, 10);
  EXPECT_THAT(snippet, HasSubstr("<mark>key</mark>"));
  EXPECT_EQ(snippet.rfind("… ", 0), 0u) << "a cut start is marked";
}

}  // namespace
}  // namespace paperfeed::search

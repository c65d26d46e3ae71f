// Query parser: fields, phrases, exclusions, dates, and hostile input that must never fail.
#include "search/query_parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/dates.hpp"

namespace paperfeed::search {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

int32_t Day(int y, unsigned m, unsigned d) { return static_cast<int32_t>(core::DaysFromCivil(y, m, d)); }

TEST(QueryParserTest, ReadsPlainWordsAsStemmedScoringTerms) {
  auto q = ParseQuery("Sparse Attention transformers");
  EXPECT_THAT(q.terms, ElementsAre("spars", "attent", "transform"));
  EXPECT_THAT(q.required, IsEmpty());
  EXPECT_FALSE(q.HasFilters());
}

TEST(QueryParserTest, ReadsPhrasesAsRequiredOrderedWords) {
  auto q = ParseQuery("\"optimal transport\" entropic");
  ASSERT_EQ(q.phrases.size(), 1u);
  EXPECT_THAT(q.phrases[0], ElementsAre("optim", "transport"));
  EXPECT_THAT(q.required, ElementsAre("optim", "transport"));
  EXPECT_THAT(q.terms, ElementsAre("optim", "transport", "entrop"));
}

TEST(QueryParserTest, ReadsExclusionsAndRequiredWords) {
  auto q = ParseQuery("diffusion -image +video -\"text to speech\"");
  EXPECT_THAT(q.excluded, ElementsAre("imag"));
  EXPECT_THAT(q.required, ElementsAre("video"));
  ASSERT_EQ(q.excluded_phrases.size(), 1u);
  EXPECT_THAT(q.excluded_phrases[0], ElementsAre("text", "to", "speech"));
  EXPECT_THAT(q.terms, ElementsAre("diffus", "video"));
}

TEST(QueryParserTest, ReadsAuthorAndCategoryFilters) {
  auto q = ParseQuery("author:\"Geoffrey Hinton\" cat:cs.LG capsules au:Sabour");
  EXPECT_THAT(q.authors, ElementsAre("geoffrey", "hinton", "sabour"));
  EXPECT_THAT(q.categories, ElementsAre("cs.lg"));
  EXPECT_THAT(q.terms, ElementsAre("capsul"));
}

TEST(QueryParserTest, ReadsDateRangesOfDaysMonthsAndYears) {
  auto q = ParseQuery("after:2025-01-15 before:2025-03-01 x");
  EXPECT_EQ(q.day_from, Day(2025, 1, 15));
  EXPECT_EQ(q.day_to, Day(2025, 2, 28));
  auto r = ParseQuery("date:2024-02..2024-03");
  EXPECT_EQ(r.day_from, Day(2024, 2, 1));
  EXPECT_EQ(r.day_to, Day(2024, 3, 31));
  auto y = ParseQuery("date:2024");
  EXPECT_EQ(y.day_from, Day(2024, 1, 1));
  EXPECT_EQ(y.day_to, Day(2024, 12, 31));
  auto open = ParseQuery("date:2024-02..");
  EXPECT_EQ(open.day_from, Day(2024, 2, 1));
  EXPECT_FALSE(open.day_to);
}

TEST(QueryParserTest, ReadsUnknownFieldsAndBadDatesAsWords) {
  auto q = ParseQuery("re:lu after:yesterday");
  EXPECT_FALSE(q.day_from);
  EXPECT_THAT(q.terms, ElementsAre("re", "lu", "after", "yesterday"));
}

TEST(QueryParserTest, DegradesStrayQuotesBracketsAndColonsToWords) {
  auto q = ParseQuery("\"unclosed phrase (bracket: [x");
  EXPECT_THAT(q.phrases, IsEmpty());
  EXPECT_THAT(q.required, IsEmpty());
  EXPECT_THAT(q.terms, ElementsAre("unclos", "phrase", "bracket", "x"));
}

TEST(QueryParserTest, NeverFailsOnHostileInput) {
  // The long input is owned here: a temporary's c_str() in the array would dangle (ASan found it).
  const std::string many_quotes(10000, '"');
  const std::string inputs[] = {"", "\"", "\"\"", "-", "+", "--", "-\"", ":", "author:", "cat:", "date:..", "date:2025..x",
                                "((((", ")]}", "\\", "$", "a\"b\"c", "-\"\"", "author:\"", "+-+-", "before:2025-13-01",
                                "\xff\xfe", "after:2025-02-30", many_quotes};
  // Whatever it reads, every term it keeps is a clean index token: non-empty, no spaces, quotes or
  // operators, valid UTF-8 lowercase text; a date range it keeps is ordered.
  auto is_clean_token = [](const std::string& t) {
    return !t.empty() && t.find_first_of(" \t\"()[]{}:+") == std::string::npos && t.find('\xff') == std::string::npos;
  };
  for (const std::string& input : inputs) {
    auto q = ParseQuery(input);
    for (const auto* list : {&q.terms, &q.required, &q.excluded}) {
      for (const auto& t : *list) EXPECT_TRUE(is_clean_token(t)) << "'" << t << "' from '" << input << "'";
    }
    for (const auto* phrases : {&q.phrases, &q.excluded_phrases}) {
      for (const auto& phrase : *phrases) {
        EXPECT_FALSE(phrase.empty()) << input;
        for (const auto& t : phrase) EXPECT_TRUE(is_clean_token(t)) << "'" << t << "' from '" << input << "'";
      }
    }
    if (q.day_from && q.day_to) {
      EXPECT_LE(*q.day_from, *q.day_to) << input;
    }
    // A filter it applies is a filter it tells the reader about.
    if (!q.authors.empty() || !q.categories.empty() || q.day_from || q.day_to) {
      EXPECT_FALSE(q.Describe().empty()) << input;
    }
  }
  auto bad_day = ParseQuery("after:2025-02-30");
  EXPECT_FALSE(bad_day.day_from);
}

TEST(QueryParserTest, DescribesWhatItRead) {
  auto q = ParseQuery("graph author:erdos after:2020");
  EXPECT_EQ(q.Describe(), "words: graph | author: erdos | on or after 2020");
}

}  // namespace
}  // namespace paperfeed::search

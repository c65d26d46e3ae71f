// Tokenizer and stemmer: folding, TeX, hyphens, stopwords, Snowball English.
#include "search/tokenizer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "search/stemmer.hpp"

namespace paperfeed::search {
namespace {

std::vector<std::string> Terms(std::string_view text, bool stem = true) {
  std::vector<std::string> out;
  for (const auto& t : Tokenize(text, stem)) out.push_back(t.term);
  return out;
}

using ::testing::ElementsAre;

TEST(StemmerTest, StemsWithSnowballEnglish) {
  EXPECT_EQ(StemEnglish("networks"), "network");
  EXPECT_EQ(StemEnglish("training"), "train");
  EXPECT_EQ(StemEnglish("generalization"), "general");
  EXPECT_EQ(StemEnglish("running"), "run");
  EXPECT_EQ(StemEnglish(""), "");
}

TEST(TokenizerTest, LowercasesAndSplitsOnPunctuation) {
  EXPECT_THAT(Terms("Deep Networks, (revisited)!", false), ElementsAre("deep", "networks", "revisited"));
}

TEST(TokenizerTest, FoldsLatinAccentsToAscii) {
  EXPECT_THAT(Terms("Gödel Erdős façade Straße", false), ElementsAre("godel", "erdos", "facade", "strasse"));
}

TEST(TokenizerTest, ReadsTexAccentsInsideWords) {
  EXPECT_THAT(Terms(R"(G\"odel Erd\H{o}s Poincar\'e)", false), ElementsAre("godel", "erdos", "poincare"));
}

TEST(TokenizerTest, DropsTexMarkupAndKeepsItsArguments) {
  EXPECT_THAT(Terms(R"(an $\mathcal{O}(n \log n)$ bound via \textbf{sorting})", false),
              ElementsAre("an", "o", "n", "n", "bound", "via", "sorting"));
}

TEST(TokenizerTest, NamesGreekLettersTheSameInTexAndUnicode) {
  EXPECT_THAT(Terms(R"($\alpha$-divergence and α-divergence)", false),
              ElementsAre("alpha", "divergence", "and", "alpha", "divergence"));
}

TEST(TokenizerTest, SplitsHyphenatedCompoundsAndAddsTheJoinedForm) {
  auto tokens = Tokenize("state-of-the-art pre-training", false);
  std::vector<std::string> terms;
  for (const auto& t : tokens) terms.push_back(t.term + (t.joined ? "*" : ""));
  EXPECT_THAT(terms, ElementsAre("state", "of", "the", "art", "stateoftheart*", "pre", "training", "pretraining*"));
  // Phrase positions advance over the parts only.
  EXPECT_EQ(tokens[3].position, 3u);
  EXPECT_EQ(tokens[5].position, 4u);
}

TEST(TokenizerTest, KeepsDecimalsAndDropsPossessives) {
  EXPECT_THAT(Terms("GPT-3.5's accuracy", false), ElementsAre("gpt", "3.5", "gpt3.5", "accuracy"));
}

TEST(TokenizerTest, MarksStopwordsAndOffsets) {
  auto tokens = Tokenize("the Transformer");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_TRUE(tokens[0].stopword);
  EXPECT_FALSE(tokens[1].stopword);
  EXPECT_EQ(tokens[1].term, "transform");
  EXPECT_EQ(tokens[1].begin, 4u);
  EXPECT_EQ(tokens[1].end, 15u);
}

TEST(TokenizerTest, IndexTermsLeaveOutStopwordsAndStem) {
  EXPECT_THAT(IndexTerms("How does sparse attention work?"), ElementsAre("spars", "attent", "work"));
}

TEST(TokenizerTest, SurvivesInvalidUtf8AndControlBytes) {
  std::string text = "ok \xff\xfe broken \xe2\x82 tail\x01";
  EXPECT_THAT(Terms(text, false), ElementsAre("ok", "broken", "tail"));
  EXPECT_TRUE(Terms("", false).empty());
  EXPECT_TRUE(Terms("\\", false).empty());
  EXPECT_TRUE(Terms("-- ' \" $$ {}", false).empty());
}

}  // namespace
}  // namespace paperfeed::search

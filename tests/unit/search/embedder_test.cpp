#include "search/embedder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "semantic_fixture.hpp"
#include "test_support.hpp"

namespace paperfeed::search {
namespace {

using testing::FixturePapers;
using testing::SmallTrainOptions;
using testing::SourceOf;

float Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  float s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

std::unique_ptr<Embedder> Train(const std::vector<core::Paper>& papers, EmbedderTrainOptions options = SmallTrainOptions()) {
  auto model = TrainDefaultEmbedder(SourceOf(papers), options);
  EXPECT_TRUE(model.ok()) << model.error().message;
  return std::move(model.value());
}

// The last sentence of an abstract, a text that says part of what the paper says in other words
// than its title.
std::string LastSentence(const std::string& abstract) {
  std::string text = abstract;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '.')) text.pop_back();
  size_t cut = text.rfind(". ");
  return cut == std::string::npos ? text : text.substr(cut + 2);
}

TEST(EmbedderTest, PutsATextCloserToItsOwnPaperThanToAnUnrelatedOne) {
  auto papers = FixturePapers();
  ASSERT_EQ(papers.size(), 200u);
  auto model = Train(papers);
  std::vector<std::vector<float>> docs;
  for (const auto& p : papers) docs.push_back(model->EmbedPaper(p.title, p.abstract));
  // The title alone (the paper embedded from title + abstract) and the last sentence of the
  // abstract must each be nearer their own paper than the paper 100 places on.
  int title_wins = 0, sentence_wins = 0;
  for (size_t i = 0; i < papers.size(); ++i) {
    size_t other = (i + 100) % papers.size();
    auto t = model->Embed(papers[i].title);
    auto s = model->Embed(LastSentence(papers[i].abstract));
    if (Cosine(t, docs[i]) > Cosine(t, docs[other])) ++title_wins;
    if (Cosine(s, docs[i]) > Cosine(s, docs[other])) ++sentence_wins;
  }
  EXPECT_GE(title_wins, 190);
  EXPECT_GE(sentence_wins, 180);
}

TEST(EmbedderTest, EmbeddingsAreUnitLengthAndZeroForUnknownWords) {
  auto papers = FixturePapers();
  auto model = Train(papers);
  EXPECT_EQ(model->dimension(), 64);
  auto v = model->Embed(papers[3].title);
  double norm = 0;
  for (float x : v) norm += x * x;
  EXPECT_NEAR(norm, 1.0, 1e-4);
  auto none = model->Embed("zzqxj wwkkv");
  for (float x : none) EXPECT_EQ(x, 0.f);
}

TEST(EmbedderTest, TrainingIsDeterministicForASeed) {
  auto papers = FixturePapers();
  auto a = Train(papers), b = Train(papers);
  auto options = SmallTrainOptions();
  options.seed = 7;
  auto c = Train(papers, options);
  const std::string text = papers[10].title;
  EXPECT_EQ(a->Embed(text), b->Embed(text));
  EXPECT_NE(a->Embed(text), c->Embed(text));
}

TEST(EmbedderTest, SaveAndLoadGiveTheSameVectors) {
  testing::TempDir dir;
  auto papers = FixturePapers();
  auto model = Train(papers);
  ASSERT_TRUE(model->Save(dir.File("model.bin")).ok());
  auto loaded = LoadEmbedder(dir.File("model.bin"));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded.value()->name(), model->name());
  EXPECT_EQ(loaded.value()->dimension(), model->dimension());
  for (int i : {0, 50, 199}) {
    EXPECT_EQ(loaded.value()->EmbedPaper(papers[i].title, papers[i].abstract),
              model->EmbedPaper(papers[i].title, papers[i].abstract));
  }
}

TEST(EmbedderTest, RefusesADamagedModelFile) {
  testing::TempDir dir;
  auto papers = FixturePapers();
  auto model = Train(papers);
  ASSERT_TRUE(model->Save(dir.File("model.bin")).ok());
  std::string bytes = testing::ReadFile(dir.File("model.bin"));
  bytes[bytes.size() / 2] ^= 0x55;
  dir.Write("damaged.bin", bytes);
  auto loaded = LoadEmbedder(dir.File("damaged.bin"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_EQ(LoadEmbedder(dir.File("missing.bin")).error().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace paperfeed::search

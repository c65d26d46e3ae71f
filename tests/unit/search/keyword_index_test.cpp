// Keyword index: BM25F scores, ranking, filters, persistence, incremental catch-up and repair.
#include "search/keyword_index.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "keyword_test_support.hpp"

namespace paperfeed::search {
namespace {

namespace fs = std::filesystem;
using testing::MakePaper;

class KeywordIndexTest : public testing::CatalogueTest {
 protected:
  std::string index_dir() const { return dir_.File("index"); }

  std::unique_ptr<KeywordIndex> OpenIndex(const Bm25fParams& params = {}) {
    auto index = KeywordIndex::Open(index_dir(), params);
    EXPECT_TRUE(index.ok()) << index.error().message;
    return index.ok() ? std::move(index.value()) : nullptr;
  }

  void Upsert(const core::Paper& p) {
    auto r = catalogue_->UpsertPaper(p);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  std::vector<std::string> Ids(const KeywordIndex& index, const std::string& query, int k = 10) {
    std::vector<std::string> out;
    for (const auto& d : index.TopK(ParseQuery(query), k)) out.push_back(index.PaperId(d.doc_id));
    return out;
  }
};

TEST_F(KeywordIndexTest, ScoresOneTermAsHandComputedBm25f) {
  Upsert(MakePaper("p1", "Quantum walks", "Quantum walks on graphs mix fast.", {"Ada Lovelace"}));
  Upsert(MakePaper("p2", "Classical graphs", "Random walks on classical graphs.", {"Alan Turing"}));
  Upsert(MakePaper("p3", "Sorting", "Merge sort and quick sort.", {"Grace Hopper"}));
  Bm25fParams params;  // k1 1.2; title w 2 b 0.4; abstract w 1 b 0.75; authors w 1 b 0.5
  auto index = OpenIndex(params);
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  auto top = index->TopK(ParseQuery("quantum"), 10);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(index->PaperId(top[0].doc_id), "p1");

  // By hand. Field lengths (stemmed, stopwords out): titles 2, 2, 1; abstracts 5, 4, 4; authors 2 each.
  const double avg_title = 5.0 / 3, avg_abstract = 13.0 / 3, avg_authors = 2.0;
  (void)avg_authors;
  const double n = 3, df = 1;
  const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
  const double tf = 2.0 * 1 / ((1 - 0.4) + 0.4 * 2 / avg_title) + 1.0 * 1 / ((1 - 0.75) + 0.75 * 5 / avg_abstract);
  const double expected = idf * (1.2 + 1) * tf / (1.2 + tf);
  // Impacts are stored in 8 bits: within half a step of 1/255 of idf * (k1 + 1).
  EXPECT_NEAR(top[0].score, expected, idf * 2.2 * 0.5 / 255 + 1e-6);
  EXPECT_NEAR(top[0].score, 1.5020, 0.005);  // the same number, written out
}

TEST_F(KeywordIndexTest, RanksEachFixturePaperFirstForItsOwnTitle) {
  testing::IngestFixture(*catalogue_);
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  EXPECT_EQ(index->Stats().live_docs, 199) << "0704.0156 is withdrawn";
  int first = 0, tried = 0;
  for (int64_t seq = 0;;) {
    auto batch = catalogue_->PapersChangedSince(seq, 50);
    ASSERT_TRUE(batch.ok());
    if (batch->empty()) break;
    for (const auto& sp : batch.value()) {
      seq = sp.change_seq;
      if (sp.paper.id == "0704.0156") continue;  // withdrawn
      ++tried;
      auto ids = Ids(*index, sp.paper.title, 1);
      if (!ids.empty() && ids[0] == sp.paper.id) ++first;
    }
  }
  EXPECT_EQ(tried, 199);
  EXPECT_GE(first, 197) << "title queries should find their own paper first";
}

TEST_F(KeywordIndexTest, FindsAPaperFromAParaphraseOfItsAbstract) {
  testing::IngestFixture(*catalogue_);
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  // 0704.0001: "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies".
  auto ids = Ids(*index, "diphoton production cross section tevatron", 3);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "0704.0001");
}

TEST_F(KeywordIndexTest, AppliesCategoryAuthorDateAndExclusionFilters) {
  Upsert(MakePaper("a", "Graph neural networks", "Message passing on graphs.", {"Ada Lovelace"}, {"cs.LG"},
                   "2024-06-01T00:00:00Z"));
  Upsert(MakePaper("b", "Graph neural networks for molecules", "Chemistry with graphs.", {"Alan Turing"},
                   {"physics.chem-ph", "cs.LG"}, "2025-02-01T00:00:00Z"));
  Upsert(MakePaper("c", "Graph theory", "Cliques in random graphs.", {"Paul Erdos"}, {"math.CO"},
                   "2025-03-01T00:00:00Z"));
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  using ::testing::UnorderedElementsAre;
  EXPECT_THAT(Ids(*index, "graph"), UnorderedElementsAre("a", "b", "c"));
  EXPECT_THAT(Ids(*index, "graph cat:cs.LG"), UnorderedElementsAre("a", "b"));
  EXPECT_THAT(Ids(*index, "graph cat:math"), UnorderedElementsAre("c"));
  EXPECT_THAT(Ids(*index, "graph cat:math cat:physics"), UnorderedElementsAre("b", "c"));
  EXPECT_THAT(Ids(*index, "graph author:turing"), UnorderedElementsAre("b"));
  EXPECT_THAT(Ids(*index, "graph author:\"paul erdos\""), UnorderedElementsAre("c"));
  EXPECT_THAT(Ids(*index, "graph after:2025-01-01"), UnorderedElementsAre("b", "c"));
  EXPECT_THAT(Ids(*index, "graph before:2025-03-01"), UnorderedElementsAre("a", "b"));
  EXPECT_THAT(Ids(*index, "graph date:2025-02"), UnorderedElementsAre("b"));
  EXPECT_THAT(Ids(*index, "graph -neural"), UnorderedElementsAre("c"));
  EXPECT_THAT(Ids(*index, "graph +molecules"), UnorderedElementsAre("b"));
  EXPECT_THAT(Ids(*index, "graph author:nobody"), ::testing::IsEmpty());
  // Filters alone list the newest matching papers first.
  EXPECT_THAT(Ids(*index, "cat:cs.LG"), ::testing::ElementsAre("b", "a"));
}

TEST_F(KeywordIndexTest, PrunedTopKMatchesExhaustiveRanking) {
  testing::IngestFixture(*catalogue_);
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  // Depth 200 keeps everything (no pruning); depth 5 prunes. The first five must agree.
  for (const char* q : {"quantum field theory", "the energy of black holes", "graph algorithm complexity",
                        "spin glass magnetic", "neutrino mass"}) {
    auto all = index->TopK(ParseQuery(q), 200);
    auto top = index->TopK(ParseQuery(q), 5);
    ASSERT_EQ(top.size(), std::min<size_t>(5, all.size())) << q;
    for (size_t i = 0; i < top.size(); ++i) {
      EXPECT_EQ(top[i].doc_id, all[i].doc_id) << q << " rank " << i;
      EXPECT_FLOAT_EQ(top[i].score, all[i].score) << q;
    }
  }
}

// Long lists (df far above kChampions) make TopK start from a threshold seeded by the lists'
// champions; the results must be those of the unseeded ranking (depth 3000 has no seed: fewer
// champions than that), scores and ties included, with and without filters and deletions.
TEST_F(KeywordIndexTest, SeededTopKMatchesUnseededRankingOnLongLists) {
  std::mt19937 rng(7);
  std::vector<std::string> vocabulary;
  for (int w = 0; w < 120; ++w)
    vocabulary.push_back("word" + std::string(1, static_cast<char>('a' + w % 26)) + std::to_string(w / 26));
  std::vector<double> weights;
  for (int w = 0; w < 120; ++w) weights.push_back(1.0 / (w + 1));
  std::discrete_distribution<int> zipf(weights.begin(), weights.end());
  auto words = [&](int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += vocabulary[static_cast<size_t>(zipf(rng))] + " ";
    return out;
  };
  for (int i = 0; i < 2000; ++i) {
    char published[32];
    std::snprintf(published, sizeof published, "2025-%02d-%02dT00:00:00Z", 1 + i % 12, 1 + i % 28);
    Upsert(MakePaper("p" + std::to_string(i), words(4 + i % 9), words(20 + i % 50), {"Ada Lovelace"},
                     {i % 3 ? "cs.LG" : "math.OC"}, published));
  }
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  // Deletions: updated papers are masked in the first segment and indexed again in a delta.
  for (int i = 0; i < 2000; i += 37) Upsert(MakePaper("p" + std::to_string(i), words(5), words(30), {"Ada Lovelace"},
                                                         {"cs.LG"}, "2025-03-03T00:00:00Z", 2));
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  ASSERT_GT(index->Stats().deleted_docs, 0);
  int compared = 0;
  for (int q = 0; q < 60; ++q) {
    std::string query = words(1 + q % 10);
    if (q % 3 == 1) query += " after:2025-04-01 before:2025-09-30";
    if (q % 3 == 2) query += " cat:cs";
    auto all = index->TopK(ParseQuery(query), 3000);
    // Regression: idf once counted live papers against df counting masked copies too, so a word
    // in nearly every paper scored below zero after updates, and pruning went wrong.
    for (const auto& d : all) ASSERT_GT(d.score, 0.0) << query;
    for (int depth : {1, 10, 25}) {
      auto top = index->TopK(ParseQuery(query), depth);
      ASSERT_EQ(top.size(), std::min<size_t>(static_cast<size_t>(depth), all.size())) << query;
      for (size_t i = 0; i < top.size(); ++i) {
        EXPECT_EQ(top[i].doc_id, all[i].doc_id) << query << " depth " << depth << " rank " << i;
        EXPECT_FLOAT_EQ(top[i].score, all[i].score) << query;
      }
      compared += static_cast<int>(top.size());
    }
  }
  EXPECT_GT(compared, 1000);
}

TEST_F(KeywordIndexTest, DropsAnIndexOfAnOlderFormatAndIndexesAgain) {
  Upsert(MakePaper("a", "Sparse attention", "Attention."));
  {
    auto index = OpenIndex();
    ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  }
  // What an index written before champion postings looked like: manifest format 1.
  const auto manifest = fs::path(index_dir()) / "MANIFEST";
  std::string text((std::istreambuf_iterator<char>(std::ifstream(manifest).rdbuf())), std::istreambuf_iterator<char>());
  const auto at = text.find("\"format\": 2");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 11, "\"format\": 1");
  std::ofstream(manifest, std::ios::trunc) << text;
  auto index = OpenIndex();
  EXPECT_TRUE(index->format_upgraded());
  EXPECT_EQ(index->Stats().live_docs, 0);
  EXPECT_EQ(index->repaired_files(), 1) << "the old segment file is deleted";
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  EXPECT_THAT(Ids(*index, "sparse"), ::testing::ElementsAre("a"));
}

TEST_F(KeywordIndexTest, ReopensFromDiskWithoutRebuilding) {
  testing::IngestFixture(*catalogue_);
  std::vector<std::string> before;
  {
    auto index = OpenIndex();
    ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
    before = Ids(*index, "quantum gravity");
  }
  auto index = OpenIndex();
  EXPECT_EQ(index->Stats().live_docs, 199);
  EXPECT_EQ(Ids(*index, "quantum gravity"), before);
  auto again = index->CatchUp(*catalogue_, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), 0) << "nothing changed since the manifest's change_seq";
}

TEST_F(KeywordIndexTest, CatchesUpWithNewAndUpdatedPapers) {
  Upsert(MakePaper("2501.00001", "Sparse attention", "Attention that is sparse.", {"Ada Lovelace"}, {"cs.LG"},
                   "2025-01-10T00:00:00Z", 1));
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  EXPECT_THAT(Ids(*index, "sparse"), ::testing::ElementsAre("2501.00001"));

  // A new version rewrites the title; a new paper arrives.
  Upsert(MakePaper("2501.00001", "Linear attention", "Attention in linear time.", {"Ada Lovelace"}, {"cs.LG"},
                   "2025-01-10T00:00:00Z", 2));
  Upsert(MakePaper("2501.00002", "Sparse mixtures of experts", "Routing tokens.", {"Alan Turing"}));
  auto read = index->CatchUp(*catalogue_, false);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value(), 2);
  EXPECT_THAT(Ids(*index, "sparse"), ::testing::ElementsAre("2501.00002"));
  EXPECT_THAT(Ids(*index, "linear"), ::testing::ElementsAre("2501.00001"));
  EXPECT_EQ(index->Stats().live_docs, 2);
  // Half the documents were dead, so the segments were compacted into one.
  EXPECT_EQ(index->Stats().deleted_docs, 0);
  EXPECT_EQ(index->Stats().segments, 1);

  // And after a restart too.
  index.reset();
  index = OpenIndex();
  EXPECT_THAT(Ids(*index, "sparse"), ::testing::ElementsAre("2501.00002"));
  EXPECT_THAT(Ids(*index, "linear"), ::testing::ElementsAre("2501.00001"));
}

TEST_F(KeywordIndexTest, MasksUpdatedPapersWithAPersistentDeletionBitmap) {
  for (int i = 0; i < 10; ++i) Upsert(MakePaper("p" + std::to_string(i), "Old title " + std::to_string(i), "Body."));
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  Upsert(MakePaper("p3", "Fresh title", "Body.", {"Ada Lovelace"}, {"cs.LG"}, "2025-01-10T00:00:00Z", 2));
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  EXPECT_EQ(index->Stats().deleted_docs, 1);
  EXPECT_EQ(index->Stats().segments, 2);
  index.reset();
  index = OpenIndex();
  EXPECT_EQ(index->Stats().deleted_docs, 1);
  EXPECT_EQ(Ids(*index, "old", 20).size(), 9u) << "the masked copy of p3 no longer matches";
  EXPECT_THAT(Ids(*index, "fresh"), ::testing::ElementsAre("p3"));
}

TEST_F(KeywordIndexTest, LeavesWithdrawnPapersOut) {
  Upsert(MakePaper("2501.00001", "Sparse attention", "Attention that is sparse."));
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  auto withdrawn = MakePaper("2501.00001", "Sparse attention", "This paper has been withdrawn by the author.",
                             {"Ada Lovelace"}, {"cs.LG"}, "2025-01-10T00:00:00Z", 2);
  withdrawn.comments = "This paper has been withdrawn due to an error";
  Upsert(withdrawn);
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  EXPECT_THAT(Ids(*index, "sparse attention"), ::testing::IsEmpty());
  EXPECT_EQ(index->Stats().live_docs, 0);
}

TEST_F(KeywordIndexTest, MergesDeltaSegmentsWhenTheyPileUp) {
  auto index = OpenIndex();
  for (int i = 0; i < 12; ++i) {
    Upsert(MakePaper("p" + std::to_string(i), "Topic " + std::to_string(i) + " graphs", "Body " + std::to_string(i)));
    ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  }
  EXPECT_LE(index->Stats().segments, 8);
  EXPECT_EQ(index->Stats().live_docs, 12);
  EXPECT_EQ(Ids(*index, "graphs", 20).size(), 12u);
  EXPECT_THAT(Ids(*index, "topic 7", 1), ::testing::ElementsAre("p7"));
}

TEST_F(KeywordIndexTest, RepairsAnUpdateInterruptedBeforeItsManifest) {
  Upsert(MakePaper("a", "Sparse attention", "Attention."));
  {
    auto index = OpenIndex();
    ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  }
  // A crash after a new segment (and a half-written manifest) reached the disk, before the rename.
  Upsert(MakePaper("b", "Sparse coding", "Dictionaries."));
  std::ofstream(fs::path(index_dir()) / "seg-000099.seg") << "half a segment";
  std::ofstream(fs::path(index_dir()) / "seg-000099.seg.tmp") << "half a segment";
  std::ofstream(fs::path(index_dir()) / "MANIFEST.tmp") << "{\"format\": 1, \"segm";
  auto index = OpenIndex();
  EXPECT_EQ(index->repaired_files(), 3);
  EXPECT_FALSE(fs::exists(fs::path(index_dir()) / "MANIFEST.tmp"));
  EXPECT_THAT(Ids(*index, "sparse"), ::testing::ElementsAre("a"));
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  EXPECT_THAT(Ids(*index, "sparse"), ::testing::UnorderedElementsAre("a", "b"));
}

TEST_F(KeywordIndexTest, RebuildReplacesTheIndexAndItsFiles) {
  testing::IngestFixture(*catalogue_);
  auto index = OpenIndex();
  ASSERT_TRUE(index->CatchUp(*catalogue_, false).ok());
  auto before = Ids(*index, "supersymmetry");
  ASSERT_TRUE(index->Rebuild(*catalogue_, false).ok());
  EXPECT_EQ(Ids(*index, "supersymmetry"), before);
  EXPECT_EQ(index->Stats().segments, 1);
  int files = 0;
  for (const auto& e : fs::directory_iterator(index_dir())) files += e.path().filename().string().rfind("seg-", 0) == 0;
  EXPECT_EQ(files, 1) << "the old segment is deleted once the new manifest is durable";
}

}  // namespace
}  // namespace paperfeed::search

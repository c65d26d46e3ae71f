// The semantic half through the search service: training on the catalogue, similar papers,
// persistence, incremental catch-up, repair of a torn journal, filters.
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <fstream>

#include "search/search_service.hpp"
#include "search/semantic_hook.hpp"
#include "semantic_fixture.hpp"
#include "test_support.hpp"

namespace paperfeed::search {
namespace {

namespace fs = std::filesystem;

class SemanticSearchTest : public testing::CatalogueTest {
 protected:
  void SetUp() override {
    CatalogueTest::SetUp();
    papers_ = testing::FixturePapers();
    // A near-duplicate of paper 42: the same abstract with its sentences' order changed a bit
    // and a reworded title, as a later version or a workshop copy would be.
    twin_ = papers_[42];
    twin_.id = "9901.00001";
    twin_.title = "On " + papers_[42].title;
    twin_.abstract = papers_[42].abstract + " We also discuss extensions.";
    for (const auto& p : papers_) ASSERT_TRUE(catalogue_->UpsertPaper(p).ok());
    ASSERT_TRUE(catalogue_->UpsertPaper(twin_).ok());
  }
  std::unique_ptr<SearchService> Open() {
    auto service = OpenSearchService(*catalogue_, index_dir());
    EXPECT_TRUE(service.ok()) << service.error().message;
    return std::move(service.value());
  }
  std::string index_dir() const { return dir_.File("index"); }
  std::vector<std::string> Ids(const SearchResults& r) {
    std::vector<std::string> ids;
    for (const auto& h : r.hits) ids.push_back(h.paper_id);
    return ids;
  }
  std::vector<core::Paper> papers_;
  core::Paper twin_;
};

// Issue 10, item 2: the index sync retrained the embedder holding the search lock exclusively, and
// every search waited for it (85 s on the demo database). Here a retrain is held at the point
// where its new generation is complete (SemanticOptions::on_maintenance_stage); searches in every
// mode and similar-paper look-ups must complete while it is held, and after the swap they answer
// from the new generation. No sleeps: the hook waits for the searching thread to say it is done,
// with a timeout only so that the bug fails the test instead of hanging it.
TEST_F(SemanticSearchTest, SearchesCompleteWhileARetrainIsInProgress) {
  std::mutex mutex;
  std::condition_variable changed;
  bool armed = false, held = false, searched = false, holding = true;
  SemanticOptions semantic;
  semantic.on_maintenance_stage = [&](std::string_view stage) {
    if (stage != "semantic-built") return;
    std::unique_lock lock(mutex);
    if (!armed || !holding) return;  // the first training, inside OpenSearchService, goes through
    held = true;
    changed.notify_all();
    changed.wait_for(lock, std::chrono::seconds(60), [&] { return searched; });
  };
  auto opened = OpenSearchService(*catalogue_, index_dir(), true, semantic);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto service = std::move(opened.value());
  {
    std::lock_guard lock(mutex);
    armed = true;
  }
  auto retrain = std::async(std::launch::async, [&] { return service->Rebuild(false); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(60), [&] { return held; })) << "the retrain never ran";
  }
  // The retrain is held now, its next generation built beside the serving one.
  auto searches = std::async(std::launch::async, [&] {
    int answered = 0;
    for (auto mode : {SearchMode::kKeyword, SearchMode::kSemantic, SearchMode::kHybrid}) {
      SearchOptions options;
      options.mode = mode;
      auto r = service->Search(papers_[42].title, options);
      if (r.ok() && !r->hits.empty()) ++answered;
    }
    auto similar = service->Similar(papers_[42].id, 5);
    if (similar.ok() && !similar->empty()) ++answered;
    std::lock_guard lock(mutex);
    searched = true;
    changed.notify_all();
    return answered;
  });
  bool completed_while_held;
  {
    std::unique_lock lock(mutex);
    completed_while_held = changed.wait_for(lock, std::chrono::seconds(60), [&] { return searched; });
    holding = false;
  }
  EXPECT_TRUE(completed_while_held) << "a search waited for the retrain";
  EXPECT_EQ(searches.get(), 4);
  auto rebuilt = retrain.get();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().message;
  auto similar = service->Similar(papers_[42].id, 5);
  ASSERT_TRUE(similar.ok());
  ASSERT_FALSE(similar->empty());
  EXPECT_EQ((*similar)[0].paper_id, twin_.id);
}

// The ingest half of issue 10, item 2: a catch-up after an ingest is held after the keyword index
// swapped in the new papers and before the semantic catch-up embeds them; searches complete
// meanwhile, and keyword search already finds a new paper.
TEST_F(SemanticSearchTest, SearchesCompleteWhileACatchUpAfterAnIngestIsInProgress) {
  std::mutex mutex;
  std::condition_variable changed;
  bool armed = false, held = false, searched = false;
  SemanticOptions semantic;
  semantic.on_maintenance_stage = [&](std::string_view stage) {
    if (stage != "keyword-caught-up") return;
    std::unique_lock lock(mutex);
    if (!armed) return;
    held = true;
    changed.notify_all();
    changed.wait_for(lock, std::chrono::seconds(60), [&] { return searched; });
  };
  auto opened = OpenSearchService(*catalogue_, index_dir(), true, semantic);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto service = std::move(opened.value());
  core::Paper fresh = papers_[7];
  fresh.id = "9902.00002";
  fresh.title = "Zymurgical quasicrystals for fermentation";
  ASSERT_TRUE(catalogue_->UpsertPaper(fresh).ok());
  {
    std::lock_guard lock(mutex);
    armed = true;
  }
  auto catch_up = std::async(std::launch::async, [&] { return service->CatchUp(); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(60), [&] { return held; })) << "the catch-up never ran";
  }
  auto searches = std::async(std::launch::async, [&] {
    std::vector<std::string> firsts;
    for (auto mode : {SearchMode::kKeyword, SearchMode::kHybrid}) {
      SearchOptions options;
      options.mode = mode;
      auto r = service->Search("zymurgical quasicrystals", options);
      firsts.push_back(r.ok() && !r->hits.empty() ? r->hits[0].paper_id : "");
    }
    std::lock_guard lock(mutex);
    searched = true;
    changed.notify_all();
    return firsts;
  });
  bool completed_while_held;
  {
    std::unique_lock lock(mutex);
    completed_while_held = changed.wait_for(lock, std::chrono::seconds(60), [&] { return searched; });
  }
  EXPECT_TRUE(completed_while_held) << "a search waited for the catch-up";
  auto firsts = searches.get();
  EXPECT_EQ(firsts[0], fresh.id);   // keyword search sees the swapped-in update
  EXPECT_NE(firsts[1], "");         // hybrid answers (its vectors catch up next)
  auto caught_up = catch_up.get();
  ASSERT_TRUE(caught_up.ok()) << caught_up.error().message;
  EXPECT_EQ(caught_up.value(), 1);
}

TEST_F(SemanticSearchTest, SimilarReturnsTheNearDuplicateFirst) {
  auto service = Open();
  auto similar = service->Similar(papers_[42].id, 5);
  ASSERT_TRUE(similar.ok()) << similar.error().message;
  ASSERT_FALSE(similar->empty());
  EXPECT_EQ((*similar)[0].paper_id, twin_.id);
  for (const auto& h : *similar) EXPECT_NE(h.paper_id, papers_[42].id);
}

TEST_F(SemanticSearchTest, SemanticAndHybridModesFindThePaperFromItsTitle) {
  auto service = Open();
  for (auto mode : {SearchMode::kSemantic, SearchMode::kHybrid}) {
    SearchOptions options;
    options.mode = mode;
    options.limit = 3;
    auto r = service->Search(papers_[7].title, options);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->mode_used, mode);
    ASSERT_FALSE(r->hits.empty());
    EXPECT_EQ(r->hits[0].paper_id, papers_[7].id) << SearchModeName(mode);
  }
}

// Hybrid search hands the keyword ranking to the semantic search as feedback: its first papers
// pull the query vector towards them (Rocchio). Without the feedback the ranks do not move.
TEST_F(SemanticSearchTest, KeywordFeedbackPullsTheQueryVectorTowardsTheFirstHits) {
  Open();  // trains and builds the index
  auto keyword = KeywordIndex::Open(index_dir());
  ASSERT_TRUE(keyword.ok());
  auto backend = MakeSemanticBackend(index_dir(), *catalogue_, *keyword.value());
  ASSERT_TRUE(backend.ok());
  auto stored = catalogue_->FindPaper(papers_[42].id);
  ASSERT_TRUE(stored.ok() && stored.value());
  const int64_t fed_doc = stored.value()->doc_id;
  const std::string text = papers_[7].title;
  auto rank_of = [&](const SemanticHits& hits) {
    for (size_t i = 0; i < hits.docs.size(); ++i)
      if (hits.docs[i].doc_id == fed_doc) return static_cast<int>(i);
    return static_cast<int>(hits.docs.size());
  };
  auto plain = backend.value()->Search(text, ParseQuery(text), 50);
  auto fed = backend.value()->Search(text, ParseQuery(text), 50, {{fed_doc, 9.0}});
  ASSERT_TRUE(plain.ok() && fed.ok());
  ASSERT_FALSE(plain->query_vector.empty());
  EXPECT_NE(plain->query_vector, fed->query_vector);
  EXPECT_LT(rank_of(*fed), rank_of(*plain)) << "the fed-back paper moves up";
  EXPECT_LE(rank_of(*fed), 2);
}

// The feedback's knobs come from SemanticOptions (the configuration's [search] keys): with no
// feedback documents, or a zero weight, the query vector stays the query's own.
TEST_F(SemanticSearchTest, FeedbackFollowsTheSearchOptions) {
  Open();  // trains and builds the index
  auto keyword = KeywordIndex::Open(index_dir());
  ASSERT_TRUE(keyword.ok());
  auto stored = catalogue_->FindPaper(papers_[42].id);
  ASSERT_TRUE(stored.ok() && stored.value());
  const std::vector<ScoredDoc> feedback = {{stored.value()->doc_id, 9.0}};
  const std::string text = papers_[7].title;
  auto query_vector = [&](const SemanticOptions& options, const std::vector<ScoredDoc>& fed) {
    auto backend = MakeSemanticBackend(index_dir(), *catalogue_, *keyword.value(), options);
    EXPECT_TRUE(backend.ok());
    auto hits = backend.value()->Search(text, ParseQuery(text), 20, fed);
    EXPECT_TRUE(hits.ok());
    return hits->query_vector;
  };
  const auto plain = query_vector({}, {});
  ASSERT_FALSE(plain.empty());
  EXPECT_NE(query_vector({}, feedback), plain);  // the defaults feed back 3 documents
  SemanticOptions no_docs;
  no_docs.prf_docs = 0;
  EXPECT_EQ(query_vector(no_docs, feedback), plain);
  SemanticOptions no_weight;
  no_weight.prf_weight = 0;
  EXPECT_EQ(query_vector(no_weight, feedback), plain);
}

TEST_F(SemanticSearchTest, IndexSurvivesAReopenWithoutRetraining) {
  std::vector<std::string> before;
  {
    auto service = Open();
    SearchOptions options;
    options.mode = SearchMode::kSemantic;
    before = Ids(*service->Search(papers_[11].title, options));
  }
  const std::string current = testing::ReadFile(index_dir() + "/semantic/CURRENT");
  ASSERT_FALSE(current.empty());
  auto service = Open();
  EXPECT_EQ(testing::ReadFile(index_dir() + "/semantic/CURRENT"), current);  // no new generation
  SearchOptions options;
  options.mode = SearchMode::kSemantic;
  EXPECT_EQ(Ids(*service->Search(papers_[11].title, options)), before);
}

TEST_F(SemanticSearchTest, CatchUpEmbedsNewPapersWithTheTrainedModel) {
  auto service = Open();
  const std::string current = testing::ReadFile(index_dir() + "/semantic/CURRENT");
  core::Paper fresh = papers_[100];
  fresh.id = "9901.00002";
  fresh.title = "Revisited: " + papers_[100].title;
  ASSERT_TRUE(catalogue_->UpsertPaper(fresh).ok());
  ASSERT_TRUE(service->CatchUp().ok());
  EXPECT_EQ(testing::ReadFile(index_dir() + "/semantic/CURRENT"), current);  // no retraining
  auto similar = service->Similar(fresh.id, 3);
  ASSERT_TRUE(similar.ok());
  ASSERT_FALSE(similar->empty());
  EXPECT_EQ((*similar)[0].paper_id, papers_[100].id);
  // And it survives a restart through the journal.
  service.reset();
  service = Open();
  similar = service->Similar(fresh.id, 3);
  ASSERT_TRUE(similar.ok());
  ASSERT_FALSE(similar->empty());
  EXPECT_EQ((*similar)[0].paper_id, papers_[100].id);
}

TEST_F(SemanticSearchTest, ATornJournalIsCutAtItsLastWholeRecord) {
  {
    auto service = Open();
    core::Paper fresh = papers_[5];
    fresh.id = "9901.00003";
    ASSERT_TRUE(catalogue_->UpsertPaper(fresh).ok());
    ASSERT_TRUE(service->CatchUp().ok());
  }
  std::string gen = testing::ReadFile(index_dir() + "/semantic/CURRENT");
  gen.pop_back();
  const std::string journal = index_dir() + "/semantic/" + gen + "/journal";
  const auto whole = fs::file_size(journal);
  ASSERT_GT(whole, 0u);
  { std::ofstream(journal, std::ios::app | std::ios::binary) << "A\x01\x02 torn"; }
  auto service = Open();
  EXPECT_EQ(fs::file_size(journal), whole);
  auto similar = service->Similar("9901.00003", 3);
  ASSERT_TRUE(similar.ok());
  ASSERT_FALSE(similar->empty());
  EXPECT_EQ((*similar)[0].paper_id, papers_[5].id);
}

TEST_F(SemanticSearchTest, ADamagedModelIsRebuiltOnOpen) {
  { auto service = Open(); }
  std::string gen = testing::ReadFile(index_dir() + "/semantic/CURRENT");
  gen.pop_back();
  { std::ofstream(index_dir() + "/semantic/" + gen + "/model.bin", std::ios::binary | std::ios::trunc) << "garbage"; }
  auto service = Open();
  auto similar = service->Similar(papers_[42].id, 1);
  ASSERT_TRUE(similar.ok());
  ASSERT_EQ(similar->size(), 1u);
  EXPECT_EQ((*similar)[0].paper_id, twin_.id);
}

TEST_F(SemanticSearchTest, CategoryFilterHoldsInSemanticMode) {
  auto service = Open();
  SearchOptions options;
  options.mode = SearchMode::kSemantic;
  options.limit = 20;
  options.category = "hep-ph";
  auto r = service->Search(papers_[0].title, options);
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(r->hits.empty());
  for (const auto& h : r->hits) {
    bool in = false;
    for (const auto& p : papers_)
      if (p.id == h.paper_id)
        for (const auto& c : p.categories) in = in || c == "hep-ph";
    EXPECT_TRUE(in) << h.paper_id;
  }
}

TEST_F(SemanticSearchTest, RebuildRetrainsIntoANewGeneration) {
  auto service = Open();
  const std::string before = testing::ReadFile(index_dir() + "/semantic/CURRENT");
  ASSERT_TRUE(service->Rebuild(false).ok());
  const std::string after = testing::ReadFile(index_dir() + "/semantic/CURRENT");
  EXPECT_NE(after, before);
  std::string old = before;
  old.pop_back();
  EXPECT_FALSE(fs::exists(index_dir() + "/semantic/" + old));
  auto similar = service->Similar(papers_[42].id, 1);
  ASSERT_TRUE(similar.ok());
  EXPECT_EQ((*similar)[0].paper_id, twin_.id);
}

}  // namespace
}  // namespace paperfeed::search

#include "store/catalogue.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace paperfeed::store {
namespace {

using testing::CatalogueTest;

core::Paper MakePaper(const std::string& id, int version, const std::string& title) {
  core::Paper p;
  p.id = id;
  p.latest_version = version;
  for (int v = 1; v <= version; ++v) p.versions.push_back({v, "2025-01-0" + std::to_string(v) + "T00:00:00Z"});
  p.title = title;
  p.abstract = "An abstract.";
  p.authors = {"Ada Lovelace", "Alan Turing"};
  p.primary_category = "cs.LG";
  p.categories = {"cs.LG", "stat.ML"};
  p.published = "2025-01-01T00:00:00Z";
  p.updated = p.versions.empty() ? p.published : p.versions.back().created;
  return p;
}

using CatalogueUpsertTest = CatalogueTest;

TEST_F(CatalogueUpsertTest, InsertsThenReportsIdenticalDataUnchanged) {
  auto paper = MakePaper("2501.00001", 1, "Title");
  EXPECT_EQ(catalogue_->UpsertPaper(paper).value(), UpsertOutcome::kInserted);
  EXPECT_EQ(catalogue_->UpsertPaper(paper).value(), UpsertOutcome::kUnchanged);
  EXPECT_EQ(catalogue_->Stats()->papers, 1);
}

TEST_F(CatalogueUpsertTest, NewerVersionReplacesOlderAndOlderNeverOverwritesNewer) {
  ASSERT_EQ(catalogue_->UpsertPaper(MakePaper("2501.00001", 1, "Old title")).value(), UpsertOutcome::kInserted);
  EXPECT_EQ(catalogue_->UpsertPaper(MakePaper("2501.00001", 2, "New title")).value(), UpsertOutcome::kUpdated);
  EXPECT_EQ(catalogue_->UpsertPaper(MakePaper("2501.00001", 1, "Old title")).value(), UpsertOutcome::kUnchanged);
  auto stored = catalogue_->FindPaper("2501.00001").value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->paper.title, "New title");
  EXPECT_EQ(stored->paper.latest_version, 2);
  ASSERT_EQ(stored->paper.versions.size(), 2u);
  EXPECT_EQ(stored->paper.versions[1].created, "2025-01-02T00:00:00Z");
}

TEST_F(CatalogueUpsertTest, HuggingFaceAddsCodeLinksButNeverReplacesArxivMetadata) {
  ASSERT_TRUE(catalogue_->UpsertPaper(MakePaper("2501.00001", 1, "arXiv title")).ok());
  auto hf = MakePaper("2501.00001", 0, "HF title");
  hf.versions.clear();
  hf.source = core::MetadataSource::kHuggingFace;
  hf.github_repo = "https://github.com/a/b";
  hf.github_stars = 42;
  EXPECT_EQ(catalogue_->UpsertPaper(hf).value(), UpsertOutcome::kUpdated);
  EXPECT_EQ(catalogue_->UpsertPaper(hf).value(), UpsertOutcome::kUnchanged);
  auto stored = catalogue_->FindPaper("2501.00001").value();
  EXPECT_EQ(stored->paper.title, "arXiv title");
  EXPECT_EQ(stored->paper.github_repo.value_or(""), "https://github.com/a/b");
  EXPECT_EQ(stored->paper.github_stars.value_or(0), 42);
}

TEST_F(CatalogueUpsertTest, ArxivMetadataReplacesHuggingFaceMetadataAndKeepsLinks) {
  auto hf = MakePaper("2501.00001", 0, "HF title");
  hf.source = core::MetadataSource::kHuggingFace;
  hf.github_repo = "https://github.com/a/b";
  ASSERT_EQ(catalogue_->UpsertPaper(hf).value(), UpsertOutcome::kInserted);
  EXPECT_EQ(catalogue_->UpsertPaper(MakePaper("2501.00001", 1, "arXiv title")).value(), UpsertOutcome::kUpdated);
  auto stored = catalogue_->FindPaper("2501.00001").value();
  EXPECT_EQ(stored->paper.title, "arXiv title");
  EXPECT_EQ(stored->paper.source, core::MetadataSource::kArxiv);
  EXPECT_EQ(stored->paper.github_repo.value_or(""), "https://github.com/a/b");
}

TEST_F(CatalogueUpsertTest, DailyEntryUpvotesOnlyGrow) {
  ASSERT_TRUE(catalogue_->UpsertPaper(MakePaper("2501.00001", 1, "T")).ok());
  core::DailyEntry e{"2501.00001", "2025-01-02", "ak", "AK", 10, 1};
  EXPECT_EQ(catalogue_->UpsertDailyEntry(e).value(), UpsertOutcome::kInserted);
  e.upvotes = 5;
  EXPECT_EQ(catalogue_->UpsertDailyEntry(e).value(), UpsertOutcome::kUnchanged);
  e.upvotes = 12;
  EXPECT_EQ(catalogue_->UpsertDailyEntry(e).value(), UpsertOutcome::kUpdated);
  auto stats = catalogue_->Stats().value();
  EXPECT_EQ(stats.daily_entries, 1);
  EXPECT_EQ(stats.upvotes, 12);
}

TEST_F(CatalogueUpsertTest, DailyEntryForUnknownPaperIsRejected) {
  core::DailyEntry e{"2501.99999", "2025-01-02", "ak", "AK", 10, 1};
  EXPECT_FALSE(catalogue_->UpsertDailyEntry(e).ok());
}

TEST_F(CatalogueUpsertTest, ChangeSequenceListsChangedPapersInOrder) {
  ASSERT_TRUE(catalogue_->UpsertPaper(MakePaper("2501.00001", 1, "A")).ok());
  ASSERT_TRUE(catalogue_->UpsertPaper(MakePaper("2501.00002", 1, "B")).ok());
  auto first = catalogue_->PapersChangedSince(0, 10).value();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_TRUE(catalogue_->UpsertPaper(MakePaper("2501.00001", 2, "A2")).ok());
  auto later = catalogue_->PapersChangedSince(first.back().change_seq, 10).value();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].paper.id, "2501.00001");
  EXPECT_EQ(later[0].doc_id, first[0].doc_id);
}

TEST_F(CatalogueUpsertTest, HarvestStateRoundTrips) {
  HarvestState s{"oai:cs", std::string("2025-01-02"), std::string("token|1001")};
  ASSERT_TRUE(catalogue_->SaveHarvestState(s).ok());
  auto loaded = catalogue_->LoadHarvestState("oai:cs").value();
  EXPECT_EQ(loaded.last_datestamp.value_or(""), "2025-01-02");
  EXPECT_EQ(loaded.resumption_token.value_or(""), "token|1001");
  EXPECT_FALSE(catalogue_->LoadHarvestState("oai:math").value().last_datestamp.has_value());
}

TEST_F(CatalogueUpsertTest, ReopeningAppliesNoMigrationTwice) {
  catalogue_.reset();
  auto reopened = OpenSqliteCatalogue(db_path());
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
}

}  // namespace
}  // namespace paperfeed::store

#include "store/catalogue.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/hf_details.hpp"
#include "store/migrations.hpp"
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

// The two schemas evolve together: every migration has its PostgreSQL twin, same number and name.
TEST(MigrationsTest, EverySqliteMigrationHasItsPostgresTwin) {
  const auto& sqlite = AllMigrations();
  const auto& postgres = PostgresMigrations();
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, postgres[i].version);
    EXPECT_EQ(sqlite[i].name, postgres[i].name);
  }
}

// Two copies of one Hugging Face paper as two archive files could hold them: each has something
// the other lacks, and both have a different AI summary.
std::vector<core::Paper> HfCopies() {
  core::Paper a = MakePaper("2512.15716", 0, "Spatia");
  a.source = core::MetadataSource::kHuggingFace;
  a.hf.ai_summary = "A short summary.";
  a.hf.thumbnail = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2512.15716.png";
  a.hf.authors = {{"Ada Lovelace", "id-ada", false, std::nullopt}};
  core::Paper b = a;
  b.hf.ai_summary = "A longer, regenerated summary.";
  b.hf.thumbnail.clear();
  b.hf.ai_keywords = {"spatial memory"};
  b.hf.organization = core::HfOrganization{"org-1", "Sydney-Uni", "The University of Sydney", ""};
  b.hf.authors = {{"Ada Lovelace", "id-ada", false, core::HfUser{"u1", "ada", "Ada", "/avatars/a.svg", "user", true}}};
  core::Paper c = a;
  c.hf = core::HfPaperDetails{};  // an arXiv-era copy with none of it
  return {a, b, c};
}

TEST_F(CatalogueUpsertTest, HuggingFaceDetailsMergeTheSameInEveryOrder) {
  auto copies = HfCopies();
  std::vector<size_t> order = {0, 1, 2};
  std::optional<std::string> first_result;
  do {
    testing::TempDir dir;
    testing::TestDatabase db(dir, "c.db");
    auto catalogue = OpenCatalogue(db.location());
    ASSERT_TRUE(catalogue.ok());
    for (size_t i : order) ASSERT_TRUE(catalogue.value()->UpsertPaper(copies[i]).ok());
    auto found = catalogue.value()->FindPaper("2512.15716");
    ASSERT_TRUE(found.ok() && found->has_value());
    const core::HfPaperDetails& hf = (*found)->paper.hf;
    // Every field from whichever copy had it; of two summaries, the same one whatever the order.
    EXPECT_EQ(hf.ai_summary, "A longer, regenerated summary.");
    EXPECT_EQ(hf.thumbnail, copies[0].hf.thumbnail);
    EXPECT_EQ(hf.ai_keywords, std::vector<std::string>{"spatial memory"});
    ASSERT_TRUE(hf.organization.has_value());
    EXPECT_EQ(hf.organization->name, "Sydney-Uni");
    ASSERT_EQ(hf.authors.size(), 1u);
    ASSERT_TRUE(hf.authors[0].user.has_value());
    EXPECT_EQ(hf.authors[0].user->is_pro, true);
    std::string state = hf.ai_summary + "|" + hf.thumbnail + "|" + hf.organization->name + "|" + hf.authors[0].user->user;
    if (!first_result) first_result = state;
    EXPECT_EQ(state, *first_result);
    // Importing any copy again changes nothing.
    for (const auto& copy : copies) {
      auto again = catalogue.value()->UpsertPaper(copy);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again.value(), UpsertOutcome::kUnchanged);
    }
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_F(CatalogueUpsertTest, NewHuggingFaceDetailsOnAnUnchangedPaperCountAsAnUpdate) {
  auto copies = HfCopies();
  ASSERT_TRUE(catalogue_->UpsertPaper(copies[2]).ok());
  auto added = catalogue_->UpsertPaper(copies[1]);
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added.value(), UpsertOutcome::kUpdated);
}

TEST_F(CatalogueUpsertTest, SubmitterDetailsMergeTheSameInEveryOrder) {
  ASSERT_TRUE(catalogue_->UpsertPaper(MakePaper("2512.15716", 1, "Spatia")).ok());
  core::DailyEntry with_avatar{"2512.15716", "2025-12-26", "Jinjing713", "Jinjing Zhao", 8, 1};
  with_avatar.submitter = {"64f8", "Jinjing713", "Jinjing Zhao", "/avatars/c855.svg", "user", std::nullopt};
  core::DailyEntry with_pro = with_avatar;
  with_pro.submitter.avatar_url.clear();
  with_pro.submitter.is_pro = false;
  ASSERT_TRUE(catalogue_->UpsertDailyEntry(with_pro).ok());
  auto second = catalogue_->UpsertDailyEntry(with_avatar);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value(), UpsertOutcome::kUpdated);
  auto entries = catalogue_->DailyEntriesForPaper("2512.15716");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  const core::HfUser& by = (*entries)[0].submitter;
  EXPECT_EQ(by.id, "64f8");
  EXPECT_EQ(by.avatar_url, "/avatars/c855.svg");
  EXPECT_EQ(by.is_pro, false);
  EXPECT_EQ(by.type, "user");
  EXPECT_EQ(catalogue_->UpsertDailyEntry(with_pro).value(), UpsertOutcome::kUnchanged);
  EXPECT_EQ(catalogue_->UpsertDailyEntry(with_avatar).value(), UpsertOutcome::kUnchanged);
}

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
  auto reopened = OpenCatalogue(db_path());
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
}

}  // namespace
}  // namespace paperfeed::store

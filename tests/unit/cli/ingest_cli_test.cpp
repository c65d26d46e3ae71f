// End-to-end tests of the catalogue verbs through the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {
namespace {

using nlohmann::json;

class IngestCliTest : public ::testing::Test {
 protected:
  const std::string& db() const { return db_.location(); }
  TempDir dir_;
  paperfeed::testing::TestDatabase db_{dir_, "cli.db"};
};

TEST_F(IngestCliTest, JsonSummaryHasTheContractFields) {
  auto r = RunPaperfeed({"--db", db(), "ingest", "--json", Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl")});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto summary = json::parse(r.out);
  EXPECT_EQ(summary["read"], 200);
  EXPECT_EQ(summary["inserted"], 200);
  EXPECT_EQ(summary["updated"], 0);
  EXPECT_EQ(summary["unchanged"], 0);
  EXPECT_EQ(summary["rejected"], 0);
  EXPECT_TRUE(summary["errors"].is_array());
}

TEST_F(IngestCliTest, SecondIdenticalIngestSaysUnchanged) {
  const auto fixture = Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl");
  ASSERT_EQ(RunPaperfeed({"--db", db(), "ingest", fixture}).exit_code, 0);
  auto r = RunPaperfeed({"--db", db(), "ingest", fixture});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("unchanged 200"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unchanged: the catalogue already holds all of it"), std::string::npos) << r.out;
}

TEST_F(IngestCliTest, RejectsMakeTheExitCodeNonZeroUnlessAllowed) {
  auto bad = dir_.Write("bad.jsonl", "{\"id\": \"2501.00001\"}\nnot json\n");
  auto r = RunPaperfeed({"--db", db(), "ingest", "--json", bad});
  EXPECT_NE(r.exit_code, 0);
  auto summary = json::parse(r.out);
  EXPECT_EQ(summary["rejected"], 2);
  ASSERT_EQ(summary["errors"].size(), 2u);
  EXPECT_EQ(summary["errors"][0]["source"], bad);
  EXPECT_EQ(summary["errors"][0]["location"], "line 1");
  EXPECT_EQ(summary["errors"][1]["location"], "line 2");
  EXPECT_EQ(RunPaperfeed({"--db", db(), "ingest", "--allow-rejects", bad}).exit_code, 0);
}

TEST_F(IngestCliTest, StatsAndShowDescribeTheCatalogue) {
  ASSERT_EQ(RunPaperfeed({"--db", db(), "ingest", Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl")}).exit_code, 0);
  auto stats = json::parse(RunPaperfeed({"--db", db(), "stats", "--json"}).out);
  EXPECT_EQ(stats["papers"], 200);
  EXPECT_EQ(stats["daily_entries"], 0);
  EXPECT_EQ(stats["upvotes"], 0);
  auto shown = RunPaperfeed({"--db", db(), "show", "0704.0001v2", "--json"});
  ASSERT_EQ(shown.exit_code, 0);
  auto paper = json::parse(shown.out);
  EXPECT_EQ(paper["id"], "0704.0001");
  EXPECT_EQ(paper["title"], "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies");
  EXPECT_EQ(paper["authors"][0]["name"], "C. Balázs");
  EXPECT_EQ(paper["publishedAt"], "2007-04-02T19:18:42Z");
  EXPECT_EQ(paper["categories"][0], "hep-ph");
  EXPECT_EQ(paper["versions"].size(), 2u);
  EXPECT_TRUE(paper.contains("githubRepo"));
  EXPECT_TRUE(paper.contains("upvotes"));
}

TEST_F(IngestCliTest, ShowOfAnUnknownPaperSaysWhatToDo) {
  ASSERT_EQ(RunPaperfeed({"--db", db(), "stats"}).exit_code, 0);
  auto r = RunPaperfeed({"--db", db(), "show", "2501.99999"}, /*keep_stderr=*/true);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("not in the catalogue"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace paperfeed::testing

namespace paperfeed::testing {
namespace {

TEST(IngestCliHfTest, ReprSavedDayIsRejectedByNameUnlessSalvaged) {
  TempDir dir;
  TestDatabase a(dir, "a.db"), b(dir, "b.db");
  const auto day = Fixture("hf/archive/2024-12-11.json");
  auto rejected = RunPaperfeed({"--db", a.location(), "ingest", "--json", day});
  EXPECT_EQ(rejected.exit_code, 3);
  auto summary = nlohmann::json::parse(rejected.out);
  ASSERT_EQ(summary["errors"].size(), 1u);
  EXPECT_EQ(summary["errors"][0]["source"], day);
  EXPECT_NE(summary["errors"][0]["reason"].get<std::string>().find("repr"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(RunPaperfeed({"--db", a.location(), "stats", "--json"}).out)["papers"], 0);

  auto salvaged = RunPaperfeed({"--db", b.location(), "ingest", "--json", "--salvage-python-repr", day});
  EXPECT_EQ(salvaged.exit_code, 0) << salvaged.out;
  auto salvaged_summary = nlohmann::json::parse(salvaged.out);
  EXPECT_EQ(salvaged_summary["rejected"], 0);
  EXPECT_GT(salvaged_summary["inserted"].get<int>(), 0);
}

}  // namespace
}  // namespace paperfeed::testing

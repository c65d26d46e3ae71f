#include "ingest/ingester.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

using IngesterTest = testing::CatalogueTest;

IngestOptions Quiet() {
  IngestOptions o;
  o.progress = false;
  o.batch_size = 37;  // several batches even for small inputs
  return o;
}

TEST_F(IngesterTest, IngestsTheBulkFixtureAndReportsASecondRunUnchanged) {
  const auto fixture = testing::Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl");
  {
    Ingester ingester(*catalogue_, Quiet());
    ASSERT_TRUE(ingester.IngestPaths({fixture}).ok());
    EXPECT_EQ(ingester.summary().read, 200);
    EXPECT_EQ(ingester.summary().inserted, 200);
    EXPECT_EQ(ingester.summary().rejected, 0);
  }
  Ingester again(*catalogue_, Quiet());
  ASSERT_TRUE(again.IngestPaths({fixture}).ok());
  EXPECT_EQ(again.summary().unchanged, 200);
  EXPECT_EQ(again.summary().inserted + again.summary().updated, 0);
  EXPECT_EQ(catalogue_->Stats()->papers, 200);
}

TEST_F(IngesterTest, RejectsBadLinesByLineNumberAndKeepsTheRest) {
  const std::string good =
      R"({"id":"2501.00001","title":"Good","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 6 Jan 2025 00:00:00 GMT"}]})";
  const std::string good2 =
      R"({"id":"2501.00002","title":"Good too","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 6 Jan 2025 00:00:00 GMT"}]})";
  auto path = dir_.Write("mixed.jsonl", good + "\n{broken\n\n" + good2 + "\n");
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestPaths({path}).ok());
  const auto& s = ingester.summary();
  EXPECT_EQ(s.read, 3);
  EXPECT_EQ(s.inserted, 2);
  EXPECT_EQ(s.rejected, 1);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].source, path);
  EXPECT_EQ(s.errors[0].location, "line 2");
  EXPECT_EQ(catalogue_->Stats()->papers, 2);
}

TEST_F(IngesterTest, ReadsGzipFilesByContent) {
  const auto plain = testing::ReadFile(testing::Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"));
  const auto gz_path = dir_.File("dump.json.gz");
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  gzwrite(gz, plain.data(), static_cast<unsigned>(plain.size()));
  gzclose(gz);
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestPaths({gz_path}).ok());
  EXPECT_EQ(ingester.summary().inserted, 200);
}

TEST_F(IngesterTest, ReportsATruncatedGzipFileAndKeepsWhatCameBefore) {
  const auto plain = testing::ReadFile(testing::Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"));
  const auto gz_path = dir_.File("full.json.gz");
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  gzwrite(gz, plain.data(), static_cast<unsigned>(plain.size()));
  gzclose(gz);
  auto bytes = testing::ReadFile(gz_path);
  auto cut = dir_.Write("cut.json.gz", bytes.substr(0, bytes.size() / 2));
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestPaths({cut}).ok());
  EXPECT_GT(ingester.summary().inserted, 50);
  EXPECT_GE(ingester.summary().rejected, 1);
  bool named = false;
  for (const auto& e : ingester.summary().errors) named |= e.source == cut;
  EXPECT_TRUE(named);
}

TEST_F(IngesterTest, AMissingPathIsNamedAndTheOtherPathsAreStillRead) {
  Ingester ingester(*catalogue_, Quiet());
  const auto missing = dir_.File("nope.jsonl");
  auto r = ingester.IngestPaths({missing, testing::Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(ingester.summary().inserted, 200);
  EXPECT_EQ(ingester.summary().rejected, 1);
  ASSERT_EQ(ingester.summary().errors.size(), 1u);
  EXPECT_EQ(ingester.summary().errors[0].source, missing);
  EXPECT_NE(ingester.summary().errors[0].reason.find("no such file or directory"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::ingest

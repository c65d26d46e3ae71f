// The search verbs through the real binary: search --json shape, index rebuild, eval-ir's JSON line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace paperfeed {
namespace {

std::string RunCli(const std::string& args, int* status = nullptr) {
  std::string cmd = std::string(PAPERFEED_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = pclose(pipe);
  if (status) *status = WEXITSTATUS(rc);
  return out;
}

class SearchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = database_.location();
    int status = -1;
    RunCli("--db '" + db_ + "' ingest " + testing::Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"), &status);
    ASSERT_EQ(status, 0);
  }
  testing::TempDir dir_;
  testing::TestDatabase database_{dir_, "p.db"};
  std::string db_;
};

TEST_F(SearchCliTest, PrintsAJsonArrayOfHitsBestFirst) {
  int status = -1;
  auto out = RunCli("--db '" + db_ + "' search --mode keyword --json --limit 3 'diphoton production Tevatron'", &status);
  ASSERT_EQ(status, 0) << out;
  auto hits = nlohmann::json::parse(out);
  ASSERT_TRUE(hits.is_array());
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0]["id"], "0704.0001");
  EXPECT_THAT(hits[0]["title"].template get<std::string>(), ::testing::HasSubstr("diphoton"));
  EXPECT_GE(hits[0]["score"].template get<double>(), hits[1]["score"].template get<double>());
  EXPECT_EQ(hits[0]["mode_used"], "keyword");
  EXPECT_TRUE(hits[0].contains("snippet"));
}

TEST_F(SearchCliTest, RebuildsTheIndexAndSearchesWithStraySyntax) {
  int status = -1;
  RunCli("--db '" + db_ + "' index rebuild --no-progress", &status);
  EXPECT_EQ(status, 0);
  auto out = RunCli("--db '" + db_ + "' search --mode keyword --json '\"unbalanced (quote: cat:'", &status);
  EXPECT_EQ(status, 0);
  EXPECT_TRUE(nlohmann::json::parse(out).is_array());
}

TEST(EvalIrCliTest, PrintsOneJsonLineWithTheThreeMetrics) {
  testing::TempDir dir;
  dir.Write("corpus.jsonl", "{\"_id\": \"d1\", \"title\": \"Bone density\", \"text\": \"Vitamin D and bones.\"}\n"
                            "{\"_id\": \"d2\", \"title\": \"Sleep\", \"text\": \"Caffeine and sleep.\"}\n");
  dir.Write("queries.jsonl", "{\"_id\": \"1\", \"text\": \"vitamin D bones\"}\n");
  dir.Write("qrels.tsv", "query-id\tcorpus-id\tscore\n1\td1\t1\n");
  int status = -1;
  auto out = RunCli("eval-ir " + dir.path().string() + " --mode keyword --run " + dir.File("r.trec"), &status);
  ASSERT_EQ(status, 0) << out;
  ASSERT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_DOUBLE_EQ(j["ndcg@10"].template get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["recall@100"].template get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["mrr@10"].template get<double>(), 1.0);
  EXPECT_TRUE(j["timings"].contains("index_s"));
}

}  // namespace
}  // namespace paperfeed

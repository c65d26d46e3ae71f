// eval-ir: the metrics against hand-computed values, and a whole run over a tiny BEIR directory.
#include "search/ir_eval.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace paperfeed::search {
namespace {

TEST(IrMetricsTest, ComputesGradedNdcgLikeTrecEval) {
  Judgements judged = {{"a", 2}, {"b", 1}, {"z", 0}};
  // Ranked b, x, a: DCG = 1/log2(2) + 2/log2(4) = 2; ideal a, b: 2/1 + 1/log2(3).
  const double expected = 2.0 / (2.0 + 1.0 / std::log2(3.0));
  EXPECT_NEAR(NdcgAt({"b", "x", "a"}, judged, 10), expected, 1e-12);
  EXPECT_DOUBLE_EQ(NdcgAt({"a", "b"}, judged, 10), 1.0);
  EXPECT_DOUBLE_EQ(NdcgAt({"z", "x"}, judged, 10), 0.0);
  EXPECT_DOUBLE_EQ(NdcgAt({"x", "a"}, judged, 1), 0.0) << "cut at k";
}

TEST(IrMetricsTest, ComputesRecallAndReciprocalRank) {
  Judgements judged = {{"a", 1}, {"b", 1}, {"z", 0}};
  EXPECT_DOUBLE_EQ(RecallAt({"x", "a", "z"}, judged, 100), 0.5);
  EXPECT_DOUBLE_EQ(RecallAt({"x", "a", "b"}, judged, 2), 0.5);
  EXPECT_DOUBLE_EQ(ReciprocalRankAt({"x", "z", "b"}, judged, 10), 1.0 / 3);
  EXPECT_DOUBLE_EQ(ReciprocalRankAt({"x", "z", "b"}, judged, 2), 0.0);
}

TEST(IrEvalTest, RunsATinyBeirDirectoryWithStringIds) {
  testing::TempDir dir;
  dir.Write("corpus.jsonl",
            "{\"_id\": \"doc-α/1\", \"title\": \"Vitamin D and bone density\", \"text\": \"Vitamin D supplements "
            "raise bone mineral density in older adults.\"}\n"
            "{\"_id\": \"42\", \"title\": \"Statins and muscle pain\", \"text\": \"Statin therapy causes myalgia "
            "in some patients.\"}\n"
            "{\"_id\": 7, \"title\": \"Coffee and sleep\", \"text\": \"Caffeine delays sleep onset.\"}\n");
  dir.Write("queries.jsonl",
            "{\"_id\": \"q1\", \"text\": \"Does vitamin D improve bone density?\"}\n"
            "{\"_id\": \"q2\", \"text\": \"statins -cause \\\"muscle pain\"}\n"
            "{\"_id\": \"q3\", \"text\": \"caffeine and sleep\"}\n"
            "{\"_id\": \"unjudged\", \"text\": \"anything\"}\n");
  dir.Write("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\tdoc-α/1\t1\nq2\t42\t2\nq3\t7\t1\nq3\t42\t0\n");
  IrEvalOptions options;
  options.dir = dir.path().string();
  options.run_path = dir.File("run.trec");
  auto report = RunIrEval(options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->docs, 3);
  EXPECT_EQ(report->queries, 3);
  EXPECT_DOUBLE_EQ(report->ndcg10, 1.0);
  EXPECT_DOUBLE_EQ(report->recall100, 1.0);
  EXPECT_DOUBLE_EQ(report->mrr10, 1.0);
  std::string run = testing::ReadFile(dir.File("run.trec"));
  EXPECT_EQ(run.rfind("q1 Q0 doc-α/1 1 ", 0), 0u) << run;
  EXPECT_NE(run.find("q3 Q0 7 1 "), std::string::npos) << run;
  EXPECT_NE(run.find(" paperfeed-keyword\n"), std::string::npos);
}

TEST(IrEvalTest, SaysWhichFileIsMissing) {
  testing::TempDir dir;
  dir.Write("corpus.jsonl", "");
  IrEvalOptions options;
  options.dir = dir.path().string();
  auto report = RunIrEval(options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("queries.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::search

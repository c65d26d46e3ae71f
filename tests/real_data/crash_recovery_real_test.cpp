// kill -9 during an ingest of the real 74,728-paper arXiv file ($PAPERFEED_REAL_DATA), then a rerun.
#include <gtest/gtest.h>

#include "kill_nine_ingest.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {
namespace {

TEST(RealDataCrashRecoveryTest, KillNineMidIngestOfTheArxivFileThenRerunGivesExactCounts) {
  ExpectKillNineThenRerunIsExact(RealData("arxiv/arxiv-listings-2025-2026.jsonl.gz"), 74728);
}

}  // namespace
}  // namespace paperfeed::testing

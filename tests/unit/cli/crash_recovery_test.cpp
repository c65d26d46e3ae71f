// kill -9 during an ingest leaves the catalogue consistent, and rerunning completes it exactly.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "kill_nine_ingest.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {
namespace {

// A bulk-dump file of `count` papers made from the 200 real records of the fixture, each copy
// under a fresh new-style id, so an ingest runs long enough (many batches) to be killed mid-run.
std::string WriteGeneratedBulkFile(const TempDir& dir, int count) {
  std::vector<nlohmann::json> records;
  std::ifstream in(Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) records.push_back(nlohmann::json::parse(line));
  }
  const auto path = dir.File("generated.jsonl");
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < count; ++i) {
    auto record = records[static_cast<size_t>(i) % records.size()];
    char id[16];
    std::snprintf(id, sizeof id, "2601.%05d", i + 1);
    record["id"] = id;
    out << record.dump() << '\n';
  }
  return path;
}

TEST(CrashRecoveryTest, KillNineMidIngestThenRerunGivesExactCounts) {
  TempDir dir;
  constexpr int kPapers = 30000;
  ExpectKillNineThenRerunIsExact(WriteGeneratedBulkFile(dir, kPapers), kPapers);
}

}  // namespace
}  // namespace paperfeed::testing

// Checks over the whole real Hugging Face archive ($PAPERFEED_REAL_DATA/hf-daily-papers, 580 days,
// 22 of them malformed): label real-data, registered only when PAPERFEED_REAL_DATA is set.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "golden.hpp"
#include "ingest/hf_python_repr.hpp"
#include "ingest/ingester.hpp"
#include "ingest/parsers.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

testing::CollectingSink Parse(std::string_view json, const std::string& source, bool salvage) {
  testing::CollectingSink sink;
  HfDailyOptions options;
  options.salvage_python_repr = salvage;
  ParseHfDaily(json, source, sink, options);
  return sink;
}

// The 22 days of the real archive that hold Python repr() strings (../shared/data/README.md).
const std::set<std::string> kReprDays = {
    "2024-12-11", "2024-12-12", "2024-12-13", "2024-12-16", "2024-12-17", "2024-12-18", "2024-12-19", "2024-12-20",
    "2024-12-23", "2024-12-24", "2024-12-25", "2024-12-26", "2024-12-27", "2024-12-30", "2024-12-31", "2025-01-02",
    "2025-01-03", "2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09", "2025-01-10"};


using HfDailyArchiveTest = testing::CatalogueTest;

// The whole real archive through the Ingester: every good day loads, each repr day gives exactly
// one message naming its file, and nothing from the bad days reaches the catalogue.
TEST_F(HfDailyArchiveTest, LoadsEveryGoodDayAndNamesEachBadFile) {
  IngestOptions options;
  options.progress = false;
  Ingester ingester(*catalogue_, options);
  const auto dir = testing::RealData("hf-daily-papers");
  ASSERT_TRUE(ingester.IngestPaths({dir}).ok());
  const auto& s = ingester.summary();
  EXPECT_EQ(s.inserted + s.updated + s.unchanged, 9581);
  EXPECT_EQ(s.rejected, 22);
  ASSERT_EQ(s.errors.size(), 22u);
  std::set<std::string> named;
  for (const auto& e : s.errors) {
    const auto day = std::filesystem::path(e.source).stem().string();
    named.insert(day);
    EXPECT_EQ(e.location, "") << e.source;
    EXPECT_NE(e.reason.find("Python repr() strings, not JSON objects"), std::string::npos) << e.reason;
  }
  EXPECT_EQ(named, kReprDays);
  auto stats = catalogue_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->papers, 9577);
  EXPECT_EQ(stats->daily_entries, 9581);
  EXPECT_EQ(stats->days, 558);
  // A paper listed only on a repr day is absent: no garbage and no half-records.
  auto only_on_bad_day = catalogue_->FindPaper("2412.13147");
  ASSERT_TRUE(only_on_bad_day.ok());
  EXPECT_FALSE(only_on_bad_day->has_value());
}

TEST(HfDailyArchiveSalvageTest, SalvagesEveryReprEntryOfTheRealArchive) {
  size_t files = 0, records = 0, errors = 0;
  std::map<std::string, std::string> days;
  for (const auto& day : kReprDays) {
    const auto path = testing::RealData("hf-daily-papers/" + day + ".json");
    auto sink = Parse(testing::ReadFile(path), path, true);
    ++files;
    records += sink.records.size();
    errors += sink.errors.size();
    for (const auto& e : sink.errors) ADD_FAILURE() << e.source << " " << e.location << ": " << e.reason;
    for (const auto& r : sink.records) EXPECT_EQ(r.daily->day, day);
  }
  EXPECT_EQ(files, 22u);
  EXPECT_EQ(records, 300u);  // what Python's ast.literal_eval reads from the same strings
  EXPECT_EQ(errors, 0u);
}

}  // namespace
}  // namespace paperfeed::ingest

#include "ingest/fetchers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <vector>

#include "support/replay_server.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

using std::chrono::milliseconds;
using testing::ReplayResponse;
using testing::ReplayServer;

const std::string kAtom = "atom/arxiv-api-response.atom.xml";  // 2510.14968 and 2510.14827
const std::string kAtomEmpty = "atom/arxiv-api-empty.atom.xml";

class FetchersTest : public testing::CatalogueTest {
 protected:
  HttpOptions Http() {
    HttpOptions o;
    o.connect_timeout = milliseconds(1000);
    o.total_timeout = milliseconds(3000);
    o.max_attempts = 2;
    o.sleep = [this](milliseconds d) { waits_.push_back(d); };
    return o;
  }
  ArxivFetchOptions ArxivOptions() {
    ArxivFetchOptions o;
    o.base_url = server_.Url("/api/query");
    o.http = Http();
    return o;
  }
  HfFetchOptions HfOptions() {
    HfFetchOptions o;
    o.base_url = server_.Url("/api/daily_papers");
    o.progress = false;
    o.http = Http();
    return o;
  }
  IngestOptions Quiet() {
    IngestOptions o;
    o.progress = false;
    return o;
  }
  ReplayServer server_;
  std::vector<milliseconds> waits_;
};

TEST_F(FetchersTest, FetchArxivAsksForAllIdsInOneRequestAndReportsUnknownOnes) {
  server_.On("/api/query", {}, {ReplayResponse::File(testing::Fixture(kAtom))});
  Ingester ingester(*catalogue_, Quiet());
  auto report = FetchArxivIds({"2510.14968v1", "arXiv:2510.14827", "2510.99999", "2510.14968"}, ingester, ArxivOptions());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->requests, 1);
  ASSERT_EQ(server_.request_count(), 1u);
  const auto request = server_.requests()[0];
  // Versions dropped (the newest comes back), duplicates asked once, max_results as many as asked.
  EXPECT_EQ(request.Param("id_list"), "2510.14968,2510.14827,2510.99999");
  EXPECT_EQ(request.Param("max_results"), "3");
  EXPECT_EQ(request.Header("User-Agent").rfind("paperfeed/", 0), 0u);
  EXPECT_TRUE(waits_.empty());
  EXPECT_EQ(report->found, (std::vector<std::string>{"2510.14968", "2510.14827"}));
  EXPECT_EQ(report->missing, (std::vector<std::string>{"2510.99999"}));
  EXPECT_EQ(ingester.summary().inserted, 2);
  EXPECT_EQ(catalogue_->Stats()->papers, 2);
}

TEST_F(FetchersTest, FetchArxivReportsEveryIdOfAnEmptyAnswerAsMissing) {
  server_.On("/api/query", {}, {ReplayResponse::File(testing::Fixture(kAtomEmpty))});
  Ingester ingester(*catalogue_, Quiet());
  auto report = FetchArxivIds({"2501.00001", "hep-th/9901001"}, ingester, ArxivOptions());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->found.empty());
  EXPECT_EQ(report->missing, (std::vector<std::string>{"2501.00001", "hep-th/9901001"}));
  EXPECT_EQ(server_.requests()[0].Param("id_list"), "2501.00001,hep-th/9901001");
  EXPECT_EQ(catalogue_->Stats()->papers, 0);
}

TEST_F(FetchersTest, FetchArxivBatchesIdsAndPausesBetweenRequests) {
  server_.On("/api/query", {}, {ReplayResponse::File(testing::Fixture(kAtomEmpty))});
  auto options = ArxivOptions();
  options.ids_per_request = 2;
  options.delay = milliseconds(3000);
  Ingester ingester(*catalogue_, Quiet());
  auto report = FetchArxivIds({"2501.00001", "2501.00002", "2501.00003", "2501.00004", "2501.00005"}, ingester, options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->requests, 3);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].Param("id_list"), "2501.00001,2501.00002");
  EXPECT_EQ(requests[2].Param("id_list"), "2501.00005");
  EXPECT_EQ(requests[2].Param("max_results"), "1");
  EXPECT_EQ(waits_, (std::vector<milliseconds>{milliseconds(3000), milliseconds(3000)}));
}

TEST_F(FetchersTest, FetchArxivRefusesAMalformedIdBeforeAnyRequest) {
  Ingester ingester(*catalogue_, Quiet());
  auto report = FetchArxivIds({"2501.00001", "not-an-id"}, ingester, ArxivOptions());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(report.error().message.find("not-an-id"), std::string::npos);
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(FetchersTest, FetchArxivReportsAServerThatKeepsFailing) {
  server_.On("/api/query", {}, {ReplayResponse::Text(500, "boom")});
  Ingester ingester(*catalogue_, Quiet());
  auto report = FetchArxivIds({"2501.00001"}, ingester, ArxivOptions());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find(server_.Url("/api/query?id_list=2501.00001")), std::string::npos)
      << report.error().message;
  EXPECT_EQ(server_.request_count(), 2u);
}

TEST_F(FetchersTest, FetchHfAsksForEveryDayIncludingWeekendsAndSavesTheRawAnswers) {
  // Friday 2026-08-14 and Monday 2026-08-17 are recorded days; the weekend lists are empty.
  const std::string friday = testing::Fixture("hf/archive/2026-08-14.json");
  const std::string monday = testing::Fixture("hf/archive/2026-08-17.json");
  server_.On("/api/daily_papers", {{"date", "2026-08-14"}}, {ReplayResponse::File(friday)});
  server_.On("/api/daily_papers", {{"date", "2026-08-15"}}, {ReplayResponse::Text(200, "[]", "application/json")});
  server_.On("/api/daily_papers", {{"date", "2026-08-16"}}, {ReplayResponse::Text(200, "[]", "application/json")});
  server_.On("/api/daily_papers", {{"date", "2026-08-17"}}, {ReplayResponse::File(monday)});
  auto options = HfOptions();
  options.from = "2026-08-14";
  options.to = "2026-08-17";
  options.save_dir = dir_.File("hf");
  options.delay = milliseconds(500);
  Ingester ingester(*catalogue_, Quiet());
  auto report = FetchHfDaily(ingester, options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->days, 4);
  EXPECT_EQ(report->empty_days, 2);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].Param("date"), "2026-08-14");
  EXPECT_EQ(requests[0].Param("limit"), "100");  // the API's default is 50
  EXPECT_EQ(requests[1].Param("date"), "2026-08-15");
  EXPECT_EQ(requests[3].Param("date"), "2026-08-17");
  EXPECT_EQ(waits_.size(), 3u);
  // Saved in the layout of shared/data/hf-daily-papers, byte for byte.
  EXPECT_EQ(testing::ReadFile(dir_.File("hf/2026-08-14.json")), testing::ReadFile(friday));
  EXPECT_EQ(testing::ReadFile(dir_.File("hf/2026-08-15.json")), "[]");
  EXPECT_EQ(testing::ReadFile(dir_.File("hf/2026-08-17.json")), testing::ReadFile(monday));
  EXPECT_EQ(report->saved_files.size(), 4u);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("hf/2026-08-17.json.part")));
  EXPECT_EQ(ingester.summary().rejected, 0);
  EXPECT_EQ(ingester.summary().inserted, 46);
  auto stats = catalogue_->Stats();
  EXPECT_EQ(stats->papers, 46);
  EXPECT_EQ(stats->daily_entries, 46);
  EXPECT_EQ(stats->days, 2);
  EXPECT_TRUE(report->full_days.empty());
}

TEST_F(FetchersTest, FetchHfFlagsADayThatFillsAWholeAnswer) {
  std::string hundred = "[";
  for (int i = 0; i < kHfEntriesPerRequest; ++i) hundred += (i ? ",{}" : "{}");
  hundred += "]";
  server_.On("/api/daily_papers", {}, {ReplayResponse::Text(200, hundred, "application/json")});
  auto options = HfOptions();
  options.from = "2026-08-14";
  Ingester ingester(*catalogue_, Quiet());
  auto report = FetchHfDaily(ingester, options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->full_days, (std::vector<std::string>{"2026-08-14"}));
  EXPECT_EQ(ingester.summary().rejected, kHfEntriesPerRequest);  // empty objects are not entries
}

TEST_F(FetchersTest, FetchHfStopsAtAnAnswerThatIsNotJson) {
  server_.On("/api/daily_papers", {}, {ReplayResponse::Text(200, "<html>rate limited</html>", "text/html")});
  auto options = HfOptions();
  options.from = "2026-08-14";
  Ingester ingester(*catalogue_, Quiet());
  auto report = FetchHfDaily(ingester, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("expected JSON"), std::string::npos) << report.error().message;
  EXPECT_NE(report.error().message.find("date=2026-08-14"), std::string::npos);
}

TEST_F(FetchersTest, FetchHfRefusesABadRange) {
  Ingester ingester(*catalogue_, Quiet());
  auto options = HfOptions();
  options.from = "2026-08-17";
  options.to = "2026-08-14";
  auto report = FetchHfDaily(ingester, options);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("ends before it starts"), std::string::npos);
  options.from = "2026-02-30";
  EXPECT_FALSE(FetchHfDaily(ingester, options).ok());
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST(DayRangeTest, CrossesMonthsAndLeapDays) {
  auto days = DayRange("2024-02-28", "2024-03-01");
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days.value(), (std::vector<std::string>{"2024-02-28", "2024-02-29", "2024-03-01"}));
  auto one = DayRange("2025-12-31", "2025-12-31");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value(), (std::vector<std::string>{"2025-12-31"}));
  EXPECT_FALSE(DayRange("2025-1-1", "2025-01-02").ok());
}

}  // namespace
}  // namespace paperfeed::ingest

#include "ingest/harvester.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

#include "support/replay_server.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

using std::chrono::milliseconds;
using testing::ReplayResponse;
using testing::ReplayServer;

ReplayResponse Oai(const std::string& name) {
  return ReplayResponse::File(testing::SourceFile("tests/fixtures/live/oai/" + name));
}

// The three-page list of tests/fixtures/live/oai (5 records, tokens 6960524|1001 and 6960524|2001).
void ServeThreePages(ReplayServer& server) {
  server.On("/oai2", {{"verb", "ListRecords"}, {"set", "cs"}}, {Oai("cs-page1.xml")});
  server.On("/oai2", {{"resumptionToken", "6960524|1001"}}, {Oai("cs-page2.xml")});
  server.On("/oai2", {{"resumptionToken", "6960524|2001"}}, {Oai("cs-page3.xml")});
}

class HarvesterTest : public testing::CatalogueTest {
 protected:
  HarvestOptions Options() {
    HarvestOptions o;
    o.base_url = server_.Url("/oai2");
    o.set = "cs";
    o.from = "2025-03-18";
    o.delay = milliseconds(2000);  // recorded, not slept
    o.progress = false;
    o.http.connect_timeout = milliseconds(1000);
    o.http.total_timeout = milliseconds(3000);
    o.http.max_attempts = 3;
    // A clock that moves only when the harvester waits: every wait it asks for is then exact.
    o.http.sleep = [this](milliseconds d) {
      waits_.push_back(d);
      clock_ += d;
    };
    o.http.now = [this] { return clock_; };
    return o;
  }
  IngestOptions Quiet() {
    IngestOptions o;
    o.progress = false;
    return o;
  }
  store::HarvestState State() {
    auto state = catalogue_->LoadHarvestState("oai:cs");
    EXPECT_TRUE(state.ok());
    return state.value();
  }

  ReplayServer server_;
  std::vector<milliseconds> waits_;
  std::chrono::steady_clock::time_point clock_{};
};

TEST_F(HarvesterTest, AsksForTheSetFormatAndRangeOnTheFirstRequest) {
  server_.On("/oai2", {}, {Oai("cs-page3.xml")});
  auto options = Options();
  options.metadata_prefix = "arXivRaw";
  options.until = "2025-03-31";
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(HarvestOai(*catalogue_, ingester, options).ok());
  ASSERT_GE(server_.request_count(), 1u);
  const auto first = server_.requests()[0];
  EXPECT_EQ(first.path, "/oai2");
  EXPECT_EQ(first.Param("verb"), "ListRecords");
  EXPECT_EQ(first.Param("metadataPrefix"), "arXivRaw");
  EXPECT_EQ(first.Param("set"), "cs");
  EXPECT_EQ(first.Param("from"), "2025-03-18");
  EXPECT_EQ(first.Param("until"), "2025-03-31");
  EXPECT_EQ(first.Header("User-Agent").rfind("paperfeed/", 0), 0u);
}

TEST_F(HarvesterTest, FollowsResumptionTokensAndSavesTheLastDatestamp) {
  ServeThreePages(server_);
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, Options());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->pages, 3);
  EXPECT_EQ(report->complete_list_size, 5);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  // With a token, the verb is the only other argument (OAI-PMH 2.0, 3.5).
  EXPECT_EQ(requests[1].Param("resumptionToken"), "6960524|1001");
  EXPECT_EQ(requests[1].Param("verb"), "ListRecords");
  EXPECT_FALSE(requests[1].HasParam("metadataPrefix"));
  EXPECT_FALSE(requests[1].HasParam("from"));
  EXPECT_EQ(requests[2].Param("resumptionToken"), "6960524|2001");
  const auto& s = ingester.summary();
  EXPECT_EQ(s.read, 5);
  EXPECT_EQ(s.inserted, 5);
  EXPECT_EQ(s.rejected, 0);
  EXPECT_EQ(catalogue_->Stats()->papers, 5);
  auto paper = catalogue_->FindPaper("2503.12627");
  ASSERT_TRUE(paper.ok() && paper.value());
  EXPECT_EQ(paper.value()->paper.title, "Online Misinformation Detection in Live Streaming Videos");
  const auto state = State();
  EXPECT_EQ(state.last_datestamp, std::optional<std::string>("2025-03-20"));
  EXPECT_FALSE(state.resumption_token.has_value());
}

TEST_F(HarvesterTest, WaitsAtLeastTheDelayBetweenRequests) {
  ServeThreePages(server_);
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(HarvestOai(*catalogue_, ingester, Options()).ok());
  ASSERT_EQ(server_.request_count(), 3u);
  // No wait before the first request, one before each of the two others: the whole delay, as no
  // time passed on the test's clock since the previous answer.
  EXPECT_EQ(waits_, (std::vector<milliseconds>{milliseconds(2000), milliseconds(2000)}));
}

TEST_F(HarvesterTest, Honours503RetryAfterBetweenPages) {
  server_.On("/oai2", {{"verb", "ListRecords"}, {"set", "cs"}}, {Oai("cs-page1.xml")});
  server_.On("/oai2", {{"resumptionToken", "6960524|1001"}},
             {ReplayResponse::RetryAfter(503, "20"), Oai("cs-page2.xml")});
  server_.On("/oai2", {{"resumptionToken", "6960524|2001"}}, {Oai("cs-page3.xml")});
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, Options());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(server_.request_count(), 4u);
  EXPECT_EQ(ingester.summary().inserted, 5);
  // politeness, Retry-After, politeness
  ASSERT_EQ(waits_.size(), 3u);
  EXPECT_EQ(waits_[1], milliseconds(20'000));
}

TEST_F(HarvesterTest, KeepsItsPlaceWhenAPageFailsAndTheRerunFinishesWithoutDuplicates) {
  {
    // Page 2 fails for good: the run stops after committing page 1.
    ReplayServer failing;
    failing.On("/oai2", {{"verb", "ListRecords"}, {"set", "cs"}}, {Oai("cs-page1.xml")});
    failing.On("/oai2", {{"resumptionToken", "6960524|1001"}}, {ReplayResponse::Text(500, "Internal Server Error")});
    auto options = Options();
    options.base_url = failing.Url("/oai2");
    Ingester ingester(*catalogue_, Quiet());
    auto report = HarvestOai(*catalogue_, ingester, options);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("HTTP 500"), std::string::npos) << report.error().message;
    EXPECT_NE(report.error().message.find("resumptionToken=6960524%7C1001"), std::string::npos);
    EXPECT_NE(report.error().message.find("run the same command again"), std::string::npos);
    EXPECT_EQ(failing.request_count(), 1u + 3u);  // page 1, then page 2 three times
    EXPECT_EQ(ingester.summary().inserted, 2);
    EXPECT_EQ(catalogue_->Stats()->papers, 2);
    const auto state = State();
    EXPECT_EQ(state.resumption_token, std::optional<std::string>("6960524|1001"));
    EXPECT_EQ(state.last_datestamp, std::optional<std::string>("2025-03-18"));  // the list's `from`
  }
  // The same command again resumes from the saved token: no page 1 again, exact counts.
  ServeThreePages(server_);
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, Options());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->resumed);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Param("resumptionToken"), "6960524|1001");
  EXPECT_EQ(ingester.summary().read, 3);
  EXPECT_EQ(ingester.summary().inserted, 3);
  EXPECT_EQ(ingester.summary().unchanged, 0);
  EXPECT_EQ(catalogue_->Stats()->papers, 5);
  EXPECT_EQ(State().last_datestamp, std::optional<std::string>("2025-03-20"));
  EXPECT_FALSE(State().resumption_token.has_value());
}

TEST_F(HarvesterTest, SavesNoStateWhenTheFirstPageNeverComes) {
  server_.On("/oai2", {}, {ReplayResponse::Text(503, "down for maintenance")});
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, Options());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(report.error().message.find(server_.Url("/oai2")), std::string::npos);
  EXPECT_EQ(server_.request_count(), 3u);
  // Retries wait at least the politeness delay.
  ASSERT_EQ(waits_.size(), 2u);
  EXPECT_GE(waits_[0], milliseconds(2000));
  EXPECT_GE(waits_[1], milliseconds(2000));
  const auto state = State();
  EXPECT_FALSE(state.resumption_token.has_value());
  EXPECT_FALSE(state.last_datestamp.has_value());
}

TEST_F(HarvesterTest, ReportsAPageOfTheWrongContentType) {
  server_.On("/oai2", {}, {ReplayResponse::Text(200, "<html>maintenance</html>", "text/html")});
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, Options());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("expected XML"), std::string::npos) << report.error().message;
  EXPECT_FALSE(State().last_datestamp.has_value());
}

TEST_F(HarvesterTest, RestartsFromTheSavedFromDateWhenTheTokenHasExpired) {
  ASSERT_TRUE(catalogue_->SaveHarvestState({"oai:cs", "2025-03-18", "expired|1"}).ok());
  server_.On("/oai2", {{"resumptionToken", "expired|1"}}, {Oai("bad-resumption-token.xml")});
  ServeThreePages(server_);
  auto options = Options();
  options.from.reset();  // the same command as the interrupted run had: continue
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->resumed);
  EXPECT_TRUE(report->restarted);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].Param("resumptionToken"), "expired|1");
  EXPECT_EQ(requests[1].Param("from"), "2025-03-18");
  EXPECT_EQ(requests[1].Param("metadataPrefix"), "arXiv");
  EXPECT_EQ(ingester.summary().inserted, 5);
  EXPECT_EQ(State().last_datestamp, std::optional<std::string>("2025-03-20"));
}

TEST_F(HarvesterTest, NextRunAsksFromTheLastDatestampAndFindsTheBoundaryUnchanged) {
  ServeThreePages(server_);
  {
    Ingester ingester(*catalogue_, Quiet());
    ASSERT_TRUE(HarvestOai(*catalogue_, ingester, Options()).ok());
  }
  server_.On("/oai2", {{"verb", "ListRecords"}, {"set", "cs"}, {"from", "2025-03-20"}}, {Oai("cs-incremental.xml")});
  auto options = Options();
  options.from.reset();
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[3].Param("from"), "2025-03-20");
  EXPECT_FALSE(requests[3].HasParam("resumptionToken"));
  EXPECT_EQ(ingester.summary().read, 2);
  EXPECT_EQ(ingester.summary().unchanged, 1);  // OAI-PMH `from` is inclusive: the boundary day again
  EXPECT_EQ(ingester.summary().inserted, 1);
  EXPECT_EQ(catalogue_->Stats()->papers, 6);
  EXPECT_EQ(State().last_datestamp, std::optional<std::string>("2025-03-21"));
}

TEST_F(HarvesterTest, TreatsNoRecordsMatchAsNothingToDo) {
  ASSERT_TRUE(catalogue_->SaveHarvestState({"oai:cs", "2025-03-21", std::nullopt}).ok());
  server_.On("/oai2", {}, {Oai("no-records-match.xml")});
  auto options = Options();
  options.from.reset();
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, options);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->no_records);
  EXPECT_EQ(server_.requests()[0].Param("from"), "2025-03-21");
  EXPECT_EQ(ingester.summary().read, 0);
  EXPECT_EQ(ingester.summary().rejected, 0);
  EXPECT_EQ(State().last_datestamp, std::optional<std::string>("2025-03-21"));
}

TEST_F(HarvesterTest, ReportsAnOaiErrorByCodeAndMessage) {
  server_.On("/oai2", {}, {Oai("bad-argument.xml")});
  Ingester ingester(*catalogue_, Quiet());
  auto report = HarvestOai(*catalogue_, ingester, Options());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("badArgument"), std::string::npos) << report.error().message;
  EXPECT_NE(report.error().message.find("Illegal date format"), std::string::npos);
  EXPECT_EQ(server_.request_count(), 1u);
}

// The real binary against the replay server: what a cron job runs.
TEST_F(HarvesterTest, TheHarvestCommandHarvestsAndPrintsTheIngestSummaryAsJson) {
  ServeThreePages(server_);
  const std::string command = std::string(PAPERFEED_BINARY) + " --db '" + db_path() +
                              "' harvest --set cs --from 2025-03-18 --delay 0 --json --base-url '" + server_.Url("/oai2") +
                              "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  auto json = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << out;
  for (const char* key : {"read", "inserted", "updated", "unchanged", "rejected", "errors"}) {
    EXPECT_TRUE(json.contains(key)) << key << " missing in " << out;
  }
  EXPECT_GE(server_.request_count(), 1u);
  EXPECT_EQ(server_.requests()[0].Param("from"), "2025-03-18");
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_EQ(json["read"], 5);
  EXPECT_EQ(json["inserted"], 5);
  EXPECT_EQ(json["rejected"], 0);
  EXPECT_EQ(json["harvest"]["pages"], 3);
  EXPECT_EQ(server_.request_count(), 3u);
  auto reopened = store::OpenCatalogue(db_path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened.value()->Stats()->papers, 5);
  EXPECT_EQ(reopened.value()->LoadHarvestState("oai:cs")->last_datestamp, std::optional<std::string>("2025-03-20"));
}

}  // namespace
}  // namespace paperfeed::ingest

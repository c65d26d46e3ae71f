// End to end through the real binary: `paperfeed --config FILE serve` with [harvest] runs the daily
// OAI-PMH harvest against the local replay server, records it, retries a failed run, and shows the
// freshness on the site and in /healthz; a cron `harvest` never runs beside it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "cli_runner.hpp"
#include "store/process_lock.hpp"
#include "store/refresh_log.hpp"
#include "store/database.hpp"
#include "support/replay_server.hpp"
#include "support/serve_process.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {
namespace {

using nlohmann::json;

ReplayResponse Oai(const std::string& name) { return ReplayResponse::File(SourceFile("tests/fixtures/live/oai/" + name)); }

class ServeHarvestTest : public ::testing::Test {
 protected:
  // serve with a daily harvest of set cs at 00:00 UTC: that time has passed today and nothing was
  // ever harvested, so serve runs it at start, as it does after any restart past the hour.
  std::string WriteConfig(int retry_seconds) {
    return dir_.Write("paperfeed.toml", "[server]\ndatabase = \"" + db() +
                                            "\"\nlisten = \"127.0.0.1:0\"\nsearch = false\nquiet = true\n"
                                            "[mail]\nenabled_in_serve = false\n"
                                            "[harvest]\nsets = [\"cs\"]\noai_url = \"" + replay_.Url("/oai2") +
                                            "\"\ntime = \"00:00\"\ntime_zone = \"UTC\"\ndelay_seconds = 0\n"
                                            "retry_seconds = " + std::to_string(retry_seconds) + "\n");
  }
  const std::string& db() const { return db_.location(); }

  // Polls /healthz until `done` holds for its "sources" (serve's own report, not a clock guess).
  json WaitForSources(httplib::Client& http, const std::function<bool(const json&)>& done) {
    json sources;
    for (int i = 0; i < 600; ++i) {
      auto res = http.Get("/healthz");
      if (res && res->status == 200) {
        sources = json::parse(res->body)["sources"];
        if (done(sources)) return sources;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "healthz never showed the expected sources: " << sources.dump();
    return sources;
  }

  TempDir dir_;
  paperfeed::testing::TestDatabase db_{dir_};
  ReplayServer replay_;
  ServeProcess serve_;
};

TEST_F(ServeHarvestTest, TheScheduledHarvestRunsRetriesAFailureAndShowsItsFreshness) {
  PAPERFEED_NOT_YET_ON_POSTGRES("the harvest inside serve does not record its refreshes on PostgreSQL yet");
  // The first list request fails (an OAI-PMH error), the retry gets the three-page list.
  replay_.On("/oai2", {{"verb", "ListRecords"}, {"set", "cs"}}, {Oai("bad-argument.xml"), Oai("cs-page1.xml")});
  replay_.On("/oai2", {{"resumptionToken", "6960524|1001"}}, {Oai("cs-page2.xml")});
  replay_.On("/oai2", {{"resumptionToken", "6960524|2001"}}, {Oai("cs-page3.xml")});
  const int port = serve_.Start(WriteConfig(/*retry_seconds=*/1));
  ASSERT_GT(port, 0);
  httplib::Client http("127.0.0.1", port);

  auto sources = WaitForSources(http, [](const json& s) { return s.size() == 1 && !s[0]["lastSuccessAt"].is_null(); });
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0]["source"], "oai:cs");
  EXPECT_EQ(sources[0]["papers"], 5);
  EXPECT_EQ(sources[0]["consecutiveFailures"], 0) << "the retry succeeded";
  // The failed request, then the retry's three pages; a set never harvested starts a few days back.
  auto requests = replay_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_TRUE(requests[0].HasParam("from"));
  EXPECT_EQ(requests[0].Param("from"), requests[1].Param("from"));

  auto paper = http.Get("/api/papers/2503.12627");
  ASSERT_TRUE(paper);
  EXPECT_EQ(paper->status, 200) << "a harvested paper is in the catalogue";
  auto page = http.Get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("arXiv cs: updated just now (5 papers)"), std::string::npos) << "the footer says how fresh";
}

TEST_F(ServeHarvestTest, HuggingFacesDailyListIsFetchedAtHarvestTimeToo) {
  PAPERFEED_NOT_YET_ON_POSTGRES("the harvest inside serve does not record its refreshes on PostgreSQL yet");
  // Every day asked for answers with one real day's list (serve asks for yesterday and today).
  replay_.On("/api/daily_papers", {}, {ReplayResponse::File(Fixture("hf/archive/2026-08-21.json"))});
  const std::string config =
      dir_.Write("hf.toml", "[server]\ndatabase = \"" + db() + "\"\nlisten = \"127.0.0.1:0\"\nsearch = false\nquiet = true\n"
                            "[mail]\nenabled_in_serve = false\n[harvest]\nhf_daily = true\nhf_url = \"" +
                                replay_.Url("/api/daily_papers") + "\"\ntime = \"00:00\"\ntime_zone = \"UTC\"\n");
  const int port = serve_.Start(config);
  ASSERT_GT(port, 0);
  httplib::Client http("127.0.0.1", port);
  auto sources = WaitForSources(http, [](const json& s) { return s.size() == 1 && !s[0]["lastSuccessAt"].is_null(); });
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0]["source"], "hf:daily");
  EXPECT_GT(sources[0]["papers"].get<int>(), 0);
  EXPECT_EQ(replay_.request_count(), 2u) << "yesterday's list and today's";
  auto paper = http.Get("/api/papers/2608.19880");  // the first entry of the served list
  ASSERT_TRUE(paper);
  EXPECT_EQ(paper->status, 200) << "the fetched list's papers are in the catalogue";
}

TEST_F(ServeHarvestTest, AFailingSourceIsReportedWithItsReasonAndCountsItsFailures) {
  PAPERFEED_NOT_YET_ON_POSTGRES("the harvest inside serve does not record its refreshes on PostgreSQL yet");
  replay_.On("/oai2", {{"verb", "ListRecords"}, {"set", "cs"}}, {Oai("bad-argument.xml")});
  const int port = serve_.Start(WriteConfig(/*retry_seconds=*/1));
  ASSERT_GT(port, 0);
  httplib::Client http("127.0.0.1", port);
  auto sources = WaitForSources(http, [](const json& s) {
    return s.size() == 1 && s[0]["consecutiveFailures"].get<int>() >= 2;  // the first try and a retry
  });
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_TRUE(sources[0]["lastSuccessAt"].is_null());
  ASSERT_TRUE(sources[0]["problem"].is_string());
  EXPECT_NE(sources[0]["problem"].get<std::string>().find("badArgument"), std::string::npos) << sources[0];
}

TEST_F(ServeHarvestTest, ACronHarvestWaitsForTheHarvesterThatHoldsTheDatabase) {
  PAPERFEED_NOT_YET_ON_POSTGRES("the test holds the SQLite flock file; on PostgreSQL the lock is an advisory lock");
  replay_.On("/oai2", {{"verb", "ListRecords"}, {"set", "cs"}}, {Oai("no-records-match.xml")});
  ASSERT_EQ(RunPaperfeed({"--db", db(), "stats"}).exit_code, 0);
  {
    auto held = store::ProcessLock::Acquire(db(), "harvest", 0);
    ASSERT_TRUE(held.ok() && *held);
    auto busy = RunPaperfeed({"--db", db(), "harvest", "--set", "cs", "--base-url", replay_.Url("/oai2"), "--delay", "0"},
                             /*keep_stderr=*/true);
    EXPECT_EQ(busy.exit_code, 1);
    EXPECT_NE(busy.out.find("another harvester"), std::string::npos) << busy.out;
    EXPECT_EQ(replay_.request_count(), 0u) << "it asked nothing while the other harvester ran";
  }
  auto free = RunPaperfeed({"--db", db(), "harvest", "--set", "cs", "--base-url", replay_.Url("/oai2"), "--delay", "0",
                            "--from", "2025-03-18"});
  EXPECT_EQ(free.exit_code, 0) << free.out;
  EXPECT_EQ(replay_.request_count(), 1u);
  // The cron run is recorded like the scheduled one, for the freshness the site shows.
  auto database = store::Database::Open(db());
  ASSERT_TRUE(database.ok());
  auto refreshes = store::ListRefreshes(**database);
  ASSERT_TRUE(refreshes.ok());
  ASSERT_EQ(refreshes->size(), 1u);
  EXPECT_EQ((*refreshes)[0].source, "oai:cs");
  EXPECT_TRUE((*refreshes)[0].last_success_at.has_value());
  EXPECT_FALSE((*refreshes)[0].problem.has_value());
}

}  // namespace
}  // namespace paperfeed::testing

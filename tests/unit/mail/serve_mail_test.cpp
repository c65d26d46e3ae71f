// End to end through the real binary: `paperfeed serve --config FILE` with a real SMTP server. A
// subscription made over HTTP as a browser makes it brings its confirmation mail, whose link
// confirms; and the digest scheduler inside `serve` sends the day's digest. (serve once sent no mail
// at all: nothing started its mail runtime, and no test ran the real serve.)
#include <gtest/gtest.h>
#include <httplib.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>
#include <regex>

#include "mail_fixture.hpp"
#include "support/serve_process.hpp"
#include "store/database.hpp"

namespace paperfeed::mail {
namespace {

std::string UtcDay(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class ServeMailTest : public testing::MailTest {
 protected:
  // `index_gate`: a FIFO the background index build waits on (PAPERFEED_TEST_INDEX_GATE).
  int StartServe(const std::string& config_file, const std::string& index_gate = "") {
    if (!index_gate.empty()) setenv("PAPERFEED_TEST_INDEX_GATE", index_gate.c_str(), 1);
    int port = serve_.Start(config_file);
    unsetenv("PAPERFEED_TEST_INDEX_GATE");
    return port;
  }
  testing::ServeProcess serve_;
};

// Issue 10, item 18: serve on a catalogue without a search index answered nothing, not even
// /healthz, until it had built the index (95 s on 74,728 papers). Now it answers at once: the build
// is held (a FIFO the test opens when it is done looking), and meanwhile /healthz, pages and the
// API answer, and search says it is warming up with 503 and Retry-After; once /healthz reports
// the index ready, search finds the papers.
TEST_F(ServeMailTest, ServeAnswersAtOnceAndSearchSaysWarmingUpUntilTheIndexIsBuilt) {
  const std::string gate = dir_.File("index-gate");
  ASSERT_EQ(mkfifo(gate.c_str(), 0600), 0);
  // Whatever fails below, the build is let go before TearDown stops serve (which waits for it).
  struct Release {
    std::string path;
    ~Release() {
      int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) {
        (void)!::write(fd, "x", 1);
        ::close(fd);
      }
    }
  } release{gate};
  std::string config = dir_.Write("paperfeed.toml",
                                  "[server]\ndatabase = \"" + db_path() + "\"\nlisten = \"127.0.0.1:0\"\n"
                                  "quiet = true\nindex_sync_seconds = 1\n[mail]\nenabled_in_serve = false\n");
  ASSERT_FALSE(std::filesystem::exists(db_path() + ".index/MANIFEST"));
  int port = StartServe(config, gate);
  ASSERT_GT(port, 0);
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(10);

  auto health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(nlohmann::json::parse(health->body)["searchIndex"], "warming") << health->body;
  auto home = http.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  auto paper = http.Get("/api/papers/2608.00001");
  ASSERT_TRUE(paper);
  EXPECT_EQ(paper->status, 200);
  auto warming = http.Get("/api/papers/search?q=sparse+attention&mode=keyword");
  ASSERT_TRUE(warming);
  EXPECT_EQ(warming->status, 503);
  EXPECT_NE(warming->get_header_value("Retry-After"), "");
  EXPECT_NE(warming->body.find("warming up"), std::string::npos) << warming->body;
  auto page = http.Get("/search?q=sparse+attention");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 503);
  EXPECT_NE(page->body.find("warming up"), std::string::npos);

  // Let the build go, then watch /healthz (not a clock) until the index is ready.
  int fd = ::open(gate.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "go", 2), 2);
  ::close(fd);
  std::string state;
  for (int i = 0; i < 600 && state != "ready"; ++i) {
    auto h = http.Get("/healthz");
    ASSERT_TRUE(h);
    ASSERT_EQ(h->status, 200);
    state = nlohmann::json::parse(h->body)["searchIndex"].get<std::string>();
    if (state != "ready") std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling, not synchronising
  }
  ASSERT_EQ(state, "ready");
  auto found = http.Get("/api/papers/search?q=sparse+attention&mode=keyword");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  auto hits = nlohmann::json::parse(found->body);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0]["paper"]["id"], "2608.00001") << found->body;
}

TEST_F(ServeMailTest, ASubscriptionOverHttpBringsItsConfirmationAndTheSchedulerSendsTheDigest) {
  // The day before today (UTC) has a list; with send_time 00:00 UTC today's send time has passed, so
  // serve's scheduler catches up at start as it does after any restart past the send time.
  int64_t now = std::time(nullptr);
  std::string yesterday = UtcDay(now - 86400);
  ASSERT_TRUE(catalogue_->UpsertDailyEntry({"2608.00003", yesterday, "u3", "User Three", 12, 0}).ok());
  AddSubscriber("reader@example.org", {.top_n = 3});
  std::string config = dir_.Write("paperfeed.toml",
                                  "[server]\ndatabase = \"" + db_path() + "\"\nlisten = \"127.0.0.1:0\"\n"
                                  "public_base_url = \"https://papers.example.org\"\nsearch = false\nquiet = true\n"
                                  "[mail]\nsmtp_url = \"" + sink_.url() + "\"\nfrom_address = \"digest@papers.example.org\"\n"
                                  "send_time = \"00:00\"\ntime_zone = \"UTC\"\nthrottle = 0\n");
  int port = StartServe(config);
  ASSERT_GT(port, 0);

  httplib::Client http("127.0.0.1", port);
  auto res = http.Post("/subscribe", httplib::Params{{"email", "new@example.org"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;

  ASSERT_TRUE(sink_.WaitFor(2, 30)) << "serve sent " << sink_.Count() << " of 2 mails";
  std::optional<testing::ReceivedMail> confirmation, digest;
  for (auto& m : sink_.Messages()) {
    if (m.rcpt_to.find("new@example.org") != std::string::npos) confirmation = m;
    if (m.rcpt_to.find("reader@example.org") != std::string::npos) digest = m;
  }
  ASSERT_TRUE(confirmation.has_value());
  ASSERT_TRUE(digest.has_value());
  EXPECT_NE(digest->text.find("Curvature-aware optimizers beat Adam"), std::string::npos) << digest->text;

  // The confirmation link points at the configured public base URL; follow it on this server.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(confirmation->text, m, std::regex(R"(https://papers\.example\.org(/\S+))")))
      << confirmation->text;
  auto confirm = http.Get(m[1].str());
  ASSERT_TRUE(confirm);
  EXPECT_LT(confirm->status, 400) << confirm->body;
  auto found = Store().FindByEmail("new@example.org");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_TRUE((*found)->confirmed);
}

}  // namespace
}  // namespace paperfeed::mail

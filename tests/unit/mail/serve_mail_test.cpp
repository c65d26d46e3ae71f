// End to end through the real binary: `paperfeed serve --config FILE` with a real SMTP server. A
// subscription made over HTTP as a browser makes it brings its confirmation mail, whose link
// confirms; and the digest scheduler inside `serve` sends the day's digest. (serve once sent no mail
// at all: nothing started its mail runtime, and no test ran the real serve.)
#include <gtest/gtest.h>
#include <httplib.h>

#include <ctime>
#include <regex>

#include "mail_fixture.hpp"
#include "support/serve_process.hpp"
#include "store/sqlite.hpp"

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
  int StartServe(const std::string& config_file) { return serve_.Start(config_file); }
  testing::ServeProcess serve_;
};

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

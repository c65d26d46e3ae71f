// End to end: subscribe -> confirmation mail -> confirm -> digest -> preferences -> unsubscribe, with
// the real web server on 127.0.0.1:0, the real mail runtime and a real SMTP server; every link is
// taken from a received mail and followed over HTTP.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>

#include "mail/digest_run.hpp"
#include "mail/smtp_client.hpp"
#include "mail_fixture.hpp"
#include "store/accounts.hpp"
#include "store/database.hpp"
#include "web/auth.hpp"
#include "web/routes.hpp"
#include "web/server.hpp"

namespace paperfeed::mail {
namespace {

class SubscriptionFlowTest : public testing::MailTest {
 protected:
  void SetUp() override {
    MailTest::SetUp();
    config_.subscribe_per_client_per_hour = 6;
    // The pages read the same settings as `serve` would: from the configuration file.
    config_.public_base_url = "https://papers.example.org";
    config_.from_address = "digest@papers.example.org";
    config_.link_secret = "test-link-secret";
    config_.smtp_url = sink_.url();
    web::ServerOptions options;
    options.db_path = db_path();
    options.port = 0;
    options.threads = 4;
    options.log_requests = false;
    options.search = false;
    options.public_base_url = config_.public_base_url;
    options.mail = config_;
    auto server = web::Server::Create(options);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    // Delivery as in `serve`: the runtime wakes when a page queues a confirmation.
    MailRuntime::Options runtime_options;
    runtime_options.db_path = db_path();
    runtime_options.poll_seconds = 0.5;
    runtime_options.schedule_digests = false;
    auto runtime = MailRuntime::Start(runtime_options, config_);
    ASSERT_TRUE(runtime.ok()) << runtime.error().message;
    runtime_ = std::move(*runtime);
  }
  void TearDown() override {
    runtime_.reset();
    server_.reset();
  }
  httplib::Client Client() const { return httplib::Client("127.0.0.1", port_); }
  httplib::Result PostForm(const std::string& target, const httplib::Params& params) {
    return Client().Post(target, params);
  }
  // Renders and sends the day's digests the way `digest run` does.
  void RunDigests() {
    auto period = PeriodFor(store::DigestPeriod::kDaily, std::string(kDay), *zone_, 0).value();
    auto service = Service();
    auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
    ASSERT_TRUE(RenderDigests(*catalogue_, *source, service, *zone_, period, 2000).ok());
    auto smtp = SmtpClient::Create(config_).value();
    OutboxSender sender(catalogue_->database(), config_, *smtp);
    ASSERT_TRUE(sender.Drain(nullptr, -1, 10).ok());
  }

  std::unique_ptr<web::Server> server_;
  std::unique_ptr<MailRuntime> runtime_;
  int port_ = 0;
};

TEST_F(SubscriptionFlowTest, SubscribeConfirmDigestPreferencesUnsubscribe) {
  // 1. Subscribe with an address alone.
  auto page = Client().Get("/subscribe");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("id=\"subscribe-form\""), std::string::npos);
  auto done = PostForm("/subscribe", {{"email", "Ada@Example.org"}});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  EXPECT_NE(done->body.find("Check your inbox"), std::string::npos);

  // 2. The confirmation mail, and nothing else, arrives.
  ASSERT_TRUE(sink_.WaitFor(1)) << "no confirmation mail";
  auto confirmation = sink_.Messages().at(0);
  EXPECT_EQ(confirmation.rcpt_to, "Ada@example.org");
  EXPECT_EQ(confirmation.Header("Subject"), "Confirm your paperfeed digest subscription");
  auto confirm_links = testing::Links(confirmation.text, "/subscribe/confirm");
  ASSERT_EQ(confirm_links.size(), 1u);
  EXPECT_EQ(testing::Links(confirmation.html, "/subscribe/confirm"), confirm_links);
  EXPECT_EQ(confirm_links[0].rfind("https://papers.example.org/subscribe/confirm?token=c.", 0), 0u);
  RunDigests();
  EXPECT_EQ(sink_.Count(), 1u) << "double opt-in: no digest before confirmation";

  // 3. Confirm through the link.
  auto confirmed = Client().Get(testing::PathAndQuery(confirm_links[0]));
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(confirmed->status, 200);
  EXPECT_NE(confirmed->body.find("You are subscribed"), std::string::npos);
  EXPECT_EQ(confirmed->get_header_value("Cache-Control").find("no-store"), 0u);

  // 4. The digest: headers, both parts, the same links in each.
  RunDigests();
  ASSERT_EQ(sink_.Count(), 2u);
  auto digest = sink_.Messages().at(1);
  EXPECT_EQ(digest.Header("To"), "Ada@example.org");
  EXPECT_EQ(digest.Header("X-Paperfeed-Period"), "daily:2026-08-20");
  EXPECT_FALSE(digest.text.empty());
  EXPECT_FALSE(digest.html.empty());
  EXPECT_NE(digest.text.find("https://papers.example.org/papers/2608.00002"), std::string::npos);
  auto header_unsubscribe = testing::Links(digest.Header("List-Unsubscribe"), "/unsubscribe");
  ASSERT_EQ(header_unsubscribe.size(), 1u);
  EXPECT_EQ(testing::Links(digest.text, "/unsubscribe"), header_unsubscribe);
  EXPECT_EQ(testing::Links(digest.html, "/unsubscribe"), header_unsubscribe);
  auto preferences = testing::Links(digest.text, "/subscriptions/preferences");
  ASSERT_EQ(preferences.size(), 1u);
  EXPECT_EQ(testing::Links(digest.html, "/subscriptions/preferences"), preferences);

  // 5. Preferences through the signed link, no login.
  auto prefs_page = Client().Get(testing::PathAndQuery(preferences[0]));
  ASSERT_TRUE(prefs_page);
  EXPECT_EQ(prefs_page->status, 200);
  EXPECT_NE(prefs_page->body.find("id=\"preferences-form\""), std::string::npos);
  auto bad = PostForm(testing::PathAndQuery(preferences[0]), {{"period", "weekly"}, {"top_n", "99"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto saved = PostForm(testing::PathAndQuery(preferences[0]),
                        {{"period", "weekly"}, {"top_n", "3"}, {"topics", "diffusion models\nsparse attention"},
                         {"categories", "cs.LG, cs.CV"}, {"authors", "Ada Lovelace"}});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->status, 200);
  EXPECT_NE(saved->body.find("Saved."), std::string::npos);
  auto stored = Store().FindByEmail("ada@example.org").value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->period, store::DigestPeriod::kWeekly);
  EXPECT_EQ(stored->top_n, 3);
  EXPECT_EQ(stored->topics, (std::vector<std::string>{"diffusion models", "sparse attention"}));
  EXPECT_EQ(stored->categories, (std::vector<std::string>{"cs.LG", "cs.CV"}));

  // 6. Unsubscribe: the GET only asks; the RFC 8058 one-click POST does it, and says so.
  std::string unsubscribe = testing::PathAndQuery(header_unsubscribe[0]);
  auto ask = Client().Get(unsubscribe);
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->status, 200);
  EXPECT_NE(ask->body.find("id=\"unsubscribe-form\""), std::string::npos);
  EXPECT_TRUE(Store().FindByEmail("ada@example.org").value().has_value());
  auto one_click = Client().Post(unsubscribe, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
  ASSERT_TRUE(one_click);
  EXPECT_EQ(one_click->status, 200);
  EXPECT_NE(one_click->body.find("No more digests go to Ada@example.org"), std::string::npos);
  EXPECT_FALSE(Store().FindByEmail("ada@example.org").value().has_value());
  auto twice = Client().Post(unsubscribe, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 200) << "a repeated one-click POST is not an error";
  // The old links are dead now, and read like forged ones.
  auto dead = Client().Get(testing::PathAndQuery(preferences[0]));
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->status, 401);
  RunDigests();
  EXPECT_EQ(sink_.Count(), 2u);
}

TEST_F(SubscriptionFlowTest, TheAnswerIsTheSameWhetherOrNotAnAddressIsSubscribed) {
  AddSubscriber("known@example.org");
  auto known = PostForm("/subscribe", {{"email", "known@example.org"}});
  auto fresh = PostForm("/subscribe", {{"email", "fresh@example.org"}});
  ASSERT_TRUE(known && fresh);
  EXPECT_EQ(known->status, fresh->status);
  auto strip = [](std::string body, const std::string& email) {
    for (size_t at; (at = body.find(email)) != std::string::npos;) body.erase(at, email.size());
    return body;
  };
  EXPECT_EQ(strip(known->body, "known@example.org"), strip(fresh->body, "fresh@example.org"));
  ASSERT_TRUE(sink_.WaitFor(1));
  auto mails = sink_.Messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_to, "fresh@example.org");
  // Nothing was ever queued for the confirmed address: the outbox, not a wait, is the evidence.
  auto db = store::Database::Open(db_path());
  ASSERT_TRUE(db.ok());
  auto queued = db.value()->Prepare("SELECT recipient FROM outbox ORDER BY id");
  ASSERT_TRUE(queued.ok());
  std::vector<std::string> recipients;
  while (queued->Step().value()) recipients.push_back(queued->Text(0));
  EXPECT_EQ(recipients, std::vector<std::string>{"fresh@example.org"}) << "a confirmed address gets no confirmation mail";
}

TEST_F(SubscriptionFlowTest, AnUnknownSubscriberIdReadsExactlyLikeABadSignature) {
  auto sub = AddSubscriber("ada@example.org");
  auto service = Service();
  std::string url = service.UnsubscribeUrl(sub);
  std::string token = url.substr(url.find("token=") + 6);
  std::string bad_mac = token;
  bad_mac[bad_mac.size() - 2] = bad_mac[bad_mac.size() - 2] == 'A' ? 'B' : 'A';
  // Well formed, for an id nobody has: it used to get "Already unsubscribed" before any MAC check.
  std::string unknown_id = "u." + std::to_string(sub.id + 1000) + ".0." + token.substr(token.rfind('.') + 1);
  for (const char* method : {"GET", "POST"}) {
    auto send = [&](const std::string& t) {
      return std::string(method) == "GET" ? Client().Get("/unsubscribe?token=" + t)
                                          : Client().Post("/unsubscribe?token=" + t, "List-Unsubscribe=One-Click",
                                                          "application/x-www-form-urlencoded");
    };
    auto forged = send(bad_mac);
    auto unknown = send(unknown_id);
    ASSERT_TRUE(forged && unknown);
    EXPECT_EQ(forged->status, 401) << method;
    EXPECT_EQ(unknown->status, forged->status) << method;
    EXPECT_EQ(unknown->body, forged->body) << method;
  }
  EXPECT_TRUE(Store().FindByEmail("ada@example.org").value().has_value());
}

TEST_F(SubscriptionFlowTest, ASignedInSubscribeWithoutItsCsrfTokenIsRefused) {
  web::AuthConfig auth_config;
  auth_config.password_cost = web::PasswordCost::Minimum();
  web::Auth auth(auth_config);
  store::AccountStore accounts(catalogue_->database());
  auto user = auth.CreateUser(accounts, {"ada", "correct horse battery", "", "ada@example.org"}, false);
  ASSERT_TRUE(user.ok()) << user.error().message;
  auto session = auth.OpenSession(accounts, user.value());
  ASSERT_TRUE(session.ok());
  httplib::Headers cookie = {{"Cookie", std::string(web::kSessionCookie) + "=" + session->session_token}};
  auto missing = Client().Post("/subscribe", cookie, httplib::Params{{"email", "victim@example.org"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 403);
  auto wrong = Client().Post("/subscribe", cookie, httplib::Params{{"email", "victim@example.org"}, {"csrf", "x"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403);
  EXPECT_FALSE(Store().FindByEmail("victim@example.org").value().has_value());
  auto right = Client().Post("/subscribe", cookie,
                             httplib::Params{{"email", "victim@example.org"}, {"csrf", session->csrf_token}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  EXPECT_TRUE(Store().FindByEmail("victim@example.org").value().has_value());
}

TEST_F(SubscriptionFlowTest, BadAddressesTamperedTokensAndFloodsAreRefused) {
  auto bad = PostForm("/subscribe", {{"email", "victim@example.org\r\nBcc: everyone@example.org"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body.find("<script>"), std::string::npos);
  auto xss = PostForm("/subscribe", {{"email", "<script>alert(1)</script>@example.org"}});
  ASSERT_TRUE(xss);
  EXPECT_EQ(xss->status, 400);
  EXPECT_EQ(xss->body.find("<script>alert(1)</script>"), std::string::npos) << "the echoed input is escaped";

  auto sub = AddSubscriber("ada@example.org");
  auto service = Service();
  std::string token = service.UnsubscribeUrl(sub).substr(service.UnsubscribeUrl(sub).find("token=") + 6);
  std::string forged = token;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  auto tampered = Client().Post("/unsubscribe?token=" + forged, "List-Unsubscribe=One-Click",
                                "application/x-www-form-urlencoded");
  ASSERT_TRUE(tampered);
  EXPECT_EQ(tampered->status, 401);
  auto wrong_purpose = Client().Get("/subscriptions/preferences?token=" + token);
  ASSERT_TRUE(wrong_purpose);
  EXPECT_EQ(wrong_purpose->status, 400);
  EXPECT_TRUE(Store().FindByEmail("ada@example.org").value().has_value());

  // The per-client limit (6 an hour here): the 7th request from one address is refused.
  int refused = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = PostForm("/subscribe", {{"email", "flood" + std::to_string(i) + "@example.org"}});
    ASSERT_TRUE(r);
    refused += r->status == 429;
  }
  EXPECT_GE(refused, 2);
}

}  // namespace
}  // namespace paperfeed::mail

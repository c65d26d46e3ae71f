// A fresh catalogue with a few papers in the daily list, a real SMTP server, and mail settings
// pointing at both — the common ground of the mail tests.
#pragma once

#include <regex>

#include "core/calendar.hpp"
#include "core/paper.hpp"
#include "mail/digest.hpp"
#include "mail/mail_config.hpp"
#include "mail/subscription_service.hpp"
#include "smtp_sink.hpp"
#include "store/catalogue.hpp"
#include "store/subscriptions.hpp"

namespace paperfeed::testing {

inline core::Paper MakePaper(const std::string& id, const std::string& title, const std::string& published,
                             const std::string& category, std::vector<std::string> authors) {
  core::Paper p;
  p.id = id;
  p.latest_version = 1;
  p.versions = {{1, published + "T12:00:00Z"}};
  p.title = title;
  p.abstract = "We study " + title + ". The results are good.";
  p.authors = std::move(authors);
  p.primary_category = category;
  p.categories = {category};
  p.published = published + "T12:00:00Z";
  p.updated = p.published;
  return p;
}

// Links of one kind ("/unsubscribe?token=...") in a text.
inline std::vector<std::string> Links(const std::string& text, const std::string& path) {
  std::vector<std::string> out;
  std::regex re("https?://[^\\s\"<>]*" + path + "\\?token=[A-Za-z0-9._-]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back(it->str());
  }
  return out;
}

// "http://host:port/path?query" -> "/path?query".
inline std::string PathAndQuery(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

class MailTest : public CatalogueTest {
 protected:
  static constexpr const char* kDay = "2026-08-20";  // a Thursday, in week 2026-W34

  void SetUp() override {
    CatalogueTest::SetUp();
    auto& c = *catalogue_;
    // Three papers in the day's list with different upvotes, one on another day, one only on arXiv.
    ASSERT_TRUE(c.UpsertPaper(MakePaper("2608.00001", "Sparse attention for long documents", "2026-08-19", "cs.CL",
                                        {"Ada Lovelace", "Alan Turing"})).ok());
    ASSERT_TRUE(c.UpsertPaper(MakePaper("2608.00002", "Diffusion models für Bilder: ein Überblick", "2026-08-19",
                                        "cs.CV", {"Grace Hopper"})).ok());
    ASSERT_TRUE(c.UpsertPaper(MakePaper("2608.00003", "Curvature-aware optimizers beat Adam", "2026-08-18", "cs.LG",
                                        {"Yann LeCun", "Léon Bottou", "Ada Lovelace", "Jane Doe"})).ok());
    ASSERT_TRUE(c.UpsertPaper(MakePaper("2608.00004", "A paper of another day", "2026-08-10", "cs.LG",
                                        {"John Smith"})).ok());
    ASSERT_TRUE(c.UpsertPaper(MakePaper("2608.00005", "Graph networks <script>alert(1)</script> & more",
                                        kDay, "cs.LG", {"Edsger Dijkstra"})).ok());
    ASSERT_TRUE(c.UpsertDailyEntry({"2608.00001", kDay, "u1", "User One", 40, 0}).ok());
    ASSERT_TRUE(c.UpsertDailyEntry({"2608.00002", kDay, "u2", "User Two", 90, 0}).ok());
    ASSERT_TRUE(c.UpsertDailyEntry({"2608.00003", kDay, "u3", "User Three", 10, 0}).ok());
    ASSERT_TRUE(c.UpsertDailyEntry({"2608.00004", "2026-08-11", "u4", "User Four", 500, 0}).ok());

    config_.smtp_url = sink_.url();
    config_.public_base_url = "https://papers.example.org/";
    config_.from_address = "digest@papers.example.org";
    config_.from_name = "paperfeed";
    config_.throttle_per_second = 0;
    config_.retry_base_seconds = 60;
    config_.link_secret = "test-link-secret";
    auto zone = core::TimeZone::Load("America/New_York");
    ASSERT_TRUE(zone.ok());
    zone_ = std::move(*zone);
  }

  store::SubscriptionStore Store() { return store::SubscriptionStore(catalogue_->database()); }
  mail::SubscriptionService Service() {
    return mail::SubscriptionService(catalogue_->database(), config_, mail::LinkSigner(config_.link_secret));
  }
  store::Subscriber AddSubscriber(const std::string& email, store::SubscriberPreferences prefs = {}) {
    auto added = Service().AddDirect(email, prefs, true, 1000);
    EXPECT_TRUE(added.ok()) << added.error().message;
    return *added;
  }

  SmtpSink sink_;
  mail::MailConfig config_;
  std::optional<core::TimeZone> zone_;
};

}  // namespace paperfeed::testing

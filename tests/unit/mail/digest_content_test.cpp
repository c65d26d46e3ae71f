// mail/digest and mail/digest_run with hostile records: unsafe links, titles that cannot make a
// subject, one subscriber's failure and everyone else's digest.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/cli/cli_runner.hpp"
#include "mail/digest.hpp"
#include "mail/digest_run.hpp"
#include "mail/mail_config.hpp"
#include "mail_fixture.hpp"
#include "store/database.hpp"

namespace paperfeed::mail {
namespace {

Digest OnePaperDigest(const std::string& github_repo) {
  DigestPaper p;
  p.id = "2608.00001";
  p.title = "A title";
  p.github_repo = github_repo;
  Digest digest;
  digest.period.label = "Thu, 20 Aug 2026";
  digest.sections.push_back({"Trending", {p}});
  return digest;
}

TEST(DigestContentTest, CodeLinksAreOnlyAbsoluteHttpUrls) {
  MailConfig config;
  config.public_base_url = "https://papers.example.org";
  for (std::string unsafe : {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                             "//evil.example/x", "data:text/html,x", "/relative"}) {
    auto rendered = RenderDigest(OnePaperDigest(unsafe), {"https://p", "https://u"}, config);
    EXPECT_EQ(rendered.html.find(">code</a>"), std::string::npos) << unsafe;
    EXPECT_EQ(rendered.html.find("script:"), std::string::npos) << unsafe;
    EXPECT_EQ(rendered.html.find("evil.example"), std::string::npos) << unsafe;
  }
  auto ok = RenderDigest(OnePaperDigest("https://github.com/a/b"), {"https://p", "https://u"}, config);
  EXPECT_NE(ok.html.find("<a href=\"https://github.com/a/b\">code</a>"), std::string::npos);
}

class DigestRunIsolationTest : public testing::MailTest {
 protected:
  DigestPeriodInfo Day() { return PeriodFor(store::DigestPeriod::kDaily, std::string(kDay), *zone_, 0).value(); }
};

TEST_F(DigestRunIsolationTest, ANulInAStoredTitleStillMakesEveryonesDigest) {
  // A record stored before ingest cleaned text: its title leads the subject of every digest.
  static constexpr char kTitle[] = "Nul\0 in a\xE2\x80\xAE title";
  core::Paper p = testing::MakePaper("2608.00009", std::string(kTitle, sizeof kTitle - 1), "2026-08-19", "cs.LG",
                                     {std::string("Eve\0", 4)});
  ASSERT_TRUE(catalogue_->UpsertPaper(p).ok());
  ASSERT_TRUE(catalogue_->UpsertDailyEntry({"2608.00009", kDay, "eve", "Eve", 5000, 0}).ok());
  AddSubscriber("a@example.org", {.top_n = 3});
  AddSubscriber("b@example.org", {.top_n = 3});
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  auto report = RenderDigests(*catalogue_, *source, Service(), *zone_, Day(), 2000);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->rendered, 2);
  EXPECT_EQ(report->failed, 0);
}

TEST_F(DigestRunIsolationTest, OneSubscriberWhoseMessageCannotBeBuiltCostsOnlyTheirDigest) {
  AddSubscriber("a@example.org", {.top_n = 3});
  auto broken = AddSubscriber("broken@example.org", {.top_n = 3});
  AddSubscriber("c@example.org", {.top_n = 3});
  // An address stored by an older version (or by hand) that would inject a header.
  auto update = catalogue_->database().Prepare("UPDATE subscribers SET email = ? WHERE id = ?");
  ASSERT_TRUE(update.ok());
  update->Bind(1, "broken@example.org\r\nBcc: all@evil.example").Bind(2, broken.id);
  ASSERT_TRUE(update->Step().ok());
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  auto report = RenderDigests(*catalogue_, *source, Service(), *zone_, Day(), 2000);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->rendered, 2);
  EXPECT_EQ(report->failed, 1);
  std::string named = "subscriber " + std::to_string(broken.id);
  ASSERT_EQ(std::count_if(report->warnings.begin(), report->warnings.end(),
                          [&](const std::string& w) { return w.find(named) != std::string::npos; }),
            1)
      << ::testing::PrintToString(report->warnings);
  EXPECT_EQ(Store().CountOutbox("daily:").value().pending, 2);
  // The next run tries the failed one again and leaves the others alone.
  auto again = RenderDigests(*catalogue_, *source, Service(), *zone_, Day(), 3000).value();
  EXPECT_EQ(again.already, 2);
  EXPECT_EQ(again.failed, 1);
}

// RenderReport::failed was counted but `digest run` printed only the other counts: the cron mail
// said nothing about who got no digest.
TEST_F(DigestRunIsolationTest, DigestRunNamesTheSubscribersItCouldNotRender) {
  AddSubscriber("a@example.org", {.top_n = 3});
  auto broken = AddSubscriber("broken@example.org", {.top_n = 3});
  auto update = catalogue_->database().Prepare("UPDATE subscribers SET email = ? WHERE id = ?");
  ASSERT_TRUE(update.ok());
  update->Bind(1, "broken@example.org\r\nBcc: all@evil.example").Bind(2, broken.id);
  ASSERT_TRUE(update->Step().ok());
  const std::string config = dir_.Write("paperfeed.toml", "[mail]\nfrom_address = \"digest@papers.example.org\"\n");
  auto json = testing::RunPaperfeed({"--db", db_path(), "--config", config, "digest", "run", "--date", kDay,
                                     "--no-send", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.out;
  auto out = nlohmann::json::parse(json.out);
  EXPECT_EQ(out["rendered"], 1);
  EXPECT_EQ(out["not_rendered"], 1);
  ASSERT_EQ(out["not_rendered_subscribers"].size(), 1u) << json.out;
  EXPECT_EQ(out["not_rendered_subscribers"][0]["subscriber_id"], broken.id);
  EXPECT_NE(out["not_rendered_subscribers"][0]["reason"].get<std::string>(), "");

  // The next run retries it, and the human-readable output names it on its own line.
  auto text = testing::RunPaperfeed({"--db", db_path(), "--config", config, "digest", "run", "--date", kDay,
                                     "--no-send"});
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find("1 not rendered"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("not rendered: subscriber " + std::to_string(broken.id) + " <broken@example.org"),
            std::string::npos)
      << text.out;
  EXPECT_EQ(text.out.find("\r\nBcc"), std::string::npos) << "the stored address is printed on one line";
}

}  // namespace
}  // namespace paperfeed::mail

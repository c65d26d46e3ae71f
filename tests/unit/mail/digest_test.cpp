// mail/digest and mail/digest_run: periods, content from the real catalogue, rendering, the outbox
// rows a run records (once), and what reaches a real SMTP server.
#include "mail/digest.hpp"

#include <gtest/gtest.h>

#include "mail/digest_run.hpp"
#include "mail/message.hpp"
#include "mail/outbox_sender.hpp"
#include "mail/smtp_client.hpp"
#include "mail_fixture.hpp"

namespace paperfeed::mail {
namespace {

using testing::MailTest;

TEST(DigestPeriodTest, DailyAndWeeklyKeysFollowTheLocalCalendar) {
  auto zone = core::TimeZone::Load("America/New_York").value();
  auto daily = PeriodFor(store::DigestPeriod::kDaily, std::string("2026-08-20"), zone, 0).value();
  EXPECT_EQ(daily.key, "daily:2026-08-20");
  EXPECT_EQ(daily.first_day, "2026-08-20");
  EXPECT_EQ(daily.label, "Thu, 20 Aug 2026");
  EXPECT_EQ(daily.end_unix, 1787284800);  // 2026-08-21 00:00 EDT
  auto weekly = PeriodFor(store::DigestPeriod::kWeekly, std::string("2026-08-20"), zone, 0).value();
  EXPECT_EQ(weekly.key, "weekly:2026-W34");
  EXPECT_EQ(weekly.first_day, "2026-08-17");
  EXPECT_EQ(weekly.last_day, "2026-08-23");
  // Without a date: yesterday in New York. 2026-08-21 03:00 UTC is still the 20th there.
  EXPECT_EQ(PeriodFor(store::DigestPeriod::kDaily, std::nullopt, zone, 1787281200).value().key, "daily:2026-08-19");
  EXPECT_EQ(PeriodFor(store::DigestPeriod::kWeekly, std::nullopt, zone, 1787281200).value().key, "weekly:2026-W33");
  EXPECT_FALSE(PeriodFor(store::DigestPeriod::kDaily, std::string("2026-02-30"), zone, 0).ok());
}

TEST(DigestScheduleTest, NextSendTimeIsTheConfiguredLocalTime) {
  auto zone = core::TimeZone::Load("America/New_York").value();
  // 2026-08-20 10:00 UTC = 06:00 EDT -> 07:00 EDT the same day (11:00 UTC).
  EXPECT_EQ(NextSendTime(zone, 7 * 60, 1787220000), 1787223600);
  // Right at 07:00: the next one is tomorrow.
  EXPECT_EQ(NextSendTime(zone, 7 * 60, 1787223600), 1787223600 + 86400);
  // Across the November change the local time stays 07:00 (12:00 UTC in EST).
  int64_t oct31_7am = zone.FromLocal({2026, 10, 31}, 7, 0);
  EXPECT_EQ(NextSendTime(zone, 7 * 60, oct31_7am), zone.FromLocal({2026, 11, 1}, 7, 0));
  EXPECT_EQ(NextSendTime(zone, 7 * 60, oct31_7am) - oct31_7am, 86400 + 3600);
}

class DigestTest : public MailTest {
 protected:
  DigestPeriodInfo Day() { return PeriodFor(store::DigestPeriod::kDaily, std::string(kDay), *zone_, 0).value(); }
};

TEST_F(DigestTest, TrendingFollowsTheSitesRankingForTheDay) {
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  store::Subscriber s;
  s.top_n = 2;
  auto digest = BuildDigest(s, Day(), *source, 5).value();
  ASSERT_EQ(digest.sections.size(), 1u);
  ASSERT_EQ(digest.sections[0].papers.size(), 2u);
  EXPECT_EQ(digest.sections[0].papers[0].id, "2608.00002");  // 90 upvotes
  EXPECT_EQ(digest.sections[0].papers[1].id, "2608.00001");  // 40
  EXPECT_EQ(digest.sections[0].papers[0].upvotes, 90);
}

TEST_F(DigestTest, CategoriesAndAuthorsListThePeriodsNewPapers) {
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  store::Subscriber s;
  s.top_n = 0;
  s.categories = {"cs"};
  s.authors = {"ada lovelace", "Nobody Known"};
  auto week = PeriodFor(store::DigestPeriod::kWeekly, std::string(kDay), *zone_, 0).value();
  auto digest = BuildDigest(s, week, *source, 5).value();
  ASSERT_EQ(digest.sections.size(), 2u) << "the author without papers adds no section";
  EXPECT_EQ(digest.sections[0].heading, "New in cs");
  EXPECT_EQ(digest.sections[0].papers.size(), 4u) << "2608.00004 is from another week";
  EXPECT_EQ(digest.sections[1].heading, "New from ada lovelace");
  EXPECT_EQ(digest.sections[1].papers.size(), 2u);
}

TEST_F(DigestTest, TopicsWithoutASearchIndexAreLeftOutWithAWarning) {
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  store::Subscriber s;
  s.top_n = 1;
  s.topics = {"diffusion"};
  std::vector<std::string> warnings;
  auto digest = BuildDigest(s, Day(), *source, 5, &warnings).value();
  EXPECT_EQ(digest.sections.size(), 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("Saved search: diffusion"), std::string::npos);
}

TEST_F(DigestTest, RenderedMessageHasHeadersBothPartsAndEscapedLinks) {
  auto sub = AddSubscriber("ada@example.org", {.top_n = 3, .categories = {"cs.LG"}});
  auto service = Service();
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  auto digest = BuildDigest(sub, Day(), *source, 5).value();
  auto message = BuildDigestMessage(digest, sub, service, *zone_, 1787223600, "<m1@papers.example.org>");
  ASSERT_TRUE(message.ok()) << message.error().message;
  auto mail = testing::ParseReceived("", *message);
  EXPECT_EQ(mail.Header("To"), "ada@example.org");
  EXPECT_EQ(mail.Header("From"), "paperfeed <digest@papers.example.org>");
  EXPECT_EQ(mail.Header("Date"), "Thu, 20 Aug 2026 07:00:00 -0400");
  EXPECT_EQ(mail.Header("Message-ID"), "<m1@papers.example.org>");
  // The subject names the top paper, whose title is not ASCII: RFC 2047 encoded-words.
  EXPECT_EQ(mail.Header("Subject").rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(mail.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  auto unsubscribe = testing::Links(mail.Header("List-Unsubscribe"), "/unsubscribe");
  ASSERT_EQ(unsubscribe.size(), 1u);
  EXPECT_EQ(unsubscribe[0].rfind("https://papers.example.org/unsubscribe?token=u.", 0), 0u);
  // Both parts link every paper and the signed pages.
  for (const auto* part : {&mail.text, &mail.html}) {
    EXPECT_NE(part->find("https://papers.example.org/papers/2608.00002"), std::string::npos);
    EXPECT_NE(part->find("https://papers.example.org/papers/2608.00005"), std::string::npos) << "cs.LG, new that day";
    EXPECT_EQ(testing::Links(*part, "/unsubscribe"), unsubscribe);
    EXPECT_EQ(testing::Links(*part, "/subscriptions/preferences").size(), 1u);
  }
  EXPECT_NE(mail.text.find("Diffusion models für Bilder"), std::string::npos);
  EXPECT_NE(mail.text.find("Graph networks <script>alert(1)</script> & more"), std::string::npos);
  EXPECT_EQ(mail.html.find("<script>"), std::string::npos) << "titles are escaped in HTML";
  EXPECT_NE(mail.html.find("Graph networks &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), std::string::npos);
}

TEST_F(DigestTest, ARunRecordsOneRowPerSubscriberAndSkipsEmptyDigests) {
  AddSubscriber("a@example.org", {.top_n = 5});
  AddSubscriber("b@example.org", {.top_n = 0, .authors = {"Nobody Known"}});  // nothing that day
  AddSubscriber("weekly@example.org", {.period = store::DigestPeriod::kWeekly});
  Store().FindOrCreate("unconfirmed@example.org", {}, std::nullopt, 1).value();  // never gets a digest
  auto service = Service();
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  auto first = RenderDigests(*catalogue_, *source, service, *zone_, Day(), 2000).value();
  EXPECT_EQ(first.subscribers, 2);
  EXPECT_EQ(first.rendered, 1);
  EXPECT_EQ(first.empty, 1);
  auto again = RenderDigests(*catalogue_, *source, service, *zone_, Day(), 3000).value();
  EXPECT_EQ(again.rendered, 0);
  EXPECT_EQ(again.already, 2);
  auto counts = Store().CountOutbox("daily:").value();
  EXPECT_EQ(counts.pending, 1);
  EXPECT_EQ(counts.skipped, 1);

  auto smtp = SmtpClient::Create(config_).value();
  OutboxSender sender(catalogue_->database(), config_, *smtp);
  auto sent = sender.Drain().value();
  EXPECT_EQ(sent.sent, 1);
  auto mails = sink_.Messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_to, "a@example.org");
  EXPECT_EQ(mails[0].mail_from, "digest@papers.example.org");
  EXPECT_EQ(mails[0].Header("X-Paperfeed-Period"), "daily:2026-08-20");
  // A rerun of the whole thing sends nothing more.
  RenderDigests(*catalogue_, *source, service, *zone_, Day(), 4000).value();
  EXPECT_EQ(sender.Drain().value().sent, 0);
  EXPECT_EQ(sink_.Count(), 1u);
}

TEST_F(DigestTest, PreviewPrintsWithoutRecordingOrSending) {
  AddSubscriber("a@example.org", {.top_n = 5});
  auto service = Service();
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  auto preview = PreviewDigest(*catalogue_, *source, service, *zone_, Day(), "A@Example.org", 2000);
  ASSERT_TRUE(preview.ok()) << preview.error().message;
  EXPECT_NE(preview->find("2608.00002"), std::string::npos);
  EXPECT_EQ(Store().CountOutbox().value().pending, 0);
  EXPECT_EQ(PreviewDigest(*catalogue_, *source, service, *zone_, Day(), "x@example.org", 1).error().code,
            core::ErrorCode::kNotFound);
  auto empty_day = PeriodFor(store::DigestPeriod::kDaily, std::string("2026-01-01"), *zone_, 0).value();
  EXPECT_EQ(PreviewDigest(*catalogue_, *source, service, *zone_, empty_day, "a@example.org", 1).error().code,
            core::ErrorCode::kConflict);
}

}  // namespace
}  // namespace paperfeed::mail

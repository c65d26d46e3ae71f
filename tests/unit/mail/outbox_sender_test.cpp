// mail/outbox_sender against a real SMTP server: 4xx retries with backoff, 5xx failures that pause
// a subscription, orphaned "sending" rows, the single-sender lock, the throttle.
#include "mail/outbox_sender.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "mail/smtp_client.hpp"
#include "mail_fixture.hpp"
#include "store/process_lock.hpp"

namespace paperfeed::mail {
namespace {

class OutboxSenderTest : public testing::MailTest {
 protected:
  // Queues one small message per address.
  void Queue(const std::vector<std::string>& emails, const std::string& key = "daily:2026-08-20") {
    std::vector<store::OutboxMessage> rows;
    for (const auto& email : emails) {
      auto sub = Store().FindByEmail(email).value();
      int64_t id = sub ? sub->id : AddSubscriber(email).id;
      store::OutboxMessage m;
      m.subscriber_id = id;
      m.period_key = key;
      m.recipient = email;
      m.message_id = "<" + email + "." + key + "@test>";
      m.message = "From: digest@papers.example.org\r\nTo: " + email + "\r\nSubject: t\r\nMessage-ID: " + m.message_id +
                  "\r\n\r\nbody\r\n";
      m.next_attempt_at = now_;
      m.created_at = now_;
      rows.push_back(m);
    }
    ASSERT_EQ(Store().InsertOutbox(rows).value(), static_cast<int>(rows.size()));
  }
  OutboxSender Sender() { return OutboxSender(catalogue_->database(), config_, *smtp_, [this] { return now_; }); }
  store::OutboxMessage Row(const std::string& email, const std::string& key = "daily:2026-08-20") {
    auto sub = Store().FindByEmail(email).value();
    return *Store().FindOutbox(sub->id, key).value();
  }
  void SetUp() override {
    MailTest::SetUp();
    smtp_ = std::move(SmtpClient::Create(config_).value());
  }
  int64_t now_ = 1'800'000'000;
  std::unique_ptr<SmtpClient> smtp_;
};

TEST_F(OutboxSenderTest, SendsEveryPendingMessageOnce) {
  Queue({"a@example.org", "b@example.org", "c@example.org"});
  auto report = Sender().Drain().value();
  EXPECT_EQ(report.sent, 3);
  EXPECT_EQ(sink_.Count(), 3u);
  EXPECT_EQ(Row("b@example.org").state, store::OutboxState::kSent);
  EXPECT_EQ(Row("b@example.org").sent_at, now_);
  EXPECT_EQ(Sender().Drain().value().sent, 0);
  EXPECT_EQ(sink_.Count(), 3u);
}

TEST_F(OutboxSenderTest, A4xxIsRetriedWithBackoffUntilItGoesThrough) {
  sink_.SetRules("busy@example.org 451 2\n");
  Queue({"busy@example.org", "ok@example.org"});
  auto first = Sender().Drain().value();
  EXPECT_EQ(first.sent, 1);
  EXPECT_EQ(first.retried, 1);
  auto row = Row("busy@example.org");
  EXPECT_EQ(row.state, store::OutboxState::kPending);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.next_attempt_at, now_ + 60);
  EXPECT_NE(row.last_error->find("451"), std::string::npos);
  EXPECT_EQ(first.next_due, now_ + 60);
  // Not due yet: nothing happens.
  EXPECT_EQ(Sender().Drain().value().retried, 0);
  now_ += 60;
  EXPECT_EQ(Sender().Drain().value().retried, 1);
  EXPECT_EQ(Row("busy@example.org").next_attempt_at, now_ + 120) << "the delay doubles";
  now_ += 120;
  EXPECT_EQ(Sender().Drain().value().sent, 1);
  EXPECT_EQ(Row("busy@example.org").state, store::OutboxState::kSent);
  EXPECT_EQ(Row("busy@example.org").attempts, 3);
  EXPECT_EQ(sink_.Count(), 2u);
}

TEST_F(OutboxSenderTest, A4xxThatNeverEndsIsGivenUpAfterMaxAttempts) {
  config_.max_attempts = 2;
  sink_.SetRules("busy@example.org 451\n");
  Queue({"busy@example.org"});
  Sender().Drain().value();
  now_ += 3600;
  auto report = Sender().Drain().value();
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(Row("busy@example.org").state, store::OutboxState::kFailed);
  EXPECT_FALSE(Store().FindByEmail("busy@example.org").value()->paused) << "a 4xx is not a hard failure";
}

TEST_F(OutboxSenderTest, A5xxFailsAtOnceAndRepeatedOnesPauseTheSubscription) {
  sink_.SetRules("gone@example.org 550\n");
  for (int day = 1; day <= 3; ++day) {
    Queue({"gone@example.org", "ok@example.org"}, "daily:2026-08-0" + std::to_string(day));
    auto report = Sender().Drain().value();
    EXPECT_EQ(report.failed, 1);
    EXPECT_EQ(report.sent, 1);
    EXPECT_EQ(report.paused, day == 3 ? 1 : 0);
  }
  auto row = Row("gone@example.org", "daily:2026-08-01");
  EXPECT_EQ(row.state, store::OutboxState::kFailed);
  EXPECT_EQ(row.attempts, 1) << "a 5xx is never retried";
  EXPECT_NE(row.last_error->find("550"), std::string::npos);
  auto gone = Store().FindByEmail("gone@example.org").value();
  EXPECT_TRUE(gone->paused);
  EXPECT_EQ(gone->hard_failures, 3);
  EXPECT_FALSE(Store().FindByEmail("ok@example.org").value()->paused);
  EXPECT_EQ(sink_.Count(), 3u);
}

TEST_F(OutboxSenderTest, RowsLeftSendingByADeadSenderAreSentAgainWithTheirMessageId) {
  Queue({"a@example.org", "b@example.org"});
  // A sender that died after marking a row "sending" (kill -9 mid-message).
  ASSERT_TRUE(Store().MarkSending(Row("a@example.org").id, now_).value());
  auto report = Sender().Drain().value();
  EXPECT_EQ(report.requeued, 1);
  EXPECT_EQ(report.sent, 2);
  auto mails = sink_.Messages();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0].Header("Message-ID"), "<a@example.org.daily:2026-08-20@test>");
}

TEST_F(OutboxSenderTest, OnlyOneSenderDrainsADatabaseAtATime) {
  Queue({"a@example.org"});
  auto held = store::ProcessLock::Acquire(db_path(), "outbox", 0).value();
  ASSERT_TRUE(held);
  auto report = Sender().Drain(nullptr, -1, 0.1).value();
  EXPECT_TRUE(report.lock_busy);
  EXPECT_EQ(sink_.Count(), 0u);
  held.reset();
  EXPECT_EQ(Sender().Drain(nullptr, -1, 0.1).value().sent, 1);
}

TEST_F(OutboxSenderTest, AnUnreachableRelayStopsTheBatchAndLosesNothing) {
  config_.smtp_url = "smtp://127.0.0.1:1";  // nothing listens on port 1
  config_.smtp_timeout_seconds = 2;
  auto down = SmtpClient::Create(config_).value();
  Queue({"a@example.org", "b@example.org"});
  OutboxSender sender(catalogue_->database(), config_, *down, [this] { return now_; });
  auto report = sender.Drain().value();
  ASSERT_TRUE(report.relay_error.has_value());
  EXPECT_EQ(report.retried, 1) << "the batch stops after the first message";
  EXPECT_EQ(Row("b@example.org").attempts, 0);
  now_ += 3600;
  EXPECT_EQ(Sender().Drain().value().sent, 2);
}

TEST_F(OutboxSenderTest, TheThrottleSpacesMessages) {
  config_.throttle_per_second = 20;
  Queue({"a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org", "f@example.org"});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Sender().Drain().value().sent, 6);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 5 / 20.0 - 0.01) << "6 messages at 20/s take at least 5 intervals";
}

TEST(RetryDelayTest, DoublesFromTheBaseAndStopsAtSixHours) {
  EXPECT_EQ(RetryDelaySeconds(1, 60), 60);
  EXPECT_EQ(RetryDelaySeconds(2, 60), 120);
  EXPECT_EQ(RetryDelaySeconds(5, 60), 960);
  EXPECT_EQ(RetryDelaySeconds(30, 60), 6 * 3600);
}

}  // namespace
}  // namespace paperfeed::mail

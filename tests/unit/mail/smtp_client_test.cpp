// mail/smtp_client against a real SMTP server: delivery, 4xx/5xx classification, AUTH, STARTTLS.
#include "mail/smtp_client.hpp"

#include <gtest/gtest.h>

#include "mail/mail_config.hpp"
#include "smtp_sink.hpp"

namespace paperfeed::mail {
namespace {

const std::string kMessage =
    "From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\nMessage-ID: <1@example.org>\r\n\r\nbody\r\n"
    ".dot line stays\r\n";

std::unique_ptr<SmtpClient> Client(const std::string& url, bool verify_tls = true) {
  MailConfig config;
  config.smtp_url = url;
  config.smtp_timeout_seconds = 5;
  config.smtp_verify_tls = verify_tls;
  auto client = SmtpClient::Create(config);
  EXPECT_TRUE(client.ok()) << client.error().message;
  return std::move(client.value());
}

TEST(SmtpClientTest, DeliversManyMessagesOverOneClient) {
  testing::SmtpSink sink;
  auto client = Client(sink.url());
  for (int i = 0; i < 3; ++i) {
    auto r = client->Send("a@example.org", "b" + std::to_string(i) + "@example.org", kMessage);
    ASSERT_EQ(r.outcome, SmtpOutcome::kSent) << r.message;
  }
  auto mails = sink.Messages();
  ASSERT_EQ(mails.size(), 3u);
  EXPECT_EQ(mails[1].rcpt_to, "b1@example.org");
  EXPECT_EQ(mails[1].mail_from, "a@example.org");
  EXPECT_EQ(mails[1].Header("Subject"), "hi");
  EXPECT_NE(mails[1].raw.find("\r\n.dot line stays\r\n"), std::string::npos) << "dot-stuffing must be undone";
}

TEST(SmtpClientTest, ClassifiesTransientAndPermanentReplies) {
  testing::SmtpSink sink({.rules = "busy@example.org 451 1\ngone@example.org 550\n"});
  auto client = Client(sink.url());
  auto busy = client->Send("a@example.org", "busy@example.org", kMessage);
  EXPECT_EQ(busy.outcome, SmtpOutcome::kTransient) << busy.message;
  EXPECT_EQ(busy.code, 451);
  auto gone = client->Send("a@example.org", "gone@example.org", kMessage);
  EXPECT_EQ(gone.outcome, SmtpOutcome::kPermanent) << gone.message;
  EXPECT_EQ(gone.code, 550);
  EXPECT_NE(gone.message.find("550"), std::string::npos);
  // The 451 was for one attempt only, and the client still works after failures.
  EXPECT_EQ(client->Send("a@example.org", "busy@example.org", kMessage).outcome, SmtpOutcome::kSent);
  EXPECT_EQ(sink.Count(), 1u);
}

TEST(SmtpClientTest, AnUnreachableRelayIsTransient) {
  int port = 0;
  {
    testing::SmtpSink sink;  // take a free port, then stop listening on it
    port = sink.port();
  }
  auto client = Client("smtp://127.0.0.1:" + std::to_string(port));
  auto r = client->Send("a@example.org", "b@example.org", kMessage);
  EXPECT_EQ(r.outcome, SmtpOutcome::kTransient) << r.message;
}

TEST(SmtpClientTest, AuthenticatesWithTheUrlsCredentials) {
  testing::SmtpSink sink({.auth = "mailer:s3cret"});
  auto good = Client("smtp://mailer:s3cret@127.0.0.1:" + std::to_string(sink.port()));
  EXPECT_EQ(good->Send("a@example.org", "b@example.org", kMessage).outcome, SmtpOutcome::kSent);
  auto bad = Client("smtp://mailer:wrong@127.0.0.1:" + std::to_string(sink.port()));
  auto r = bad->Send("a@example.org", "b@example.org", kMessage);
  EXPECT_EQ(r.outcome, SmtpOutcome::kRelay) << r.message;
  EXPECT_EQ(bad->display_url(), "smtp://mailer:***@127.0.0.1:" + std::to_string(sink.port()));
  EXPECT_EQ(r.message.find("wrong"), std::string::npos) << "the password must not reach logs";
  EXPECT_EQ(sink.Count(), 1u);
}

TEST(SmtpClientTest, UsesStartTlsWhenTheRelayOffersIt) {
  testing::TempDir dir;
  std::string cert = dir.File("cert.pem"), key = dir.File("key.pem");
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
                    " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is needed to make a test certificate";
  testing::SmtpSink sink({.tls_cert = cert, .tls_key = key});
  MailConfig config;
  config.smtp_url = sink.url();
  config.smtp_require_tls = true;  // fails unless STARTTLS happened
  config.smtp_ca_file = cert;
  config.smtp_timeout_seconds = 5;
  auto client = SmtpClient::Create(config).value();
  auto r = client->Send("a@example.org", "b@example.org", kMessage);
  EXPECT_EQ(r.outcome, SmtpOutcome::kSent) << r.message;
  EXPECT_EQ(sink.Count(), 1u);
}

TEST(SmtpClientTest, RefusesAMissingOrForeignUrl) {
  MailConfig config;
  EXPECT_EQ(SmtpClient::Create(config).error().code, core::ErrorCode::kInvalidInput);
  config.smtp_url = "http://127.0.0.1:25";
  EXPECT_FALSE(SmtpClient::Create(config).ok());
}

}  // namespace
}  // namespace paperfeed::mail

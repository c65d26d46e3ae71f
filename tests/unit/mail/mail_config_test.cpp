// mail/mail_config: the configuration file, and the --smtp / $PAPERFEED_SMTP_URL / file order.
#include "mail/mail_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "test_support.hpp"

namespace paperfeed::mail {
namespace {

TEST(MailConfigTest, ReadsTheMailSectionAndIgnoresOtherModules) {
  testing::TempDir dir;
  std::string path = dir.Write("paperfeed.toml",
                               "# site settings\nlisten = \"127.0.0.1:8080\"\n\n[web]\nthreads = 8\n\n[mail]\n"
                               "smtp_url = \"smtp://relay.example.org:587\"\nsend_time = \"06:30\"  # local\n"
                               "time_zone = \"Europe/Berlin\"\nthrottle = 12.5\nweekly_day = friday\n"
                               "smtp_verify_tls = false\nfrom_address = \"papers@example.org\"\n");
  auto config = LoadMailConfig(path);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->smtp_url, "smtp://relay.example.org:587");
  EXPECT_EQ(config->SendMinutes().value(), 6 * 60 + 30);
  EXPECT_EQ(config->time_zone, "Europe/Berlin");
  EXPECT_DOUBLE_EQ(config->throttle_per_second, 12.5);
  EXPECT_EQ(config->weekly_weekday, 5);
  EXPECT_FALSE(config->smtp_verify_tls);
  EXPECT_EQ(config->from_address, "papers@example.org");
}

TEST(MailConfigTest, NamesTheFileAndLineOfABadSetting) {
  testing::TempDir dir;
  auto unknown = LoadMailConfig(dir.Write("a.toml", "[mail]\nsmtp_urll = \"x\"\n"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("a.toml:2"), std::string::npos) << unknown.error().message;
  auto bad_time = LoadMailConfig(dir.Write("b.toml", "[mail]\nsend_time = \"7am\"\n"));
  ASSERT_FALSE(bad_time.ok());
  EXPECT_NE(bad_time.error().message.find("send_time"), std::string::npos);
  EXPECT_FALSE(LoadMailConfig(dir.Write("c.toml", "[mail]\nsmtp_url = \"http://x\"\n")).ok());
  EXPECT_FALSE(LoadMailConfig(dir.Write("d.toml", "[mail]\nthrottle = fast\n")).ok());
}

TEST(MailConfigTest, SmtpUrlComesFromTheFlagThenTheEnvironmentThenTheFile) {
  testing::TempDir dir;
  std::string path = dir.Write("p.toml", "[mail]\nsmtp_url = \"smtp://file:25\"\n");
  unsetenv("PAPERFEED_SMTP_URL");
  EXPECT_EQ(ResolveMailConfig(path, "").value().smtp_url, "smtp://file:25");
  setenv("PAPERFEED_SMTP_URL", "smtp://env:25", 1);
  EXPECT_EQ(ResolveMailConfig(path, "").value().smtp_url, "smtp://env:25");
  EXPECT_EQ(ResolveMailConfig(path, "smtp://flag:25").value().smtp_url, "smtp://flag:25");
  unsetenv("PAPERFEED_SMTP_URL");
}

}  // namespace
}  // namespace paperfeed::mail

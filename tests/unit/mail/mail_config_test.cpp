// mail/mail_config: the configuration file, and the --smtp / $PAPERFEED_SMTP_URL / file order.
#include "mail/mail_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "test_support.hpp"

namespace paperfeed::mail {
namespace {

TEST(MailConfigTest, ValidateNamesTheBadSetting) {
  MailConfig ok;
  EXPECT_TRUE(ok.Validate().ok());
  MailConfig bad_time;
  bad_time.send_time = "7am";
  ASSERT_FALSE(bad_time.Validate().ok());
  EXPECT_NE(bad_time.Validate().error().message.find("send_time"), std::string::npos);
  MailConfig bad_url;
  bad_url.smtp_url = "http://x";
  EXPECT_FALSE(bad_url.Validate().ok());
}

}  // namespace
}  // namespace paperfeed::mail

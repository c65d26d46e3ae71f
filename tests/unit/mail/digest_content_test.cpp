// mail/digest and mail/digest_run with hostile records: unsafe links, titles that cannot make a
// subject, one subscriber's failure and everyone else's digest.
#include <gtest/gtest.h>

#include "mail/digest.hpp"
#include "mail/mail_config.hpp"

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

}  // namespace
}  // namespace paperfeed::mail

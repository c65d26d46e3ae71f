#include "core/url.hpp"

#include <gtest/gtest.h>

namespace paperfeed::core {
namespace {

TEST(SafeHttpUrlTest, KeepsAbsoluteHttpAndHttpsUrls) {
  EXPECT_EQ(SafeHttpUrl("https://github.com/a/b"), "https://github.com/a/b");
  EXPECT_EQ(SafeHttpUrl("HTTP://example.org/x?y=1#z"), "HTTP://example.org/x?y=1#z");
  EXPECT_EQ(SafeHttpUrl("  https://github.com/a/b\n"), "https://github.com/a/b");
}

TEST(SafeHttpUrlTest, RefusesScriptSchemesHoweverTheyAreSpelt) {
  EXPECT_EQ(SafeHttpUrl("javascript:alert(1)"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("JaVaScRiPt:alert(1)"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("java\tscript:alert(1)"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl(" \x01javascript:alert(1)"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("data:text/html,x"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("vbscript:x"), std::nullopt);
}

TEST(SafeHttpUrlTest, RefusesRelativeProtocolRelativeAndHostlessUrls) {
  EXPECT_EQ(SafeHttpUrl("//evil.example/x"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("/papers/1"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("github.com/a/b"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("https://"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("https:///evil.example"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("https:\\\\evil.example"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl(""), std::nullopt);
}

TEST(SafeHttpUrlTest, RefusesControlsAndSpacesInsideAndEncodesNonAscii) {
  EXPECT_EQ(SafeHttpUrl("https://a.example/x\ny"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("https://a.example/x y"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl(std::string("https://a.example/\0x", 20)), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("https://a.example/x\x7f"), std::nullopt);
  EXPECT_EQ(SafeHttpUrl("https://a.example/caf\xc3\xa9\xff"), "https://a.example/caf%C3%A9%FF");
}

}  // namespace
}  // namespace paperfeed::core

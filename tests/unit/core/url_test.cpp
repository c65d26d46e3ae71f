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

TEST(PercentEncodeTest, KeepsExactlyTheRfc3986UnreservedSet) {
  const std::string unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  EXPECT_EQ(PercentEncode(unreserved), unreserved);
  // Every other byte, each of the 256 checked, becomes %XX with uppercase hex.
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    if (unreserved.find(c) != std::string::npos) continue;
    static constexpr char kHex[] = "0123456789ABCDEF";
    const std::string expected = {'%', kHex[b >> 4], kHex[b & 15]};
    EXPECT_EQ(PercentEncode(std::string(1, c)), expected) << "byte " << b;
  }
}

TEST(PercentEncodeTest, EncodesQueryValuesAsServersExpect) {
  EXPECT_EQ(PercentEncode("6960524|1001"), "6960524%7C1001");  // an OAI-PMH resumption token
  EXPECT_EQ(PercentEncode("physics:hep-th"), "physics%3Ahep-th");
  EXPECT_EQ(PercentEncode("a b/c~d_e.f"), "a%20b%2Fc~d_e.f");  // a space is %20, never '+'
  EXPECT_EQ(PercentEncode("q=a&b"), "q%3Da%26b");
  EXPECT_EQ(PercentEncode("Schr\xc3\xb6" "dinger"), "Schr%C3%B6dinger");  // UTF-8 bytes one by one
  EXPECT_EQ(PercentEncode(""), "");
}

}  // namespace
}  // namespace paperfeed::core

#include "core/arxiv_id.hpp"

#include <gtest/gtest.h>

namespace paperfeed::core {
namespace {

TEST(ArxivIdTest, ParsesNewStyleWithAndWithoutVersion) {
  auto id = ParseArxivId("2501.01234v3");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->base, "2501.01234");
  EXPECT_EQ(id->version, 3);
  EXPECT_EQ(ParseArxivId("0704.0001")->base, "0704.0001");
  EXPECT_EQ(ParseArxivId("0704.0001")->version, 0);
}

TEST(ArxivIdTest, ParsesOldStyleIncludingSubjectClass) {
  EXPECT_EQ(ParseArxivId("hep-th/9901001")->base, "hep-th/9901001");
  EXPECT_EQ(ParseArxivId("math.GT/0309136v2")->base, "math.GT/0309136");
  EXPECT_EQ(ParseArxivId("math.GT/0309136v2")->version, 2);
}

TEST(ArxivIdTest, StripsUrlAndOaiPrefixes) {
  EXPECT_EQ(ParseArxivId("http://arxiv.org/abs/2501.01234v1")->base, "2501.01234");
  EXPECT_EQ(ParseArxivId("oai:arXiv.org:hep-th/9901001")->base, "hep-th/9901001");
  EXPECT_EQ(ParseArxivId("arXiv:2501.01234")->base, "2501.01234");
  EXPECT_EQ(ParseArxivId("https://arxiv.org/pdf/2501.01234v2.pdf")->version, 2);
}

TEST(ArxivIdTest, RejectsWhatIsNotAnId) {
  for (const char* bad : {"", "hello", "2501.123", "2501.1234567", "hep-th/99", "/9901001", "2501.01234vx"}) {
    auto id = ParseArxivId(bad);
    EXPECT_FALSE(id.ok()) << bad;
    if (!id.ok()) {
      EXPECT_NE(id.error().message.find("not an arXiv id"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace paperfeed::core

#include <gtest/gtest.h>

#include "ingest/parsers.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

InputFormat DetectFile(const std::string& relative) {
  return DetectFormat(testing::ReadFile(testing::SourceFile("tests/fixtures/" + relative)).substr(0, 4096));
}

TEST(FormatDetectionTest, RecognisesEveryFixtureByContent) {
  EXPECT_EQ(DetectFile("atom/arxiv-api-response.atom.xml"), InputFormat::kAtom);
  EXPECT_EQ(DetectFile("atom/arxiv-api-empty.atom.xml"), InputFormat::kAtom);
  EXPECT_EQ(DetectFile("atom/api-error.atom.xml"), InputFormat::kAtom);
  EXPECT_EQ(DetectFile("atom/versions-and-old-ids.atom.xml"), InputFormat::kAtom);  // <atom:feed>
  for (const char* name : {"arxiv-page1.xml", "arxivraw-versions.xml", "no-records-match.xml", "getrecord-arxivraw.xml"}) {
    EXPECT_EQ(DetectFile(std::string("oai/") + name), InputFormat::kOai) << name;
  }
  EXPECT_EQ(DetectFile("hf/2026-01-02.json"), InputFormat::kHfDaily);
  EXPECT_EQ(DetectFile("hf/2024-12-18.json"), InputFormat::kHfDaily);
  EXPECT_EQ(DetectFile("hf/2025-01-10.json"), InputFormat::kHfDaily);
  EXPECT_EQ(DetectFormat(testing::ReadFile(testing::Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl")).substr(0, 4096)),
            InputFormat::kArxivJson);
}

TEST(FormatDetectionTest, SkipsAByteOrderMarkAndLeadingWhiteSpace) {
  EXPECT_EQ(DetectFormat("\xEF\xBB\xBF  \n[]"), InputFormat::kHfDaily);
  EXPECT_EQ(DetectFormat("\n<?xml version=\"1.0\"?><OAI-PMH>"), InputFormat::kOai);
}

TEST(FormatDetectionTest, LeavesUnknownContentToTheUser) {
  EXPECT_EQ(DetectFormat(""), InputFormat::kAuto);
  EXPECT_EQ(DetectFormat("<html></html>"), InputFormat::kAuto);
  EXPECT_EQ(DetectFormat("id,title\n"), InputFormat::kAuto);
}

TEST(FormatDetectionTest, NamesRoundTrip) {
  for (auto f : {InputFormat::kAuto, InputFormat::kArxivJson, InputFormat::kAtom, InputFormat::kOai, InputFormat::kHfDaily}) {
    EXPECT_EQ(ParseFormatName(FormatName(f)), f);
  }
  EXPECT_FALSE(ParseFormatName("csv").has_value());
}

}  // namespace
}  // namespace paperfeed::ingest

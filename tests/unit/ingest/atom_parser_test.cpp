#include <gtest/gtest.h>

#include "golden.hpp"
#include "ingest/parsers.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

using testing::CollectingSink;

CollectingSink Parse(std::string_view xml, const std::string& source = "test.atom.xml") {
  CollectingSink sink;
  ParseArxivAtom(xml, source, sink);
  return sink;
}

CollectingSink ParseFixture(const std::string& name) {
  return Parse(testing::ReadFile(testing::SourceFile("tests/fixtures/atom/" + name)), "atom/" + name);
}

class ArxivAtomGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ArxivAtomGoldenTest, MatchesTheExpectedOutput) {
  const std::string name = GetParam();
  auto sink = ParseFixture(name + ".atom.xml");
  testing::ExpectMatchesGolden(testing::SinkToJson(sink), "atom/" + name + ".expected.json");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ArxivAtomGoldenTest,
                         ::testing::Values("arxiv-api-response", "arxiv-api-empty", "api-error", "versions-and-old-ids"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(ArxivAtomParserTest, ReadsBothEntriesOfTheRealApiResponse) {
  auto sink = ParseFixture("arxiv-api-response.atom.xml");
  ASSERT_TRUE(sink.errors.empty());
  ASSERT_EQ(sink.records.size(), 2u);
  const auto& first = sink.records[0].paper;
  EXPECT_EQ(first.id, "2510.14968");
  EXPECT_EQ(first.latest_version, 1);
  EXPECT_EQ(first.source, core::MetadataSource::kArxiv);
  EXPECT_EQ(first.authors, (std::vector<std::string>{"Mingxuan Yan", "Yuping Wang", "Zechun Liu", "Jiachen Li"}));
  EXPECT_EQ(first.primary_category, "cs.RO");
  EXPECT_EQ(first.categories,
            (std::vector<std::string>{"cs.RO", "cs.AI", "cs.CV", "cs.LG", "cs.SY", "eess.SY"}));
  EXPECT_EQ(first.published, "2025-10-16T17:59:37Z");
  EXPECT_NE(first.comments.find("NeurIPS"), std::string::npos);
  EXPECT_EQ(first.title.substr(0, 11), "RDD: Retrie");
  EXPECT_FALSE(sink.records[0].daily.has_value());
  const auto& second = sink.records[1].paper;
  EXPECT_EQ(second.id, "2510.14827");
  EXPECT_EQ(second.authors.size(), 6u);
  EXPECT_EQ(second.categories, (std::vector<std::string>{"cs.RO"}));
}

TEST(ArxivAtomParserTest, AnEmptyFeedGivesNoRecordsAndNoErrors) {
  auto sink = ParseFixture("arxiv-api-empty.atom.xml");
  EXPECT_TRUE(sink.records.empty());
  EXPECT_TRUE(sink.errors.empty());
}

TEST(ArxivAtomParserTest, ReportsTheApiErrorFeedNamingTheSource) {
  auto sink = ParseFixture("api-error.atom.xml");
  EXPECT_TRUE(sink.records.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].source, "atom/api-error.atom.xml");
  EXPECT_NE(sink.errors[0].reason.find("incorrect id format for 1234.12345"), std::string::npos);
}

TEST(ArxivAtomParserTest, ListsEveryVersionUpToTheNewestAndDatesTheOnesTheFeedDates) {
  auto sink = ParseFixture("versions-and-old-ids.atom.xml");
  ASSERT_GE(sink.records.size(), 1u);
  const auto& p = sink.records[0].paper;
  EXPECT_EQ(p.id, "0704.0001");
  EXPECT_EQ(p.latest_version, 3);
  ASSERT_EQ(p.versions.size(), 3u);
  EXPECT_EQ(p.versions[0].number, 1);
  EXPECT_EQ(p.versions[0].created, "2007-04-02T19:18:42Z");
  EXPECT_EQ(p.versions[1].number, 2);
  EXPECT_EQ(p.versions[1].created, "");  // the feed does not date middle versions
  EXPECT_EQ(p.versions[2].created, "2008-11-13T15:06:24Z");
  EXPECT_EQ(p.updated, "2008-11-13T15:06:24Z");
  EXPECT_EQ(p.doi, "10.1103/PhysRevD.76.013009");
  EXPECT_EQ(p.journal_ref, "Phys.Rev.D76:013009,2007");
  EXPECT_EQ(p.categories, (std::vector<std::string>{"hep-ph", "hep-ex"}));
}

TEST(ArxivAtomParserTest, ReadsOldStyleIdsAndPrefixedNamespaces) {
  auto sink = ParseFixture("versions-and-old-ids.atom.xml");
  ASSERT_EQ(sink.records.size(), 2u);
  const auto& p = sink.records[1].paper;
  EXPECT_EQ(p.id, "math/0309136");
  EXPECT_EQ(p.latest_version, 2);
  EXPECT_EQ(p.title, "Subject classes & old-style ids");  // CDATA kept as text
  EXPECT_EQ(p.primary_category, "math.GT");               // no primary_category: the first category
}

TEST(ArxivAtomParserTest, RejectsABrokenEntryByIndexAndIdAndKeepsTheOthers) {
  auto sink = ParseFixture("versions-and-old-ids.atom.xml");
  EXPECT_EQ(sink.records.size(), 2u);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].location, "entry 3 (http://arxiv.org/abs/0704.x)");
  EXPECT_NE(sink.errors[0].reason.find("not an arXiv id"), std::string::npos);
}

TEST(ArxivAtomParserTest, ReportsMalformedXmlWithLineAndColumn) {
  auto sink = Parse("<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry><id>x</entry>\n");
  EXPECT_TRUE(sink.records.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].location, "");
  EXPECT_NE(sink.errors[0].reason.find("line 3"), std::string::npos) << sink.errors[0].reason;
}

TEST(ArxivAtomParserTest, RejectsADocumentThatIsNotAnAtomFeed) {
  auto sink = Parse("<rss version=\"2.0\"><channel/></rss>");
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_NE(sink.errors[0].reason.find("<rss>"), std::string::npos);
}

TEST(ArxivAtomParserTest, RejectsAnImplausibleVersionNumber) {
  auto sink = Parse(R"(<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2501.01234v99999</id>
    <published>2025-01-02T00:00:00Z</published><title>T</title><category term="cs.LG"/></entry></feed>)");
  EXPECT_TRUE(sink.records.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_NE(sink.errors[0].reason.find("not plausible"), std::string::npos);
}

TEST(ArxivAtomParserTest, NeverExpandsEntitiesDeclaredInADoctype) {
  // "Billion laughs" / XXE: pugixml leaves DTD-declared entities unexpanded, so the title stays short.
  auto sink = Parse(R"(<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2501.01234v1</id>
<published>2025-01-02T00:00:00Z</published><title>&b;&x;</title><category term="cs.LG"/></entry></feed>)");
  for (const auto& r : sink.records) {
    EXPECT_EQ(r.paper.title.find("root:"), std::string::npos);
    EXPECT_LT(r.paper.title.size(), 64u);
  }
}

}  // namespace
}  // namespace paperfeed::ingest

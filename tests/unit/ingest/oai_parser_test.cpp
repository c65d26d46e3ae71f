#include <gtest/gtest.h>

#include "golden.hpp"
#include "ingest/ingester.hpp"
#include "ingest/parsers.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

using testing::CollectingSink;

struct Parsed {
  CollectingSink sink;
  OaiPage page;
};

Parsed ParseText(std::string_view xml, const std::string& source = "test.xml") {
  Parsed parsed;
  parsed.page = ParseOaiListRecords(xml, source, parsed.sink);
  return parsed;
}

Parsed ParseFixture(const std::string& name) {
  return ParseText(testing::ReadFile(testing::SourceFile("tests/fixtures/oai/" + name)), "oai/" + name);
}

class OaiGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OaiGoldenTest, MatchesTheExpectedOutput) {
  const std::string name = GetParam();
  auto parsed = ParseFixture(name + ".xml");
  auto json = testing::SinkToJson(parsed.sink);
  json["page"] = testing::PageToJson(parsed.page);
  testing::ExpectMatchesGolden(json, "oai/" + name + ".expected.json");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, OaiGoldenTest,
                         ::testing::Values("arxiv-page1", "arxiv-page2-last", "arxivraw-versions", "deleted-record",
                                           "malformed-records", "getrecord-arxivraw", "no-records-match",
                                           "bad-resumption-token"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(OaiParserTest, AFirstPageCarriesItsResumptionTokenAndListSize) {
  auto parsed = ParseFixture("arxiv-page1.xml");
  EXPECT_TRUE(parsed.sink.errors.empty());
  EXPECT_EQ(parsed.sink.records.size(), 3u);
  ASSERT_TRUE(parsed.page.resumption_token.has_value());
  EXPECT_EQ(*parsed.page.resumption_token, "6960524|1001");
  EXPECT_EQ(parsed.page.complete_list_size, 5);
  EXPECT_EQ(parsed.page.response_date, "2025-01-20T10:00:00Z");
  EXPECT_FALSE(parsed.page.error_code.has_value());
  EXPECT_EQ(parsed.page.latest_datestamp, "2013-10-15");  // the max, not the last, datestamp
}

TEST(OaiParserTest, AnEmptyResumptionTokenEndsTheList) {
  auto parsed = ParseFixture("arxiv-page2-last.xml");
  EXPECT_FALSE(parsed.page.resumption_token.has_value());
  EXPECT_EQ(parsed.page.complete_list_size, 5);
  EXPECT_EQ(parsed.sink.records.size(), 2u);
}

TEST(OaiParserTest, ReadsTheArxivFormatWithStructuredAuthors) {
  auto parsed = ParseFixture("arxiv-page1.xml");
  ASSERT_FALSE(parsed.sink.records.empty());
  const auto& p = parsed.sink.records[0].paper;
  EXPECT_EQ(p.id, "0704.0002");
  EXPECT_EQ(p.authors, (std::vector<std::string>{"Ileana Streinu", "Louis Theran"}));
  EXPECT_EQ(p.categories, (std::vector<std::string>{"math.CO", "cs.CG"}));
  EXPECT_EQ(p.primary_category, "math.CO");
  EXPECT_EQ(p.license, "http://arxiv.org/licenses/nonexclusive-distrib/1.0/");
  EXPECT_EQ(p.published, "2007-03-31T00:00:00Z");
  EXPECT_EQ(p.updated, "2008-12-13T00:00:00Z");
  EXPECT_EQ(p.latest_version, 0);  // <updated> present: replaced, but the format has no version numbers
  // A paper without <updated> has only its first version.
  const auto& single = parsed.sink.records[1].paper;
  EXPECT_EQ(single.id, "0704.0004");
  EXPECT_EQ(single.latest_version, 1);
  ASSERT_EQ(single.versions.size(), 1u);
  EXPECT_EQ(single.versions[0].created, single.published);
}

TEST(OaiParserTest, ReadsOldStyleIdentifiers) {
  auto page2 = ParseFixture("arxiv-page2-last.xml");
  ASSERT_FALSE(page2.sink.records.empty());
  EXPECT_EQ(page2.sink.records[0].paper.id, "math.GT/0309136");
  EXPECT_EQ(page2.sink.records[0].paper.authors, (std::vector<std::string>{"C. Placeholder"}));
  auto deleted = ParseFixture("deleted-record.xml");
  ASSERT_EQ(deleted.sink.records.size(), 1u);
  EXPECT_EQ(deleted.sink.records[0].paper.id, "hep-th/9901001");
  EXPECT_EQ(deleted.sink.records[0].paper.authors, (std::vector<std::string>{"A. N. Example", "B. Sample Jr"}));
}

TEST(OaiParserTest, SkipsDeletedRecordsButCountsTheirDatestamp) {
  auto parsed = ParseFixture("deleted-record.xml");
  EXPECT_TRUE(parsed.sink.errors.empty());
  ASSERT_EQ(parsed.sink.records.size(), 1u);
  EXPECT_EQ(parsed.page.latest_datestamp, "2009-03-02");
}

TEST(OaiParserTest, OrdersArxivRawVersionsByNumberWithTheirDates) {
  auto parsed = ParseFixture("arxivraw-versions.xml");
  ASSERT_TRUE(parsed.sink.errors.empty());
  ASSERT_EQ(parsed.sink.records.size(), 3u);
  const auto& shuffled = parsed.sink.records[2].paper;  // versions listed v3, v1, v4, v2 in the file
  EXPECT_EQ(shuffled.id, "0704.0027");
  ASSERT_EQ(shuffled.versions.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(shuffled.versions[i].number, i + 1);
  EXPECT_EQ(shuffled.latest_version, 4);
  EXPECT_EQ(shuffled.published, shuffled.versions.front().created);
  EXPECT_EQ(shuffled.updated, shuffled.versions.back().created);
  const auto& first = parsed.sink.records[0].paper;
  EXPECT_EQ(first.id, "0704.0001");
  EXPECT_EQ(first.submitter, "Pavel Nadolsky");
  EXPECT_EQ(first.versions[0].created, "2007-04-02T19:18:42Z");
  EXPECT_EQ(first.authors, (std::vector<std::string>{"C. Bal\\'azs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"}));
  EXPECT_EQ(parsed.sink.records[1].paper.latest_version, 5);
}

TEST(OaiParserTest, ReportsMalformedRecordsByOaiIdentifierAndKeepsTheOthers) {
  auto parsed = ParseFixture("malformed-records.xml");
  ASSERT_EQ(parsed.sink.records.size(), 2u);
  EXPECT_EQ(parsed.sink.records[0].paper.id, "0704.0003");
  EXPECT_EQ(parsed.sink.records[1].paper.id, "0704.0008");
  ASSERT_EQ(parsed.sink.errors.size(), 2u);
  EXPECT_EQ(parsed.sink.errors[0].source, "oai/malformed-records.xml");
  EXPECT_EQ(parsed.sink.errors[0].location, "oai:arXiv.org:0704.6");
  EXPECT_NE(parsed.sink.errors[0].reason.find("not an arXiv id"), std::string::npos);
  EXPECT_EQ(parsed.sink.errors[1].location, "oai:arXiv.org:0704.0007");
  EXPECT_NE(parsed.sink.errors[1].reason.find("<title>"), std::string::npos);
  EXPECT_EQ(parsed.page.resumption_token, "6960530|1001");
}

TEST(OaiParserTest, ReadsAGetRecordResponse) {
  auto parsed = ParseFixture("getrecord-arxivraw.xml");
  ASSERT_EQ(parsed.sink.records.size(), 1u);
  EXPECT_EQ(parsed.sink.records[0].paper.id, "0704.0098");
  EXPECT_FALSE(parsed.page.resumption_token.has_value());
}

TEST(OaiParserTest, ReturnsNoRecordsMatchAsAPageErrorWithoutSinkErrors) {
  auto parsed = ParseFixture("no-records-match.xml");
  EXPECT_EQ(parsed.page.error_code, "noRecordsMatch");
  EXPECT_TRUE(parsed.sink.errors.empty());
  EXPECT_TRUE(parsed.sink.records.empty());
  EXPECT_FALSE(parsed.page.resumption_token.has_value());
}

TEST(OaiParserTest, ReturnsBadResumptionTokenWithItsMessage) {
  auto parsed = ParseFixture("bad-resumption-token.xml");
  EXPECT_EQ(parsed.page.error_code, "badResumptionToken");
  EXPECT_NE(parsed.page.error_message.find("invalid or expired"), std::string::npos);
}

TEST(OaiParserTest, ABrokenDocumentIsAMalformedResponseNotTheEndOfTheList) {
  auto parsed = ParseText("<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><ListRecords><record>");
  EXPECT_EQ(parsed.page.error_code, "malformedResponse");
  EXPECT_NE(parsed.page.error_message.find("line 1"), std::string::npos);
  auto html = ParseText("<html><body>503 Service Unavailable</body></html>");
  EXPECT_EQ(html.page.error_code, "malformedResponse");
  EXPECT_NE(html.page.error_message.find("<html>"), std::string::npos);
}

TEST(OaiParserTest, RejectsAnUnsupportedMetadataFormatByIdentifier) {
  auto parsed = ParseText(R"(<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>
    <header><identifier>oai:arXiv.org:0704.0001</identifier><datestamp>2008-11-13</datestamp></header>
    <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"/></metadata>
    </record></ListRecords></OAI-PMH>)");
  ASSERT_EQ(parsed.sink.errors.size(), 1u);
  EXPECT_EQ(parsed.sink.errors[0].location, "oai:arXiv.org:0704.0001");
  EXPECT_NE(parsed.sink.errors[0].reason.find("metadataPrefix=arXiv or arXivRaw"), std::string::npos);
}

using OaiIngestTest = testing::CatalogueTest;

TEST_F(OaiIngestTest, TheIngesterStoresGoodRecordsAndNamesTheBadOnes) {
  IngestOptions options;
  options.progress = false;
  Ingester ingester(*catalogue_, options);
  const auto dir = testing::SourceFile("tests/fixtures/oai");
  ASSERT_TRUE(ingester.IngestPaths({dir + "/malformed-records.xml", dir + "/no-records-match.xml",
                                    dir + "/bad-resumption-token.xml", dir + "/arxivraw-versions.xml"})
                  .ok());
  const auto& s = ingester.summary();
  EXPECT_EQ(s.inserted, 5);
  // Two bad records, and badResumptionToken; noRecordsMatch is not an error.
  EXPECT_EQ(s.rejected, 3);
  auto stored = catalogue_->FindPaper("0704.0027");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->paper.latest_version, 4);
}

}  // namespace
}  // namespace paperfeed::ingest

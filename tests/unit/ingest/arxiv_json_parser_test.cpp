#include "ingest/arxiv_json_parser.hpp"

#include <gtest/gtest.h>

#include "ingest/input_file.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

TEST(ArxivJsonParserTest, ParsesTheFirstRecordOfTheRealDump) {
  auto reader = LineReader::Open(testing::Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"));
  ASSERT_TRUE(reader.ok());
  std::string_view line;
  ASSERT_TRUE(reader.value()->Next(line));
  ArxivJsonParser parser;
  auto record = parser.Parse(line);
  ASSERT_TRUE(record.ok()) << record.error().message;
  const auto& p = record->paper;
  EXPECT_EQ(p.id, "0704.0001");
  EXPECT_EQ(p.title, "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies");
  EXPECT_EQ(p.authors.size(), 4u);
  EXPECT_EQ(p.authors[0], "C. Balázs");  // authors_parsed carries the decoded name
  EXPECT_EQ(p.authors[2], "P. M. Nadolsky");
  EXPECT_EQ(p.primary_category, "hep-ph");
  EXPECT_EQ(p.published, "2007-04-02T19:18:42Z");
  EXPECT_EQ(p.latest_version, 2);
  EXPECT_EQ(p.doi, "10.1103/PhysRevD.76.013009");
  EXPECT_EQ(p.journal_ref, "Phys.Rev.D76:013009,2007");
  EXPECT_NE(p.abstract.find("quantum chromodynamics"), std::string::npos);
}

TEST(ArxivJsonParserTest, ParsesAllTwoHundredFixtureRecords) {
  auto reader = LineReader::Open(testing::Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"));
  ASSERT_TRUE(reader.ok());
  ArxivJsonParser parser;
  std::string_view line;
  int parsed = 0;
  while (reader.value()->Next(line)) {
    auto record = parser.Parse(line);
    ASSERT_TRUE(record.ok()) << "line " << reader.value()->line_number() << ": " << record.error().message;
    ++parsed;
  }
  EXPECT_EQ(parsed, 200);
}

TEST(ArxivJsonParserTest, NamesTheFieldAtFault) {
  ArxivJsonParser parser;
  auto no_title = parser.Parse(R"({"id":"2501.00001","title":"","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 6 Jan 2025 00:00:00 GMT"}]})");
  ASSERT_FALSE(no_title.ok());
  EXPECT_NE(no_title.error().message.find("'title'"), std::string::npos);
  auto bad_id = parser.Parse(R"({"id":"nonsense","title":"T","categories":"cs.LG","versions":[]})");
  ASSERT_FALSE(bad_id.ok());
  EXPECT_NE(bad_id.error().message.find("'id'"), std::string::npos);
  auto bad_date = parser.Parse(R"({"id":"2501.00001","title":"T","categories":"cs.LG","versions":[{"version":"v1","created":"soon"}]})");
  ASSERT_FALSE(bad_date.ok());
  EXPECT_NE(bad_date.error().message.find("versions"), std::string::npos);
  EXPECT_FALSE(parser.Parse(R"({"id":"2501.00001",)").ok());
  EXPECT_FALSE(parser.Parse("not json").ok());
}

TEST(ArxivJsonParserTest, FallsBackToTheAuthorsStringWithoutAuthorsParsed) {
  ArxivJsonParser parser;
  auto record = parser.Parse(R"({"id":"2501.00001","title":"T","authors":"A. One, B. Two and C. Three","categories":"cs.LG cs.AI","versions":[{"version":"v1","created":"Mon, 6 Jan 2025 00:00:00 GMT"}],"update_date":"2025-01-07"})");
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->paper.authors, (std::vector<std::string>{"A. One", "B. Two", "C. Three"}));
  EXPECT_EQ(record->paper.categories, (std::vector<std::string>{"cs.LG", "cs.AI"}));
  EXPECT_EQ(record->paper.updated, "2025-01-07T00:00:00Z");
}

}  // namespace
}  // namespace paperfeed::ingest

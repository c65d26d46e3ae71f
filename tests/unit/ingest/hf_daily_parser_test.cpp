#include <gtest/gtest.h>

#include <filesystem>

#include "golden.hpp"
#include "ingest/hf_python_repr.hpp"
#include "ingest/parsers.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

using testing::CollectingSink;

CollectingSink Parse(std::string_view json, const std::string& source, bool salvage = false) {
  CollectingSink sink;
  HfDailyOptions options;
  options.salvage_python_repr = salvage;
  ParseHfDaily(json, source, sink, options);
  return sink;
}

CollectingSink ParseFixture(const std::string& name, bool salvage = false) {
  return Parse(testing::ReadFile(testing::SourceFile("tests/fixtures/hf/" + name)), "hf/" + name, salvage);
}

struct GoldenCase {
  std::string file;
  bool salvage;
  std::string golden;
};

class HfDailyGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(HfDailyGoldenTest, MatchesTheExpectedOutput) {
  const auto& c = GetParam();
  auto sink = ParseFixture(c.file, c.salvage);
  testing::ExpectMatchesGolden(testing::SinkToJson(sink), "hf/" + c.golden);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HfDailyGoldenTest,
                         ::testing::Values(GoldenCase{"2024-07-05.json", false, "2024-07-05.expected.json"},
                                           GoldenCase{"2026-01-02.json", false, "2026-01-02.expected.json"},
                                           GoldenCase{"bad-records.json", false, "bad-records.expected.json"},
                                           GoldenCase{"2024-12-18.json", false, "2024-12-18.expected.json"},
                                           GoldenCase{"2024-12-18.json", true, "2024-12-18.salvaged.expected.json"},
                                           GoldenCase{"2025-01-10.json", false, "2025-01-10.expected.json"}),
                         [](const auto& info) {
                           std::string name = info.param.golden.substr(0, info.param.golden.find(".expected"));
                           for (auto& c : name)
                             if (c == '-' || c == '.') c = '_';
                           return "f" + name;
                         });

TEST(HfDailyParserTest, MapsANewerEntryWithCodeLinksAndSubmitter) {
  auto sink = ParseFixture("2026-01-02.json");
  ASSERT_TRUE(sink.errors.empty());
  ASSERT_EQ(sink.records.size(), 3u);
  bool saw_repo = false, saw_page = false;
  for (const auto& r : sink.records) {
    EXPECT_EQ(r.paper.source, core::MetadataSource::kHuggingFace);
    EXPECT_EQ(r.paper.latest_version, 0);
    ASSERT_TRUE(r.daily.has_value());
    EXPECT_EQ(r.daily->day, "2026-01-02");
    EXPECT_EQ(r.daily->paper_id, r.paper.id);
    EXPECT_FALSE(r.daily->submitted_by.empty());
    saw_repo |= r.paper.github_repo.has_value();
    saw_page |= r.paper.project_page.has_value();
  }
  EXPECT_TRUE(saw_repo);
  EXPECT_TRUE(saw_page);
}

TEST(HfDailyParserTest, ReadsTheOlderLayoutsTopLevelSubmitter) {
  auto sink = ParseFixture("2024-07-05.json");
  ASSERT_EQ(sink.records.size(), 3u);
  for (const auto& r : sink.records) {
    EXPECT_EQ(r.daily->day, "2024-07-05");
    EXPECT_FALSE(r.daily->submitted_by.empty());
    EXPECT_FALSE(r.paper.authors.empty());
    EXPECT_FALSE(r.paper.abstract.empty());
  }
}

TEST(HfDailyParserTest, TakesTheDayFromAnApiUrlAndOtherwiseFromTheUtcDateOfSubmission) {
  const std::string entry =
      R"([{"paper":{"id":"2601.00001","title":"T","upvotes":3,"publishedAt":"2025-12-30T18:00:00.000Z",
          "submittedOnDailyAt":"2026-01-02T00:46:46.368Z","submittedOnDailyBy":{"user":"ak","fullname":"A K"}},
          "publishedAt":"2025-12-30T18:00:00.000Z","numComments":2}])";
  auto from_url = Parse(entry, "https://huggingface.co/api/daily_papers?date=2026-01-05");
  ASSERT_EQ(from_url.records.size(), 1u);
  EXPECT_EQ(from_url.records[0].daily->day, "2026-01-05");
  auto unnamed = Parse(entry, "stdin");
  ASSERT_EQ(unnamed.records.size(), 1u);
  // 00:46Z is the evening before in New York, but the list of 2026-01-02 is what it entered.
  EXPECT_EQ(unnamed.records[0].daily->day, "2026-01-02");
  EXPECT_EQ(unnamed.records[0].daily->submitted_by, "ak");
  EXPECT_EQ(unnamed.records[0].daily->submitted_by_fullname, "A K");
  EXPECT_EQ(unnamed.records[0].daily->upvotes, 3);
  EXPECT_EQ(unnamed.records[0].daily->num_comments, 2);
  EXPECT_EQ(unnamed.records[0].paper.published, "2025-12-30T18:00:00Z");
}

TEST(HfDailyParserTest, ReportsBadRecordsByIndexAndKeepsTheOthers) {
  auto sink = ParseFixture("bad-records.json");
  ASSERT_EQ(sink.records.size(), 2u);
  ASSERT_EQ(sink.errors.size(), 5u);
  const std::vector<std::string> locations = {"record 2", "record 3", "record 4", "record 5", "record 6"};
  for (size_t i = 0; i < locations.size(); ++i) {
    EXPECT_EQ(sink.errors[i].source, "hf/bad-records.json");
    EXPECT_EQ(sink.errors[i].location, locations[i]);
  }
  EXPECT_NE(sink.errors[0].reason.find("paper.id"), std::string::npos);
  EXPECT_NE(sink.errors[1].reason.find("not an arXiv id"), std::string::npos);
  EXPECT_NE(sink.errors[2].reason.find("not an object"), std::string::npos);
  EXPECT_NE(sink.errors[3].reason.find("paper.upvotes"), std::string::npos);
  EXPECT_NE(sink.errors[4].reason.find("'paper'"), std::string::npos);
}

TEST(HfDailyParserTest, RejectsAReprFileWithOneMessageNamingTheFile) {
  auto sink = ParseFixture("2024-12-18.json");
  EXPECT_TRUE(sink.records.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].source, "hf/2024-12-18.json");
  EXPECT_EQ(sink.errors[0].location, "");
  EXPECT_NE(sink.errors[0].reason.find("Python repr() strings, not JSON objects"), std::string::npos);
  EXPECT_NE(sink.errors[0].reason.find("re-fetch this day"), std::string::npos);
}

TEST(HfDailyParserTest, RejectsTheWrappedReprFileTooAndSaysItIsAWrapper) {
  auto sink = ParseFixture("2025-01-10.json");
  EXPECT_TRUE(sink.records.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_NE(sink.errors[0].reason.find("{status, date, count, data} wrapper"), std::string::npos);
}

TEST(HfDailyParserTest, AcceptsTheWrapperWhenItsDataHoldsObjects) {
  auto day = testing::ReadFile(testing::SourceFile("tests/fixtures/hf/2026-01-02.json"));
  auto wrapped = R"({"status":"success","date":"2026-01-02","count":3,"data":)" + day + "}";
  auto sink = Parse(wrapped, "wrapped-download");
  EXPECT_TRUE(sink.errors.empty());
  ASSERT_EQ(sink.records.size(), 3u);
  EXPECT_EQ(sink.records[0].daily->day, "2026-01-02");
}

TEST(HfDailyParserTest, SalvagedReprEntriesEqualWhatPythonReadsFromThem) {
  // 2024-12-18.literal-eval.json is json.dumps(ast.literal_eval(s)) of the same two strings.
  auto salvaged = ParseFixture("2024-12-18.json", true);
  auto reference = Parse(testing::ReadFile(testing::SourceFile("tests/fixtures/hf/2024-12-18.literal-eval.json")),
                         "hf/2024-12-18.json");
  EXPECT_TRUE(salvaged.errors.empty());
  ASSERT_EQ(salvaged.records.size(), 2u);
  EXPECT_EQ(testing::SinkToJson(salvaged).dump(), testing::SinkToJson(reference).dump());
}

TEST(HfDailyParserTest, ReportsTheApiErrorObjectAndNonArrays) {
  auto error = Parse(R"({"error":"Invalid date"})", "x");
  ASSERT_EQ(error.errors.size(), 1u);
  EXPECT_NE(error.errors[0].reason.find("Invalid date"), std::string::npos);
  auto number = Parse("42", "x");
  ASSERT_EQ(number.errors.size(), 1u);
  EXPECT_NE(number.errors[0].reason.find("a number"), std::string::npos);
  auto broken = Parse("[{\"paper\":", "x");
  ASSERT_EQ(broken.errors.size(), 1u);
  EXPECT_NE(broken.errors[0].reason.find("not valid JSON"), std::string::npos);
  EXPECT_TRUE(Parse("[]", "x").errors.empty());
}

TEST(PythonLiteralTest, ConvertsWhatReprPrints) {
  auto j = PythonLiteralToJson(R"({'a': [1, -2.5e3, True, False, None], "b": 'it\'s', 'c': "say \"hi\"", 'd': (1,)})");
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(*j, R"({"a":[1,-2.5e3,true,false,null],"b":"it's","c":"say \"hi\"","d":[1]})");
}

TEST(PythonLiteralTest, DecodesEscapesToUtf8) {
  auto j = PythonLiteralToJson(R"('caf\xe9 \u4e2d \U0001f600 tab\there\nline \\ \x00')");
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(*j, "\"caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 tab\\there\\nline \\\\ \\u0000\"");
}

TEST(PythonLiteralTest, RejectsAnythingThatIsNotAPlainLiteral) {
  for (const char* bad : {"{'a': datetime.datetime(2024, 1, 1)}", "{1: 'int key'}", "'unterminated", "{'a' 1}",
                          "[1, 2", "'\\N{BULLET}'", "'\\ud800'", "float('nan')", "inf", "1j", "0x1F", "{'a': 1} extra",
                          "b'bytes'", "{1, 2}", "01", ""}) {
    EXPECT_FALSE(PythonLiteralToJson(bad).ok()) << bad;
  }
}

TEST(PythonLiteralTest, LimitsNestingDepth) {
  std::string deep(100000, '[');
  auto j = PythonLiteralToJson(deep);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().message.find("nested deeper"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::ingest

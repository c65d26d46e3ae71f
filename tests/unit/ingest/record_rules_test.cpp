// ingest/record_rules through the Ingester: hostile text from every source is cleaned before the
// catalogue (control characters, bidi overrides, ill-formed UTF-8), the abstract keeps its lines.
#include "ingest/record_rules.hpp"

#include <gtest/gtest.h>

#include <zlib.h>

#include "core/text.hpp"
#include "ingest/ingester.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

using RecordRulesTest = testing::CatalogueTest;

IngestOptions Quiet() {
  IngestOptions o;
  o.progress = false;
  return o;
}

// No byte a page, feed or mail subject must not carry: C0 controls (but LF where allowed), DEL, C1
// controls (U+0080–U+009F), bidi overrides and isolates, ill-formed UTF-8.
bool Clean(const std::string& text, bool newlines_allowed) {
  return core::SanitisedText(text, newlines_allowed ? core::TextKind::kMultiline : core::TextKind::kLine) == text;
}

core::Paper Stored(store::Catalogue& catalogue, const std::string& id) {
  auto found = catalogue.FindPaper(id);
  EXPECT_TRUE(found.ok() && found->has_value()) << id;
  return found.ok() && found->has_value() ? (*found)->paper : core::Paper{};
}

void ExpectCleanPaper(const core::Paper& p) {
  EXPECT_TRUE(Clean(p.title, false)) << p.title;
  EXPECT_TRUE(Clean(p.abstract, true)) << p.abstract;
  for (const auto& a : p.authors) EXPECT_TRUE(Clean(a, false)) << a;
  EXPECT_TRUE(Clean(p.comments, false)) << p.comments;
  EXPECT_FALSE(p.authors.empty());
}

const std::string kRlo = "\xE2\x80\xAE";   // U+202E RIGHT-TO-LEFT OVERRIDE
const std::string kLri = "\xE2\x81\xA6";   // U+2066 LEFT-TO-RIGHT ISOLATE
const std::string kNel = "\xC2\x85";       // U+0085, a C1 control
const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD

TEST_F(RecordRulesTest, HuggingFaceTitlesWithNulAndBidiOverridesAreCleaned) {
  // JSON escapes are how a NUL reaches a title: simdjson decodes \u0000 to the byte.
  std::string doc = R"([{"paper":{"id":"2512.24617","title":"Nul\u0000 and \u202egpj.exe\tend",)"
                    R"("summary":"First line.\nSecond\u0007 line\u2066.","upvotes":3,)"
                    R"("authors":[{"name":"Eve\u001b[31m"},{"name":"\u202e"}],)"
                    R"("submittedOnDailyBy":{"user":"eve\u0000","fullname":"\u202eEve"},)"
                    R"("publishedAt":"2025-12-31T04:19:33.000Z"}}])";
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestDocument(doc, "2026-01-02.json", InputFormat::kHfDaily).ok());
  ASSERT_TRUE(ingester.Flush().ok());
  ASSERT_EQ(ingester.summary().inserted, 1) << (ingester.summary().errors.empty() ? "" : ingester.summary().errors[0].reason);
  core::Paper p = Stored(*catalogue_, "2512.24617");
  ExpectCleanPaper(p);
  EXPECT_EQ(p.title, "Nul and gpj.exe end");
  EXPECT_EQ(p.abstract, "First line.\nSecond line.");
  EXPECT_EQ(p.authors, std::vector<std::string>{"Eve[31m"}) << "a name that cleans to nothing is dropped";
  auto entries = catalogue_->DailyEntriesForPaper("2512.24617").value();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].submitted_by, "eve");
  EXPECT_EQ(entries[0].submitted_by_fullname, "Eve");
}

TEST_F(RecordRulesTest, AtomEntriesWithIllFormedUtf8AndControlsAreCleaned) {
  std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
                    "xmlns:arxiv=\"http://arxiv.org/schemas/atom\"><entry>"
                    "<id>http://arxiv.org/abs/2501.00001v1</id><updated>2025-01-06T00:00:00Z</updated>"
                    "<published>2025-01-06T00:00:00Z</published>"
                    "<title>Bad \xFF byte" + kNel + " and " + kRlo + "override</title>"
                    "<summary>Esc \x1B here.\nNext line " + kLri + "isolated.</summary>"
                    "<author><name>Ada\x01 Lovelace</name></author>"
                    "<arxiv:comment>10 pages\x7F</arxiv:comment>"
                    "<arxiv:primary_category term=\"cs.LG\"/><category term=\"cs.LG\"/></entry></feed>";
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestDocument(doc, "api.atom", InputFormat::kAtom).ok());
  ASSERT_TRUE(ingester.Flush().ok());
  ASSERT_EQ(ingester.summary().inserted, 1) << (ingester.summary().errors.empty() ? "" : ingester.summary().errors[0].reason);
  core::Paper p = Stored(*catalogue_, "2501.00001");
  ExpectCleanPaper(p);
  EXPECT_EQ(p.title, "Bad " + kFffd + " byte and override");
  EXPECT_NE(p.abstract.find('\n'), std::string::npos) << "the abstract keeps its line breaks";
  EXPECT_EQ(p.authors, std::vector<std::string>{"Ada Lovelace"});
  EXPECT_EQ(p.comments, "10 pages");
}

TEST_F(RecordRulesTest, OaiRecordsAreCleaned) {
  std::string doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\">"
      "<responseDate>2025-01-20T10:00:00Z</responseDate><request verb=\"ListRecords\">x</request><ListRecords>"
      "<record><header><identifier>oai:arXiv.org:0704.0002</identifier><datestamp>2008-12-13</datestamp></header>"
      "<metadata><arXiv xmlns=\"http://arxiv.org/OAI/arXiv/\"><id>0704.0002</id><created>2007-03-31</created>"
      "<authors><author><keyname>Streinu" + kRlo + "</keyname><forenames>Ileana</forenames></author></authors>"
      "<title>Sparsity\x02 certifying " + kLri + "graphs\xC3</title><categories>math.CO</categories>"
      "<abstract>We describe\x1B[2J a game.</abstract></arXiv></metadata></record></ListRecords></OAI-PMH>";
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestDocument(doc, "oai.xml", InputFormat::kOai).ok());
  ASSERT_TRUE(ingester.Flush().ok());
  ASSERT_EQ(ingester.summary().inserted, 1) << (ingester.summary().errors.empty() ? "" : ingester.summary().errors[0].reason);
  core::Paper p = Stored(*catalogue_, "0704.0002");
  ExpectCleanPaper(p);
  EXPECT_EQ(p.title, "Sparsity certifying graphs" + kFffd);
  EXPECT_EQ(p.abstract, "We describe[2J a game.");
}

TEST_F(RecordRulesTest, BulkJsonLinesAreCleanedAndATitleThatCleansToNothingIsRejectedByLine) {
  const std::string good =
      R"({"id":"2501.00001","title":"Tab\tand\u0000 NUL\u202e","abstract":"a\r\nb\u0085","authors":"A. Person",)"
      R"("categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 6 Jan 2025 00:00:00 GMT"}]})";
  const std::string empty_title =
      R"({"id":"2501.00002","title":"\u0000\u202e\u0001","categories":"cs.LG",)"
      R"("versions":[{"version":"v1","created":"Mon, 6 Jan 2025 00:00:00 GMT"}]})";
  auto path = dir_.Write("dump.jsonl", good + "\n" + empty_title + "\n");
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestPaths({path}).ok());
  EXPECT_EQ(ingester.summary().inserted, 1);
  ASSERT_EQ(ingester.summary().errors.size(), 1u);
  EXPECT_EQ(ingester.summary().errors[0].source, path);
  EXPECT_EQ(ingester.summary().errors[0].location, "line 2");
  EXPECT_NE(ingester.summary().errors[0].reason.find("title"), std::string::npos);
  core::Paper p = Stored(*catalogue_, "2501.00001");
  EXPECT_EQ(p.title, "Tab and NUL");
  EXPECT_EQ(p.abstract, "a\nb");
}

TEST(PrepareRecordTest, IsIdempotentSoARerunFindsRecordsUnchanged) {
  IngestRecord record;
  record.paper.id = "2501.00001";
  record.paper.title = "x\x01y" + kRlo;
  record.paper.abstract = "one\r\ntwo";
  ASSERT_TRUE(PrepareRecord(record).ok());
  IngestRecord again = record;
  ASSERT_TRUE(PrepareRecord(again).ok());
  EXPECT_EQ(again.paper.title, record.paper.title);
  EXPECT_EQ(again.paper.abstract, record.paper.abstract);
}

std::string JsonLine(const std::string& id, const std::string& title, const std::string& abstract = "An abstract.",
                     const std::string& authors = "A. Person") {
  return R"({"id":")" + id + R"(","title":")" + title + R"(","abstract":")" + abstract + R"(","authors":")" + authors +
         R"(","categories":"cs.LG","versions":[{"version":"v1","created":"Mon, 6 Jan 2025 00:00:00 GMT"}]})";
}

TEST_F(RecordRulesTest, ALineOverTheLimitIsSkippedByFileAndLineAndTheRestIsStored) {
  // 64 MiB of one line compress to a few dozen KB: the shape of the 400 MB line that took 1.4 GB.
  const auto path = dir_.File("dump.jsonl.gz");
  gzFile gz = gzopen(path.c_str(), "wb");
  std::string first = JsonLine("2501.00001", "Before") + "\n";
  gzwrite(gz, first.data(), static_cast<unsigned>(first.size()));
  std::string block(1 << 20, 'x');
  std::string open = R"({"id":"2501.00002","title":")";
  gzwrite(gz, open.data(), static_cast<unsigned>(open.size()));
  for (int i = 0; i < 64; ++i) gzwrite(gz, block.data(), static_cast<unsigned>(block.size()));
  std::string rest = "\"}\n" + JsonLine("2501.00003", "After") + "\n";
  gzwrite(gz, rest.data(), static_cast<unsigned>(rest.size()));
  gzclose(gz);

  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestPaths({path}).ok());
  const auto& s = ingester.summary();
  EXPECT_EQ(s.inserted, 2);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].source, path);
  EXPECT_EQ(s.errors[0].location, "line 2");
  EXPECT_NE(s.errors[0].reason.find("over the limit of " + std::to_string(kDefaultMaxLineBytes)), std::string::npos)
      << s.errors[0].reason;
  EXPECT_NE(s.errors[0].reason.find(std::to_string(open.size() + (64u << 20) + 2) + " bytes"), std::string::npos)
      << s.errors[0].reason;
}

TEST(LineReaderTest, ReportsEveryLineOverTheLimitAndReadsTheOthers) {
  testing::TempDir dir;
  auto path = dir.Write("lines.txt", "short\n" + std::string(100, 'a') + "\nok\n" + std::string(50, 'b'));
  auto reader = LineReader::Open(path, 20).value();
  std::string_view line;
  ASSERT_TRUE(reader->Next(line));
  EXPECT_EQ(line, "short");
  EXPECT_FALSE(reader->line_too_long());
  ASSERT_TRUE(reader->Next(line));
  EXPECT_TRUE(reader->line_too_long());
  EXPECT_EQ(reader->skipped_line_bytes(), 100u);
  EXPECT_EQ(reader->line_number(), 2u);
  ASSERT_TRUE(reader->Next(line));
  EXPECT_EQ(line, "ok");
  EXPECT_FALSE(reader->line_too_long());
  ASSERT_TRUE(reader->Next(line));  // the last line, without a line break
  EXPECT_TRUE(reader->line_too_long());
  EXPECT_EQ(reader->skipped_line_bytes(), 50u);
  EXPECT_FALSE(reader->Next(line));
}

TEST_F(RecordRulesTest, FieldsOverTheirLimitsRejectTheRecordNamingLineAndField) {
  std::string many_authors;
  for (int i = 0; i < 10'001; ++i) many_authors += (i ? ", " : "") + std::string("A. B");
  auto path = dir_.Write("dump.jsonl", JsonLine("2501.00001", std::string(2'001, 't')) + "\n" +
                                           JsonLine("2501.00002", "Fine") + "\n" +
                                           JsonLine("2501.00003", "Long abstract", std::string(100'001, 'a')) + "\n" +
                                           JsonLine("2501.00004", "Crowd", "x", many_authors) + "\n");
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestPaths({path}).ok());
  const auto& s = ingester.summary();
  EXPECT_EQ(s.inserted, 1);
  ASSERT_EQ(s.errors.size(), 3u);
  EXPECT_EQ(s.errors[0].location, "line 1");
  EXPECT_NE(s.errors[0].reason.find("field 'title' has 2001 bytes, over the limit of 2000"), std::string::npos)
      << s.errors[0].reason;
  EXPECT_EQ(s.errors[1].location, "line 3");
  EXPECT_NE(s.errors[1].reason.find("field 'abstract'"), std::string::npos) << s.errors[1].reason;
  EXPECT_EQ(s.errors[2].location, "line 4");
  EXPECT_NE(s.errors[2].reason.find("field 'authors' has 10001 names"), std::string::npos) << s.errors[2].reason;
}

TEST_F(RecordRulesTest, ADocumentRecordOverALimitIsNamedByIdAndTheOthersAreStored) {
  std::string big(200'000, 'a');
  std::string doc = R"([{"paper":{"id":"2512.00001","title":"Huge","summary":")" + big +
                    R"(","publishedAt":"2025-12-31T04:19:33.000Z"}},)"
                    R"({"paper":{"id":"2512.00002","title":"Fine","summary":"ok","publishedAt":"2025-12-31T04:19:33.000Z"}}])";
  Ingester ingester(*catalogue_, Quiet());
  ASSERT_TRUE(ingester.IngestDocument(doc, "2026-01-02.json", InputFormat::kHfDaily).ok());
  ASSERT_TRUE(ingester.Flush().ok());
  const auto& s = ingester.summary();
  EXPECT_EQ(s.inserted, 1);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].source, "2026-01-02.json");
  EXPECT_EQ(s.errors[0].location, "paper 2512.00001");
  EXPECT_NE(s.errors[0].reason.find("field 'abstract' has 200000 bytes"), std::string::npos) << s.errors[0].reason;
}

TEST_F(RecordRulesTest, ADocumentFileOverTheLimitIsRefusedNamingIt) {
  IngestOptions options = Quiet();
  options.max_document_bytes = 1000;
  options.format = InputFormat::kHfDaily;
  auto path = dir_.Write("2026-01-02.json", "[" + std::string(2000, ' ') + "]");
  Ingester ingester(*catalogue_, options);
  ASSERT_TRUE(ingester.IngestPaths({path}).ok());
  ASSERT_EQ(ingester.summary().errors.size(), 1u);
  EXPECT_NE(ingester.summary().errors[0].reason.find(path), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::ingest

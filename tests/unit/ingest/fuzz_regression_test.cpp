// Replays every input the fuzzers ever crashed on (fuzz/regressions/<target>/) through the same
// parser, so each fixed crash stays fixed. Run under -DPAPERFEED_SANITIZE=ON to catch memory errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/arxiv_id.hpp"
#include "golden.hpp"
#include "ingest/arxiv_json_parser.hpp"
#include "ingest/hf_python_repr.hpp"
#include "ingest/parsers.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

// The saved crashers of one fuzz target. A target listed here without a folder, or with an empty
// one, is a test that checks nothing: that is a failure, not a pass.
std::vector<std::filesystem::path> Crashers(const std::string& target) {
  std::vector<std::filesystem::path> files;
  const auto dir = std::filesystem::path(testing::SourceFile("fuzz/regressions/" + target));
  EXPECT_TRUE(std::filesystem::is_directory(dir)) << dir << " is missing";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  EXPECT_FALSE(files.empty()) << dir << " holds no crashers";
  return files;
}

void ExpectWellFormed(const testing::CollectingSink& sink, const std::filesystem::path& file) {
  for (const auto& r : sink.records) EXPECT_TRUE(core::IsArxivIdBase(r.paper.id)) << file;
  for (const auto& e : sink.errors) EXPECT_FALSE(e.reason.empty()) << file;
}

TEST(FuzzRegressionTest, ArxivJsonCrashersAreRejectedCleanly) {
  ArxivJsonParser parser;
  for (const auto& file : Crashers("arxiv_json")) {
    auto record = parser.Parse(testing::ReadFile(file.string()));
    if (record.ok()) {
      EXPECT_TRUE(core::IsArxivIdBase(record->paper.id)) << file;
    }
  }
}

TEST(FuzzRegressionTest, AtomCrashersAreRejectedCleanly) {
  for (const auto& file : Crashers("atom")) {
    testing::CollectingSink sink;
    ParseArxivAtom(testing::ReadFile(file.string()), file.string(), sink);
    ExpectWellFormed(sink, file);
  }
}

TEST(FuzzRegressionTest, AVersionNumberBeyondIntIsAnErrorNotAnException) {
  // Reproduced with fuzz_arxiv_json and fuzz_atom: core::ParseArxivId used std::stoi, which threw.
  EXPECT_FALSE(core::ParseArxivId("2501.01234v99999999999").ok());
  EXPECT_FALSE(core::ParseArxivId("hep-th/9901001v4294967296").ok());
  EXPECT_EQ(core::ParseArxivId("2501.01234v12").value().version, 12);
}

}  // namespace
}  // namespace paperfeed::ingest

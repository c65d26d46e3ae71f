// The CLI as a user meets it: what each verb says on a terminal and in a pipe, and what it says
// when something is wrong (which file, which line, what to do).
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "store/migrations.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {
namespace {

using nlohmann::json;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Runs a shell command line under a pseudo-terminal (util-linux `script`), so the program sees a
// terminal on stdin, stdout and stderr as a user's shell gives it.
CommandResult RunOnTerminal(const std::string& command_line) {
  CommandResult result;
  const std::string command = "script -qec '" + command_line + "' /dev/null 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

class CliEdgesTest : public ::testing::Test {
 protected:
  const std::string& db() const { return db_.location(); }
  void IngestFixture() {
    ASSERT_EQ(RunPaperfeed({"--db", db(), "ingest", Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl")}).exit_code, 0);
  }
  TempDir dir_;
  paperfeed::testing::TestDatabase db_{dir_, "papers.db"};
};

TEST_F(CliEdgesTest, AnUnknownVerbIsNamedWithTheClosestOne) {
  auto r = RunPaperfeed({"--db", db(), "serv"}, /*keep_stderr=*/true);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown command 'serv'; did you mean 'serve'?"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("A subcommand is required"), std::string::npos) << r.out;
  auto far = RunPaperfeed({"frobnicate"}, true);
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.out.find("unknown command 'frobnicate'"), std::string::npos) << far.out;
  EXPECT_EQ(far.out.find("did you mean"), std::string::npos) << "nothing is close to it: " << far.out;
  EXPECT_NE(far.out.find("ingest"), std::string::npos) << "the commands are listed: " << far.out;
  // A known verb is untouched, and a global option's value is not taken for a verb.
  EXPECT_EQ(RunPaperfeed({"--db", db(), "stats"}).exit_code, 0);
}

TEST_F(CliEdgesTest, IngestWithAMissingFileStoresTheOthersAndNamesIt) {
  const auto missing = dir_.File("no-such-file.jsonl");
  auto r = RunPaperfeed({"--db", db(), "ingest", "--json", missing, Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl")});
  EXPECT_EQ(r.exit_code, 3) << r.out;
  auto summary = json::parse(r.out);
  EXPECT_EQ(summary["inserted"], 200) << "the good file is stored";
  ASSERT_EQ(summary["errors"].size(), 1u) << r.out;
  EXPECT_EQ(summary["errors"][0]["source"], missing);
  EXPECT_NE(summary["errors"][0]["reason"].get<std::string>().find("no such file or directory"), std::string::npos);
}

// db-migrate creates the tables on a new database and is a no-op the second time, on either backend.
TEST_F(CliEdgesTest, DbMigrateBringsANewDatabaseToTheLatestSchemaAndIsIdempotent) {
  const std::string backend = OnPostgres() ? "postgresql" : "sqlite";
  const int latest = store::MigrationsFor(OnPostgres() ? store::Backend::kPostgres : store::Backend::kSqlite).back().version;
  for (int run = 0; run < 2; ++run) {
    auto r = RunPaperfeed({"--db", db(), "db-migrate", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    auto out = nlohmann::json::parse(r.out);
    EXPECT_EQ(out["backend"], backend);
    EXPECT_EQ(out["schema_version"], latest);
  }
  EXPECT_EQ(RunPaperfeed({"--db", db(), "db-check"}).exit_code, 0);
}

TEST_F(CliEdgesTest, DbCheckOfAPathThatDoesNotExistSaysSoAndCreatesNothing) {
  const auto nowhere = dir_.File("typo.db");
  auto r = RunPaperfeed({"--db", nowhere, "db-check"}, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("does not exist"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(nowhere));
  IngestFixture();
  auto ok = RunPaperfeed({"--db", db(), "db-check"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_NE(ok.out.find("consistent"), std::string::npos);
}

TEST_F(CliEdgesTest, ShowPrintsAReadablePaperAndJsonOnlyWhenAsked) {
  IngestFixture();
  auto text = RunPaperfeed({"--db", db(), "show", "0704.0001"});
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.front(), '{') << "human output is not JSON";
  EXPECT_NE(text.out.find("arXiv:0704.0001"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Authors:"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("https://arxiv.org/abs/0704.0001"), std::string::npos) << text.out;
  auto as_json = RunPaperfeed({"--db", db(), "show", "--json", "0704.0001"});
  ASSERT_EQ(as_json.exit_code, 0);
  EXPECT_EQ(json::parse(as_json.out)["id"], "0704.0001");
}

TEST_F(CliEdgesTest, SearchSnippetsAreTextNotHtml) {
  PAPERFEED_NOT_YET_ON_POSTGRES("the terminal runner does not pass the URI through script(1) yet");
  IngestFixture();
  auto piped = RunPaperfeed({"--db", db(), "search", "--snippets", "--mode", "keyword", "quantum"});
  ASSERT_EQ(piped.exit_code, 0) << piped.out;
  EXPECT_EQ(piped.out.find("<mark>"), std::string::npos) << piped.out;
  EXPECT_EQ(piped.out.find("&#39;"), std::string::npos) << piped.out;
  EXPECT_EQ(piped.out.find("\033["), std::string::npos) << "no terminal codes in a pipe";
  auto tty = RunOnTerminal(std::string(PAPERFEED_BINARY) + " --db '" + db() + "' search --snippets --mode keyword quantum");
  ASSERT_EQ(tty.exit_code, 0) << tty.out;
  EXPECT_NE(tty.out.find("\033[1m"), std::string::npos) << "matched words are bold on a terminal: " << tty.out;
  EXPECT_EQ(tty.out.find("<mark>"), std::string::npos);
}

TEST_F(CliEdgesTest, IndexUpdateShowsProgressOnATerminal) {
  PAPERFEED_NOT_YET_ON_POSTGRES("the terminal runner does not pass the URI through script(1) yet");
  IngestFixture();
  auto tty = RunOnTerminal(std::string(PAPERFEED_BINARY) + " --db '" + db() + "' index update");
  ASSERT_EQ(tty.exit_code, 0) << tty.out;
  EXPECT_NE(tty.out.find("/s"), std::string::npos) << "a progress line with a rate: " << tty.out;
  EXPECT_NE(tty.out.find("indexed 200 changed papers"), std::string::npos) << tty.out;
  auto piped = RunPaperfeed({"--db", db(), "index", "update"}, true);
  EXPECT_EQ(piped.exit_code, 0);
  EXPECT_EQ(piped.out.find("\r"), std::string::npos) << "no progress bar in a pipe: " << piped.out;
}

TEST_F(CliEdgesTest, ANonJsonLineIsNamedByLineWithWhatWasExpected) {
  const auto lines = ReadFile(Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"));
  const auto first = lines.substr(0, lines.find('\n') + 1);
  const auto file = dir_.Write("mixed.jsonl", first + "this is not json\n" + "[1, 2]\n");
  auto r = RunPaperfeed({"--db", db(), "ingest", "--json", file});
  EXPECT_EQ(r.exit_code, 3);
  auto summary = json::parse(r.out);
  EXPECT_EQ(summary["inserted"], 1);
  ASSERT_EQ(summary["errors"].size(), 2u) << r.out;
  for (const auto& e : summary["errors"]) {
    EXPECT_EQ(e["source"], file);
    EXPECT_NE(e["reason"].get<std::string>().find("not a JSON object"), std::string::npos) << e;
    EXPECT_EQ(e["reason"].get<std::string>().find("does not have the requested type"), std::string::npos) << e;
  }
  EXPECT_EQ(summary["errors"][0]["location"], "line 2");
  EXPECT_NE(summary["errors"][1]["reason"].get<std::string>().find("'[1, 2]'"), std::string::npos);
}

TEST_F(CliEdgesTest, ATruncatedGzipIsNamedOnceWithItsLineAndWhatWasKept) {
  const auto plain = ReadFile(Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"));
  const auto gz_path = dir_.File("snapshot.jsonl.gz");
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, plain.data(), static_cast<unsigned>(plain.size()));
  gzclose(gz);
  const auto whole = ReadFile(gz_path);
  const auto cut = dir_.Write("cut.jsonl.gz", whole.substr(0, whole.size() * 2 / 3));
  auto r = RunPaperfeed({"--db", db(), "ingest", cut}, /*keep_stderr=*/true);
  EXPECT_EQ(r.exit_code, 3) << r.out;
  // The last whole line's JSON is cut too (its own error); the read error is a line of its own.
  const size_t at = r.out.find("truncated or corrupt");
  ASSERT_NE(at, std::string::npos) << r.out;
  const size_t begin = r.out.rfind('\n', at) == std::string::npos ? 0 : r.out.rfind('\n', at) + 1;
  const auto line = r.out.substr(begin, r.out.find('\n', at) - begin);
  EXPECT_EQ(Count(line, "cut.jsonl.gz"), 1u) << line;
  EXPECT_NE(line.find("line "), std::string::npos) << line;
}

TEST_F(CliEdgesTest, DigestPreviewIsReadableAndRawOnlyWhenAsked) {
  ASSERT_EQ(RunPaperfeed({"--db", db(), "ingest", Fixture("hf/archive/2026-08-21.json")}).exit_code, 0);
  ASSERT_EQ(RunPaperfeed({"--db", db(), "subscribers", "add", "ada@example.org", "--confirmed"}).exit_code, 0);
  auto text = RunPaperfeed({"--db", db(), "digest", "preview", "ada@example.org", "--date", "2026-08-21"}, true);
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_EQ(text.out.rfind("From: ", 0), 0u) << text.out.substr(0, 200);
  EXPECT_NE(text.out.find("\nSubject: "), std::string::npos);
  EXPECT_EQ(text.out.find("Content-Transfer-Encoding"), std::string::npos) << "no MIME plumbing";
  EXPECT_EQ(text.out.find("=\r\n"), std::string::npos) << "no quoted-printable soft breaks";
  EXPECT_EQ(text.out.find("=?UTF-8?"), std::string::npos) << "headers decoded";
  auto raw = RunPaperfeed({"--db", db(), "digest", "preview", "ada@example.org", "--date", "2026-08-21", "--raw"});
  ASSERT_EQ(raw.exit_code, 0);
  EXPECT_NE(raw.out.find("Content-Transfer-Encoding: quoted-printable"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::testing

// kill -9 during an ingest leaves the catalogue consistent, and rerunning completes it exactly.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_runner.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {
namespace {

using nlohmann::json;

constexpr int64_t kPapersInFile = 74728;

// Starts `paperfeed --db DB ingest FILE` and kills it with SIGKILL after `delay`.
// Returns true when the process was still running when killed.
bool IngestAndKill(const std::string& db, const std::string& file, std::chrono::milliseconds delay) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execl(PAPERFEED_BINARY, PAPERFEED_BINARY, "--db", db.c_str(), "ingest", "--batch", "2000", file.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  bool was_running = kill(pid, SIGKILL) == 0;
  int status = 0;
  waitpid(pid, &status, 0);
  return was_running && WIFSIGNALED(status);
}

TEST(CrashRecoveryTest, KillNineMidIngestThenRerunGivesExactCounts) {
  const auto file = SharedData("arxiv/arxiv-listings-2025-2026.jsonl.gz");
  int killed_mid_run = 0;
  for (int delay_ms : {150, 400, 700}) {
    TempDir dir;
    const auto db = dir.File("crash.db");
    // Migrations must be in place first, or the kill may land before any table exists.
    ASSERT_EQ(RunPaperfeed({"--db", db, "stats"}).exit_code, 0);
    if (IngestAndKill(db, file, std::chrono::milliseconds(delay_ms))) ++killed_mid_run;
    auto before = json::parse(RunPaperfeed({"--db", db, "stats", "--json"}).out);
    const int64_t committed = before["papers"];
    EXPECT_LE(committed, kPapersInFile);

    auto rerun = RunPaperfeed({"--db", db, "ingest", "--json", file});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out;
    auto summary = json::parse(rerun.out);
    EXPECT_EQ(summary["read"], kPapersInFile);
    EXPECT_EQ(summary["rejected"], 0);
    EXPECT_EQ(summary["updated"], 0) << "a committed record must not come back as changed";
    EXPECT_EQ(summary["unchanged"], committed) << "delay " << delay_ms << " ms";
    EXPECT_EQ(summary["inserted"], kPapersInFile - committed);

    auto after = json::parse(RunPaperfeed({"--db", db, "stats", "--json"}).out);
    EXPECT_EQ(after["papers"], kPapersInFile);
    auto check = RunPaperfeed({"--db", db, "db-check", "--json"});
    ASSERT_EQ(check.exit_code, 0) << check.out;
    EXPECT_EQ(json::parse(check.out)["integrity"], "ok");
  }
  // The file takes about a second to ingest: at least one kill must have landed mid-run,
  // or the test proved nothing.
  EXPECT_GE(killed_mid_run, 1);
}

}  // namespace
}  // namespace paperfeed::testing

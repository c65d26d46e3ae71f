// kill -9 during `paperfeed ingest`, then a rerun: the check shared by the clone-local crash test
// (a generated file) and the real-data one (the 74,728-paper arXiv file).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_runner.hpp"
#include "store/database.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {

// Papers committed so far, read through a second connection as any reader would see them.
inline int64_t CommittedPapers(const std::string& db) {
  auto opened = store::Database::Open(db);
  if (!opened) return -1;
  auto count = (*opened)->Prepare("SELECT count(*) FROM papers");
  if (!count) return -1;
  auto row = count->Step();
  if (!row || !*row) return -1;
  return count->Int(0);
}

// Starts `paperfeed --db DB ingest FILE`, waits until at least `threshold` papers are committed
// (watching the database, not the clock), and kills it with SIGKILL. Returns true when the process
// was still running when killed, i.e. the kill landed mid-run.
inline bool IngestAndKillAfter(const std::string& db, const std::string& file, int64_t threshold) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execl(PAPERFEED_BINARY, PAPERFEED_BINARY, "--db", db.c_str(), "ingest", "--batch", "2000", file.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (CommittedPapers(db) >= threshold) {
      const bool was_running = kill(pid, SIGKILL) == 0;
      waitpid(pid, &status, 0);
      return was_running && WIFSIGNALED(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling the database, not a timing guess
  }
  return false;  // it finished before the threshold was seen
}

// For kills after the first batch, a third and two thirds of the file: the catalogue is
// consistent after each, and rerunning the same ingest completes it exactly, without duplicates.
inline void ExpectKillNineThenRerunIsExact(const std::string& file, int64_t papers_in_file) {
  using nlohmann::json;
  int killed_mid_run = 0;
  for (int64_t threshold : {int64_t{1}, papers_in_file / 3, 2 * papers_in_file / 3}) {
    TempDir dir;
    TestDatabase database(dir, "crash.db");
    const auto& db = database.location();
    // Migrations must be in place first, or the kill may land before any table exists.
    ASSERT_EQ(RunPaperfeed({"--db", db, "stats"}).exit_code, 0);
    if (IngestAndKillAfter(db, file, threshold)) ++killed_mid_run;
    auto before = json::parse(RunPaperfeed({"--db", db, "stats", "--json"}).out);
    const int64_t committed = before["papers"];
    EXPECT_LE(committed, papers_in_file);

    auto rerun = RunPaperfeed({"--db", db, "ingest", "--json", file});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.out;
    auto summary = json::parse(rerun.out);
    EXPECT_EQ(summary["read"], papers_in_file);
    EXPECT_EQ(summary["rejected"], 0);
    EXPECT_EQ(summary["updated"], 0) << "a committed record must not come back as changed";
    EXPECT_EQ(summary["unchanged"], committed) << "killed after " << threshold << " papers";
    EXPECT_EQ(summary["inserted"], papers_in_file - committed);

    auto after = json::parse(RunPaperfeed({"--db", db, "stats", "--json"}).out);
    EXPECT_EQ(after["papers"], papers_in_file);
    auto check = RunPaperfeed({"--db", db, "db-check", "--json"});
    ASSERT_EQ(check.exit_code, 0) << check.out;
    EXPECT_EQ(json::parse(check.out)["integrity"], "ok");
  }
  // At least one kill must have landed mid-run, or the test proved nothing.
  EXPECT_GE(killed_mid_run, 1);
}

}  // namespace paperfeed::testing

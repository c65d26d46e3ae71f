// ingest/harvest_scheduler: the daily refresh inside `serve`. At the configured time it harvests
// each configured arXiv set over OAI-PMH and, when asked, Hugging Face's daily list; it records
// every attempt in the refresh log (store/refresh_log) for the freshness the site shows, retries a
// failed source with a doubling backoff, and catches up at start when a run was missed while the
// server was down. One harvester at a time per database (store/ProcessLock "harvest"), whether
// `serve` or a cron `harvest` holds it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "ingest/fetchers.hpp"
#include "ingest/harvester.hpp"

namespace paperfeed::ingest {

struct HarvestScheduleOptions {
  std::string db_path;
  std::vector<std::string> sets;            // OAI-PMH sets ("cs", "physics:hep-th"); may be empty
  std::string oai_base_url = kDefaultOaiBaseUrl;
  bool hf_daily = false;                    // also fetch Hugging Face's daily list (today and yesterday)
  std::string hf_base_url = kDefaultHfDailyUrl;
  std::chrono::milliseconds delay{3'000};   // between requests (arXiv's terms of use)
  int first_harvest_days = 3;               // a set never harvested starts this many days back
  std::chrono::seconds retry_after{1800};   // first retry of a failed source; doubled, at most 6 h
  // The calendar, from the caller (the configured time of day in the configured zone): the first
  // scheduled time after `after`, the last one at or before `at`, and whether arXiv announces new
  // papers on the day of `at` (a refresh that brings nothing on such a day is flagged).
  std::function<int64_t(int64_t after)> next_run;
  std::function<int64_t(int64_t at)> previous_run;
  std::function<bool(int64_t at)> announcement_day;
  std::function<int64_t()> now;                    // Unix seconds; empty: the system clock
  std::function<void(const std::string&)> log;     // one line per event; empty: stderr
};

// What one refresh of every source did.
struct RefreshRound {
  int sources = 0;
  int failed = 0;
  int64_t papers = 0;          // new or updated, all sources together
  bool lock_busy = false;      // another harvester holds the database: nothing was done
};

// Refreshes every configured source once, now, recording each attempt. `stop` ends it early.
core::Result<RefreshRound> RefreshSources(const HarvestScheduleOptions& options, const std::atomic<bool>* stop);

class HarvestScheduler {
 public:
  static core::Result<std::unique_ptr<HarvestScheduler>> Start(HarvestScheduleOptions options);
  ~HarvestScheduler();  // stops at the next page boundary and joins
  HarvestScheduler(const HarvestScheduler&) = delete;
  HarvestScheduler& operator=(const HarvestScheduler&) = delete;

 private:
  explicit HarvestScheduler(HarvestScheduleOptions options) : options_(std::move(options)) {}
  void Loop();
  bool MissedARun();
  void Log(const std::string& line) const;
  int64_t Now() const;
  // Waits until `when` (Unix seconds) or Stop; true when stopped.
  bool WaitUntil(int64_t when);

  HarvestScheduleOptions options_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

// The refresh-log name of an OAI-PMH set ("oai:cs") and of Hugging Face's daily list.
std::string OaiSourceName(const std::string& set);
inline constexpr const char* kHfDailySource = "hf:daily";

}  // namespace paperfeed::ingest

#include "ingest/harvest_scheduler.hpp"

#include <algorithm>
#include <cstdio>

#include "core/dates.hpp"
#include "store/process_lock.hpp"
#include "store/refresh_log.hpp"
#include "store/database.hpp"

namespace paperfeed::ingest {
namespace {

using core::ErrorCode;
using core::MakeError;

constexpr int64_t kMaxRetrySeconds = 6 * 3600;
constexpr int64_t kDaySeconds = 86400;

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string UtcDay(int64_t unix_seconds) { return core::UnixToIso(unix_seconds).substr(0, 10); }

// One source's attempt: ok or why not, and what it brought.
struct SourceOutcome {
  bool ok = false;
  int64_t papers = 0;
  std::string error;
};

HttpOptions QuietHttp(const HarvestScheduleOptions& options, const std::atomic<bool>* stop,
                      const std::function<void(const std::string&)>& log) {
  HttpOptions http;
  http.on_retry = log;
  // Waits (politeness delay, Retry-After, backoff) end early when serve stops.
  http.sleep = [stop](std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until && !(stop && stop->load())) {
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(wait, std::chrono::milliseconds(100)));
    }
  };
  (void)options;
  return http;
}

SourceOutcome HarvestSet(store::Catalogue& catalogue, const HarvestScheduleOptions& options, const std::string& set,
                         int64_t now, const std::atomic<bool>* stop, const std::function<void(const std::string&)>& log) {
  IngestOptions ingest_options;
  ingest_options.progress = false;
  Ingester ingester(catalogue, ingest_options);
  HarvestOptions harvest;
  harvest.base_url = options.oai_base_url;
  harvest.set = set;
  harvest.delay = options.delay;
  harvest.progress = false;
  harvest.stop = stop;
  harvest.http = QuietHttp(options, stop, log);
  // A set never harvested starts a few days back, not at the beginning of arXiv.
  auto state = catalogue.LoadHarvestState(HarvestStateKey(set));
  if (!state) return {false, 0, state.error().message};
  if (!state->last_datestamp && !state->resumption_token) {
    harvest.from = UtcDay(now - options.first_harvest_days * kDaySeconds);
  }
  auto report = HarvestOai(catalogue, ingester, harvest);
  const auto& s = ingester.summary();
  if (!report) return {false, s.inserted + s.updated, report.error().message};
  return {true, s.inserted + s.updated, ""};
}

SourceOutcome FetchHfDays(store::Catalogue& catalogue, const HarvestScheduleOptions& options, int64_t now,
                          const std::atomic<bool>* stop, const std::function<void(const std::string&)>& log) {
  IngestOptions ingest_options;
  ingest_options.progress = false;
  Ingester ingester(catalogue, ingest_options);
  HfFetchOptions fetch;
  fetch.base_url = options.hf_base_url;
  fetch.from = UtcDay(now - kDaySeconds);  // yesterday's list still gains upvotes
  fetch.to = UtcDay(now);
  fetch.delay = std::chrono::milliseconds(1000);
  fetch.progress = false;
  fetch.http = QuietHttp(options, stop, log);
  auto report = FetchHfDaily(ingester, fetch);
  const auto& s = ingester.summary();
  if (!report) return {false, s.inserted + s.updated, report.error().message};
  return {true, s.inserted + s.updated, ""};
}

}  // namespace

std::string OaiSourceName(const std::string& set) { return "oai:" + set; }

core::Result<RefreshRound> RefreshSources(const HarvestScheduleOptions& options, const std::atomic<bool>* stop) {
  auto log = options.log ? options.log : [](const std::string& line) { std::fprintf(stderr, "paperfeed: %s\n", line.c_str()); };
  RefreshRound round;
  auto lock = store::ProcessLock::Acquire(options.db_path, "harvest", 0);
  if (!lock) return lock.error();
  if (!*lock) {
    round.lock_busy = true;
    log("harvest: another harvester (a cron 'paperfeed harvest' or another serve) is running; skipped");
    return round;
  }
  auto catalogue = store::OpenCatalogue(options.db_path);
  if (!catalogue) return catalogue.error();
  const auto now_fn = options.now ? options.now : SystemNow;

  struct Source {
    std::string name;
    std::function<SourceOutcome(int64_t)> run;
    bool announced_daily;  // arXiv sets: nothing new on an announcement day is worth a warning
  };
  std::vector<Source> sources;
  for (const auto& set : options.sets) {
    sources.push_back({OaiSourceName(set),
                       [&, set](int64_t now) { return HarvestSet(**catalogue, options, set, now, stop, log); }, true});
  }
  if (options.hf_daily) {
    sources.push_back({kHfDailySource, [&](int64_t now) { return FetchHfDays(**catalogue, options, now, stop, log); },
                       false});
  }
  for (const auto& source : sources) {
    if (stop && stop->load()) break;
    const int64_t started = now_fn();
    SourceOutcome outcome = source.run(started);
    std::optional<std::string> problem;
    if (!outcome.ok) {
      problem = outcome.error;
    } else if (outcome.papers == 0 && source.announced_daily && options.announcement_day &&
               options.announcement_day(started)) {
      problem = "brought no new or updated papers on a day arXiv announces new ones";
    }
    ++round.sources;
    if (!outcome.ok) ++round.failed;
    round.papers += outcome.papers;
    if (auto r = store::RecordRefresh((*catalogue)->database(), source.name, now_fn(), outcome.ok, outcome.papers,
                                      problem);
        !r) {
      return r.error();
    }
    log("harvest " + source.name + ": " + (outcome.ok ? "" : "failed: " + outcome.error + "; ") +
        std::to_string(outcome.papers) + " new or updated papers" + (outcome.ok && problem ? " (" + *problem + ")" : ""));
  }
  return round;
}

core::Result<std::unique_ptr<HarvestScheduler>> HarvestScheduler::Start(HarvestScheduleOptions options) {
  if (!options.next_run || !options.previous_run) {
    return MakeError(ErrorCode::kInternal, "the harvest schedule needs next_run and previous_run");
  }
  if (options.sets.empty() && !options.hf_daily) {
    return MakeError(ErrorCode::kInvalidInput, "nothing to harvest: name [harvest] sets or set hf_daily = true");
  }
  auto scheduler = std::unique_ptr<HarvestScheduler>(new HarvestScheduler(std::move(options)));
  scheduler->thread_ = std::thread([s = scheduler.get()] { s->Loop(); });
  return scheduler;
}

HarvestScheduler::~HarvestScheduler() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HarvestScheduler::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
  else std::fprintf(stderr, "paperfeed: %s\n", line.c_str());
}

int64_t HarvestScheduler::Now() const { return options_.now ? options_.now() : SystemNow(); }

bool HarvestScheduler::WaitUntil(int64_t when) {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::system_clock::time_point(std::chrono::seconds(when));
  // The system clock, not steady: the schedule is a time of day, and a suspended machine that
  // wakes after the hour must run at once.
  while (!stop_ && Now() < when) {
    wake_.wait_until(lock, std::min(deadline, std::chrono::system_clock::now() + std::chrono::seconds(60)));
  }
  return stop_;
}

// A source that has never succeeded, or not since the last scheduled time, missed its run.
bool HarvestScheduler::MissedARun() {
  auto db = store::Database::Open(options_.db_path);
  if (!db) return true;
  auto refreshes = store::ListRefreshes(**db);
  if (!refreshes) return true;
  const int64_t due = options_.previous_run(Now());
  std::vector<std::string> names;
  for (const auto& set : options_.sets) names.push_back(OaiSourceName(set));
  if (options_.hf_daily) names.push_back(kHfDailySource);
  for (const auto& name : names) {
    auto found = std::find_if(refreshes->begin(), refreshes->end(), [&](const auto& r) { return r.source == name; });
    if (found == refreshes->end() || !found->last_success_at || *found->last_success_at < due) return true;
  }
  return false;
}

void HarvestScheduler::Loop() {
  int failures = 0;
  int64_t next = MissedARun() ? Now() : options_.next_run(Now());
  while (!WaitUntil(next)) {
    auto round = RefreshSources(options_, &stop_);
    if (stop_) break;
    const int64_t now = Now();
    const int64_t scheduled = options_.next_run(now);
    if (!round) {
      Log("harvest failed: " + round.error().message);
      ++failures;
    } else if (round->failed > 0) {
      ++failures;
    } else {
      failures = 0;
    }
    if (failures == 0) {
      next = scheduled;
      continue;
    }
    int64_t retry = options_.retry_after.count();
    for (int i = 1; i < failures && retry < kMaxRetrySeconds; ++i) retry *= 2;
    retry = std::min(retry, kMaxRetrySeconds);
    next = std::min(scheduled, now + retry);
    Log("harvest: retrying the failed sources in " + std::to_string(retry) + " s");
  }
}

}  // namespace paperfeed::ingest

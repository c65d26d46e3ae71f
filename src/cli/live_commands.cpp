// The live-source verbs: harvest (OAI-PMH), fetch-arxiv (arXiv API), fetch-hf (Hugging Face daily lists).
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>

#include "cli/command.hpp"
#include "cli/ingest_summary.hpp"
#include "core/dates.hpp"
#include "ingest/fetchers.hpp"
#include "ingest/harvest_scheduler.hpp"
#include "ingest/harvester.hpp"
#include "mail/time_zone.hpp"
#include "store/process_lock.hpp"
#include "store/refresh_log.hpp"

namespace paperfeed::cli {
namespace {

using std::chrono::milliseconds;

// Network options every live verb shares.
struct NetworkOptions {
  std::string base_url;
  double delay_seconds = 3;
  double timeout_seconds = 180;
  int retries = 4;
};

void AddNetworkOptions(CLI::App* cmd, NetworkOptions& options, const char* default_url, const char* delay_help) {
  cmd->add_option("--base-url", options.base_url, std::string("Endpoint to ask (default ") + default_url + ")");
  cmd->add_option("--delay", options.delay_seconds, delay_help)->check(CLI::Range(0.0, 3600.0));
  cmd->add_option("--timeout", options.timeout_seconds, "Seconds one request may take, body included (default 180)")
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_option("--retries", options.retries, "Retries of a failed request: network errors, 5xx, 429 (default 4)")
      ->check(CLI::Range(0, 100));
}

milliseconds Millis(double seconds) { return milliseconds(static_cast<int64_t>(seconds * 1000.0 + 0.5)); }

ingest::HttpOptions MakeHttpOptions(const NetworkOptions& n) {
  ingest::HttpOptions http;
  http.total_timeout = Millis(n.timeout_seconds);
  http.connect_timeout = std::min(http.connect_timeout, http.total_timeout);
  http.max_attempts = n.retries + 1;
  // Say why we are waiting: a harvest that pauses for a Retry-After must not look hung.
  http.on_retry = [](const std::string& message) { std::cerr << "paperfeed: " << message << "\n"; };
  return http;
}

ingest::IngestOptions MakeIngestOptions(bool json) {
  ingest::IngestOptions options;
  options.progress = !json && isatty(STDERR_FILENO);
  return options;
}

// Prints the run's counts (with the wall time of the whole run) and turns the outcome into an exit code.
int Finish(const ingest::Ingester& ingester, std::chrono::steady_clock::time_point start, nlohmann::json extra,
           bool json, bool allow_rejects, const core::Result<void>& result) {
  ingest::IngestSummary summary = ingester.summary();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (json) {
    auto out = SummaryToJson(summary);
    for (auto& [key, value] : extra.items()) out[key] = value;
    if (!result) out["error"] = result.error().message;
    PrintJson(out);
  } else {
    PrintSummary(summary);
  }
  if (!result) return ReportError(result.error());
  if (summary.rejected > 0 && !allow_rejects) {
    if (!json)
      std::cerr << "paperfeed: " << summary.rejected
                << " records were rejected (listed above); everything else was stored. Pass --allow-rejects to "
                   "accept that.\n";
    return kExitRejected;
  }
  return kExitOk;
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A cron run of `harvest` or `fetch-hf` refreshes its source like the scheduled one in serve, so
// the freshness the site shows is true for cron users too. Failing to record it is only a warning.
void RecordVerbRefresh(store::Catalogue& catalogue, const std::string& source, const ingest::Ingester& ingester,
                       const core::Result<void>& result) {
  const auto& s = ingester.summary();
  auto recorded = store::RecordRefresh(catalogue.database(), source, UnixNow(), result.ok(), s.inserted + s.updated,
                                       result ? std::nullopt : std::optional<std::string>(result.error().message));
  if (!recorded) std::cerr << "paperfeed: warning: the refresh of " << source << " was not recorded: "
                           << recorded.error().message << "\n";
}

// One harvester per database at a time: serve's daily harvest, a cron `harvest` or `fetch-hf`.
core::Result<std::unique_ptr<store::ProcessLock>> LockHarvest(const std::string& db_path, double wait_seconds) {
  auto lock = store::ProcessLock::Acquire(db_path, "harvest", wait_seconds);
  if (!lock) return lock.error();
  if (!*lock) {
    return core::MakeError(core::ErrorCode::kConflict,
                           "another harvester (serve's daily harvest, or another 'paperfeed harvest' or 'fetch-hf') "
                           "is running on " + db_path + "; wait for it to finish, or pass --lock-wait SECONDS");
  }
  return lock;
}

nlohmann::json OptionalJson(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

void RegisterHarvest(CommandRegistry& r) {
  struct Options {
    std::string set;
    std::string from, until;
    std::string metadata_prefix = "arXiv";
    NetworkOptions network;
    bool json = false;
    bool allow_rejects = false;
    double lock_wait = 0;
  };
  auto options = std::make_shared<Options>();
  options->network.base_url = ingest::kDefaultOaiBaseUrl;
  auto* cmd = r.app.add_subcommand("harvest", "Harvest new and updated papers of an arXiv set over OAI-PMH");
  cmd->footer(
      "Follows resumption tokens page by page, committing each page before moving on. The place is kept\n"
      "in the database (per set): an interrupted harvest resumes where it stopped when run again, and a\n"
      "harvest that completed makes the next one start from the newest datestamp it saw, so a daily cron\n"
      "job needs no --from. Waits --delay seconds between requests (arXiv asks for 3) and as long as a\n"
      "503 Retry-After says.\n\n"
      "Examples:\n  paperfeed harvest --set cs --from 2025-01-01\n"
      "  paperfeed harvest --set physics:hep-th --metadata-prefix arXivRaw\n"
      "  paperfeed harvest --set cs --json | jq .inserted");
  cmd->add_option("--set", options->set, "arXiv set: cs, math, stat, eess, econ, q-bio, q-fin, physics:hep-th, ...")
      ->required();
  cmd->add_option("--from", options->from, "First datestamp, YYYY-MM-DD (default: where the last harvest stopped)")
      ->check([](const std::string& v) { return core::IsIsoDay(v) ? "" : "expected a date YYYY-MM-DD, got " + v; });
  cmd->add_option("--until", options->until, "Last datestamp, YYYY-MM-DD, inclusive")
      ->check([](const std::string& v) { return core::IsIsoDay(v) ? "" : "expected a date YYYY-MM-DD, got " + v; });
  cmd->add_option("--metadata-prefix", options->metadata_prefix, "arXiv (default) or arXivRaw (every version's date)")
      ->check(CLI::IsMember({"arXiv", "arXivRaw"}));
  AddNetworkOptions(cmd, options->network, ingest::kDefaultOaiBaseUrl,
                    "Seconds between requests (default 3, arXiv's terms of use)");
  cmd->add_flag("--json", options->json, "Print one JSON object: the ingest counts and errors, and \"harvest\"");
  cmd->add_option("--lock-wait", options->lock_wait, "Seconds to wait for another harvester to finish (default 0)");
  cmd->add_flag("--allow-rejects", options->allow_rejects, "Exit 0 even when some records were rejected");
  cmd->callback([options, &r] {
    r.run = [options, &globals = r.globals] {
      const auto start = std::chrono::steady_clock::now();
      auto lock = LockHarvest(globals.db_path, options->lock_wait);
      if (!lock) return ReportError(lock.error());
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      ingest::HarvestOptions harvest;
      harvest.base_url = options->network.base_url;
      harvest.set = options->set;
      if (!options->from.empty()) harvest.from = options->from;
      if (!options->until.empty()) harvest.until = options->until;
      harvest.metadata_prefix = options->metadata_prefix;
      harvest.delay = Millis(options->network.delay_seconds);
      harvest.progress = !options->json && isatty(STDERR_FILENO);
      harvest.http = MakeHttpOptions(options->network);
      ingest::Ingester ingester(*catalogue.value(), MakeIngestOptions(options->json));
      auto report = ingest::HarvestOai(*catalogue.value(), ingester, harvest);
      nlohmann::json extra = nlohmann::json::object();
      core::Result<void> result;
      if (report) {
        const auto& h = report.value();
        extra["harvest"] = {{"set", options->set},
                            {"pages", h.pages},
                            {"resumed", h.resumed},
                            {"restarted", h.restarted},
                            {"no_records", h.no_records},
                            {"from", OptionalJson(h.from)},
                            {"last_datestamp", OptionalJson(h.last_datestamp)},
                            {"complete_list_size", h.complete_list_size ? nlohmann::json(*h.complete_list_size)
                                                                        : nlohmann::json(nullptr)}};
        if (!options->json) {
          std::cout << "harvest " << options->set << ": " << h.pages << (h.pages == 1 ? " page" : " pages")
                    << (h.resumed ? ", resumed an interrupted harvest" : "")
                    << (h.restarted ? " (its token had expired: started again from " + h.from.value_or("the beginning") + ")"
                                    : "")
                    << (h.no_records ? ", nothing new since " + h.from.value_or("the beginning") : "")
                    << "; the next run continues from " << h.last_datestamp.value_or("the beginning") << "\n";
        }
      } else {
        result = report.error();
      }
      RecordVerbRefresh(*catalogue.value(), ingest::OaiSourceName(options->set), ingester, result);
      return Finish(ingester, start, std::move(extra), options->json, options->allow_rejects, result);
    };
  });
}

void RegisterFetchArxiv(CommandRegistry& r) {
  struct Options {
    std::vector<std::string> ids;
    NetworkOptions network;
    bool json = false;
    bool allow_rejects = false;
  };
  auto options = std::make_shared<Options>();
  options->network.base_url = ingest::kDefaultArxivApiUrl;
  auto* cmd = r.app.add_subcommand("fetch-arxiv", "Fetch papers by arXiv id from the arXiv API into the catalogue");
  cmd->footer(
      "Asks for up to 100 ids per request, --delay seconds apart. A version suffix is ignored: the newest\n"
      "version is fetched. Ids arXiv does not know are listed; the exit status is then 3.\n\n"
      "Examples:\n  paperfeed fetch-arxiv 2501.01234 hep-th/9901001\n  paperfeed fetch-arxiv --json 2501.01234v2");
  cmd->add_option("ids", options->ids, "arXiv ids: 2501.01234, 2501.01234v2, arXiv:0704.0001, hep-th/9901001")->required();
  AddNetworkOptions(cmd, options->network, ingest::kDefaultArxivApiUrl,
                    "Seconds between requests (default 3, arXiv's terms of use)");
  cmd->add_flag("--json", options->json, "Print one JSON object: the ingest counts and errors, \"found\" and \"missing\"");
  cmd->add_flag("--allow-rejects", options->allow_rejects, "Exit 0 even when some records were rejected");
  cmd->callback([options, &r] {
    r.run = [options, &globals = r.globals] {
      const auto start = std::chrono::steady_clock::now();
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      ingest::ArxivFetchOptions fetch;
      fetch.base_url = options->network.base_url;
      fetch.delay = Millis(options->network.delay_seconds);
      fetch.http = MakeHttpOptions(options->network);
      ingest::Ingester ingester(*catalogue.value(), MakeIngestOptions(options->json));
      auto report = ingest::FetchArxivIds(options->ids, ingester, fetch);
      nlohmann::json extra = nlohmann::json::object();
      core::Result<void> result;
      if (report) {
        extra["found"] = report->found;
        extra["missing"] = report->missing;
      } else {
        result = report.error();
      }
      int code = Finish(ingester, start, std::move(extra), options->json, options->allow_rejects, result);
      if (report && !report->missing.empty()) {
        std::string list;
        for (const auto& id : report->missing) list += (list.empty() ? "" : ", ") + id;
        std::cerr << "paperfeed: arXiv returned nothing for " << list << " (check the ids)\n";
        if (code == kExitOk) code = kExitRejected;
      }
      return code;
    };
  });
}

std::string TodayUtc() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  return core::UnixToIso(static_cast<int64_t>(now)).substr(0, 10);
}

void RegisterFetchHf(CommandRegistry& r) {
  struct Options {
    std::string from, to;
    std::string save_dir;
    NetworkOptions network;
    bool json = false;
    bool allow_rejects = false;
    double lock_wait = 0;
  };
  auto options = std::make_shared<Options>();
  options->network.base_url = ingest::kDefaultHfDailyUrl;
  options->network.delay_seconds = 1;
  auto* cmd = r.app.add_subcommand("fetch-hf", "Fetch Hugging Face daily paper lists for a range of days");
  cmd->footer(
      "Asks GET <base-url>?date=D for each day D from --from to --to, weekends included (empty days are\n"
      "fine), and merges the entries: upvotes, submitters, code links. --save-dir keeps each raw answer\n"
      "as DIR/D.json, the layout 'paperfeed ingest --format hf-daily DIR' reads.\n\n"
      "Examples:\n  paperfeed fetch-hf --from 2025-01-06 --to 2025-01-12\n"
      "  paperfeed fetch-hf --from 2025-01-06 --save-dir data/hf-daily-papers");
  auto date_check = [](const std::string& v) { return core::IsIsoDay(v) ? "" : "expected a date YYYY-MM-DD, got " + v; };
  cmd->add_option("--from", options->from, "First day, YYYY-MM-DD")->required()->check(date_check);
  cmd->add_option("--to", options->to, "Last day, YYYY-MM-DD, inclusive (default: today, UTC)")->check(date_check);
  cmd->add_option("--save-dir", options->save_dir, "Also keep each raw answer as DIR/YYYY-MM-DD.json");
  AddNetworkOptions(cmd, options->network, ingest::kDefaultHfDailyUrl, "Seconds between requests (default 1)");
  cmd->add_flag("--json", options->json, "Print one JSON object: the ingest counts and errors, and \"days\"");
  cmd->add_option("--lock-wait", options->lock_wait, "Seconds to wait for another harvester to finish (default 0)");
  cmd->add_flag("--allow-rejects", options->allow_rejects, "Exit 0 even when some records were rejected");
  cmd->callback([options, &r] {
    r.run = [options, &globals = r.globals] {
      const auto start = std::chrono::steady_clock::now();
      auto lock = LockHarvest(globals.db_path, options->lock_wait);
      if (!lock) return ReportError(lock.error());
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      ingest::HfFetchOptions fetch;
      fetch.base_url = options->network.base_url;
      fetch.from = options->from;
      fetch.to = options->to.empty() ? TodayUtc() : options->to;
      if (!options->save_dir.empty()) fetch.save_dir = options->save_dir;
      fetch.delay = Millis(options->network.delay_seconds);
      fetch.progress = !options->json && isatty(STDERR_FILENO);
      fetch.http = MakeHttpOptions(options->network);
      ingest::Ingester ingester(*catalogue.value(), MakeIngestOptions(options->json));
      auto report = ingest::FetchHfDaily(ingester, fetch);
      nlohmann::json extra = nlohmann::json::object();
      core::Result<void> result;
      if (report) {
        extra["days"] = report->days;
        extra["empty_days"] = report->empty_days;
        extra["full_days"] = report->full_days;
        for (const auto& day : report->full_days) {
          std::cerr << "paperfeed: the list of " << day << " filled a whole answer (" << ingest::kHfEntriesPerRequest
                    << " entries); Hugging Face may hold more for that day\n";
        }
        if (!options->json) {
          std::cout << "fetch-hf " << fetch.from << " to " << fetch.to << ": " << report->days << " days, "
                    << report->empty_days << " of them empty"
                    << (fetch.save_dir ? "; raw answers in " + *fetch.save_dir : "") << "\n";
        }
      } else {
        result = report.error();
      }
      RecordVerbRefresh(*catalogue.value(), ingest::kHfDailySource, ingester, result);
      return Finish(ingester, start, std::move(extra), options->json, options->allow_rejects, result);
    };
  });
}

}  // namespace

void RegisterLiveCommands(CommandRegistry& registry) {
  RegisterHarvest(registry);
  RegisterFetchArxiv(registry);
  RegisterFetchHf(registry);
}

std::shared_ptr<void> StartHarvestForServe(const Config& config) {
  const HarvestConfig& h = config.harvest;
  if (!h.enabled()) return nullptr;
  auto zone = mail::TimeZone::Load(h.time_zone);
  auto minutes = h.Minutes();
  if (!zone || !minutes) {
    std::fprintf(stderr, "paperfeed: the daily harvest is off: %s\n",
                 (!zone ? zone.error() : minutes.error()).message.c_str());
    return nullptr;
  }
  auto tz = std::make_shared<mail::TimeZone>(std::move(*zone));
  const int at = *minutes;
  auto scheduled_on = [tz, at](int64_t day_of) {
    return tz->FromLocal(tz->LocalDate(day_of), at / 60, at % 60);
  };
  ingest::HarvestScheduleOptions options;
  options.db_path = config.database;
  options.sets = h.sets;
  options.oai_base_url = h.oai_url;
  options.hf_daily = h.hf_daily;
  options.hf_base_url = h.hf_url;
  options.delay = std::chrono::milliseconds(static_cast<int64_t>(h.delay_seconds * 1000));
  options.retry_after = std::chrono::seconds(h.retry_seconds);
  options.first_harvest_days = h.first_days;
  options.next_run = [scheduled_on](int64_t after) {
    // Today's time if still ahead, else tomorrow's (two days ahead covers a skipped DST hour).
    for (int64_t probe = after; probe < after + 3 * 86400; probe += 86400) {
      const int64_t t = scheduled_on(probe);
      if (t > after) return t;
    }
    return after + 86400;
  };
  options.previous_run = [scheduled_on](int64_t at) {
    const int64_t today = scheduled_on(at);
    return today <= at ? today : scheduled_on(at - 86400);
  };
  // arXiv announces new papers Sunday to Thursday evenings, New York time (Mon-Fri mailings).
  options.announcement_day = [tz](int64_t at) {
    const int weekday = mail::WeekdayOfDays(mail::DaysFromCivilDate(tz->LocalDate(at)));
    return weekday >= 0 && weekday <= 4;  // 0 = Sunday
  };
  auto scheduler = ingest::HarvestScheduler::Start(std::move(options));
  if (!scheduler) {
    std::fprintf(stderr, "paperfeed: the daily harvest is off: %s\n", scheduler.error().message.c_str());
    return nullptr;
  }
  std::string what;
  for (const auto& set : h.sets) what += (what.empty() ? "arXiv " : ", ") + set;
  if (h.hf_daily) what += std::string(what.empty() ? "" : " and ") + "Hugging Face's daily list";
  std::fprintf(stderr, "paperfeed: harvesting %s daily at %s %s\n", what.c_str(), h.time.c_str(), h.time_zone.c_str());
  return std::shared_ptr<ingest::HarvestScheduler>(std::move(*scheduler));
}

}  // namespace paperfeed::cli

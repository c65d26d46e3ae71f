#include "ingest/harvester.hpp"

#include <memory>
#include <thread>

#include "core/progress.hpp"
#include "ingest/parsers.hpp"

namespace paperfeed::ingest {
namespace {

using core::ErrorCode;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Keeps requests at least `delay` apart, counted from the end of one answer to the next request.
class Pacer {
 public:
  Pacer(milliseconds delay, SleepFunction sleep, ClockFunction now)
      : delay_(delay), sleep_(std::move(sleep)), now_(now ? std::move(now) : ClockFunction(steady_clock::now)) {}
  void BeforeRequest() {
    if (!last_) return;
    const auto elapsed = std::chrono::duration_cast<milliseconds>(now_() - *last_);
    const auto wait = delay_ - elapsed;
    if (wait <= milliseconds(0)) return;
    if (sleep_) sleep_(wait);
    else std::this_thread::sleep_for(wait);
  }
  void AfterResponse() { last_ = now_(); }

 private:
  milliseconds delay_;
  SleepFunction sleep_;
  ClockFunction now_;
  std::optional<steady_clock::time_point> last_;
};

std::string WithQuery(const std::string& base, const std::string& query) {
  return base + (base.find('?') == std::string::npos ? "?" : "&") + query;
}

std::string ListRecordsUrl(const HarvestOptions& options, const std::optional<std::string>& from) {
  std::string query = "verb=ListRecords&metadataPrefix=" + UrlEncode(options.metadata_prefix);
  if (!options.set.empty()) query += "&set=" + UrlEncode(options.set);
  if (from) query += "&from=" + UrlEncode(*from);
  if (options.until) query += "&until=" + UrlEncode(*options.until);
  return WithQuery(options.base_url, query);
}

std::string ResumeUrl(const HarvestOptions& options, const std::string& token) {
  // With a resumptionToken the verb is its only companion (OAI-PMH 2.0, 3.5: "exclusive argument").
  return WithQuery(options.base_url, "verb=ListRecords&resumptionToken=" + UrlEncode(token));
}

}  // namespace

std::string HarvestStateKey(const std::string& set) { return "oai:" + set; }

core::Result<HarvestReport> HarvestOai(store::Catalogue& catalogue, Ingester& ingester, const HarvestOptions& options) {
  HarvestReport report;
  const std::string key = HarvestStateKey(options.set);
  auto loaded = catalogue.LoadHarvestState(key);
  if (!loaded) return loaded.error();
  const store::HarvestState saved = loaded.value();

  // While a list is in progress, last_datestamp holds the `from` it was asked with, so that a
  // refused token can start the same list again; once complete, it holds the newest datestamp.
  std::optional<std::string> from = options.from ? options.from : saved.last_datestamp;
  std::string url;
  const bool can_resume = saved.resumption_token && !saved.resumption_token->empty() &&
                          (!options.from || options.from == saved.last_datestamp);
  if (can_resume) {
    report.resumed = true;
    from = saved.last_datestamp;
    url = ResumeUrl(options, *saved.resumption_token);
  } else {
    url = ListRecordsUrl(options, from);
  }
  report.from = from;

  HttpOptions http_options = options.http;
  // A retry is a request too: never retry sooner than the politeness delay.
  http_options.min_wait = std::max(http_options.min_wait, options.delay);
  HttpClient http(http_options);
  Pacer pacer(options.delay, options.http.sleep, options.http.now);

  std::optional<std::string> newest;
  std::unique_ptr<core::ProgressBar> bar;
  const int64_t read_before = ingester.summary().read;
  for (;;) {
    pacer.BeforeRequest();
    auto response = http.Get(HttpRequest{url, ExpectedContent::kXml, /*accept_client_errors=*/true});
    pacer.AfterResponse();
    if (!response) {
      auto error = response.error();
      error.message += report.pages > 0 || report.resumed
                           ? "; the harvest state is saved: run the same command again to resume"
                           : "";
      return error;
    }
    const std::string& body = response->body;
    if (response->status >= 400 && body.find("<OAI-PMH") == std::string::npos) {
      return core::MakeError(ErrorCode::kUnavailable, "GET " + url + ": HTTP " + std::to_string(response->status) +
                                                          " without an OAI-PMH answer; check --base-url");
    }

    OaiPage page = ParseOaiListRecords(body, url, ingester);
    if (page.error_code) {
      const std::string& code = *page.error_code;
      if (code == "noRecordsMatch") {
        // Nothing new since `from`: done. Keep the datestamp we asked from for the next run.
        report.no_records = report.pages == 0;
        break;
      }
      if (code == "badResumptionToken" && !report.restarted) {
        // Tokens expire (OAI-PMH 2.0, 3.5.1); the records already committed come back as unchanged.
        report.restarted = true;
        url = ListRecordsUrl(options, from);
        continue;
      }
      return core::MakeError(code == "badResumptionToken" ? ErrorCode::kConflict : ErrorCode::kInvalidInput,
                             "GET " + url + ": OAI-PMH error " + code +
                                 (page.error_message.empty() ? "" : ": " + page.error_message));
    }
    if (response->status >= 400) {
      return core::MakeError(ErrorCode::kUnavailable,
                             "GET " + url + ": HTTP " + std::to_string(response->status) + " with no OAI-PMH error code");
    }
    // The page is committed before the state that points past it is saved.
    if (auto flushed = ingester.Flush(); !flushed) return flushed.error();
    ++report.pages;
    if (page.complete_list_size) report.complete_list_size = page.complete_list_size;
    if (page.latest_datestamp && (!newest || *page.latest_datestamp > *newest)) newest = page.latest_datestamp;
    if (options.progress && !bar) {
      // completeListSize is optional (OAI-PMH 2.0, 3.5): without it the bar shows a count and a rate.
      bar = std::make_unique<core::ProgressBar>(
          "harvest " + options.set, static_cast<uint64_t>(report.complete_list_size.value_or(0)), " records");
    }
    if (bar) bar->Update(static_cast<uint64_t>(ingester.summary().read - read_before));

    if (page.resumption_token && !page.resumption_token->empty()) {
      if (auto r = catalogue.SaveHarvestState({key, from, page.resumption_token}); !r) return r.error();
      if (options.stop && options.stop->load()) {
        return core::MakeError(ErrorCode::kUnavailable, "harvest of " + options.set + " stopped after page " +
                                                            std::to_string(report.pages) +
                                                            "; its state is saved and the next run resumes");
      }
      url = ResumeUrl(options, *page.resumption_token);
      continue;
    }
    break;
  }
  if (bar) bar->Finish();
  report.last_datestamp = newest ? newest : from;
  if (auto r = catalogue.SaveHarvestState({key, report.last_datestamp, std::nullopt}); !r) return r.error();
  return report;
}

}  // namespace paperfeed::ingest

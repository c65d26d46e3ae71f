#include "ingest/fetchers.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include "core/arxiv_id.hpp"
#include "core/calendar.hpp"
#include "core/dates.hpp"
#include "core/progress.hpp"
#include "ingest/parsers.hpp"

namespace paperfeed::ingest {
namespace {

using core::ErrorCode;
using std::chrono::milliseconds;

void Wait(const SleepFunction& sleep, milliseconds duration) {
  if (duration <= milliseconds(0)) return;
  if (sleep) sleep(duration);
  else std::this_thread::sleep_for(duration);
}

std::string WithQuery(const std::string& base, const std::string& query) {
  return base + (base.find('?') == std::string::npos ? "?" : "&") + query;
}

// Passes records on to the ingester and notes which ids came back and how many entries there were.
class IdRecorder final : public RecordSink {
 public:
  explicit IdRecorder(RecordSink& target) : target_(target) {}
  void OnRecord(IngestRecord&& record) override {
    ids_.push_back(record.paper.id);
    target_.OnRecord(std::move(record));
  }
  void OnError(RecordError&& error) override {
    ++errors_;
    target_.OnError(std::move(error));
  }
  const std::vector<std::string>& ids() const { return ids_; }
  size_t entries() const { return ids_.size() + errors_; }

 private:
  RecordSink& target_;
  std::vector<std::string> ids_;
  size_t errors_ = 0;
};

// Writes `content` to `path` through a temporary file and a rename, so a crash never leaves half a file.
core::Result<void> WriteFileAtomically(const std::filesystem::path& path, const std::string& content) {
  const auto tmp = path.string() + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) return core::MakeError(ErrorCode::kIo, tmp + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return core::MakeError(ErrorCode::kIo, path.string() + ": cannot write (" + ec.message() + ")");
  return {};
}

bool IsEmptyJsonArray(std::string_view body) {
  std::string compact;
  for (char c : body) {
    if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
    if (compact.size() > 2) return false;
  }
  return compact == "[]";
}

}  // namespace

core::Result<ArxivFetchReport> FetchArxivIds(const std::vector<std::string>& ids, Ingester& ingester,
                                             const ArxivFetchOptions& options) {
  std::vector<std::string> wanted;
  std::set<std::string> seen;
  for (const auto& text : ids) {
    auto id = core::ParseArxivId(text);
    if (!id) return core::MakeError(ErrorCode::kInvalidInput, "'" + text + "' is not an arXiv id: " + id.error().message);
    if (seen.insert(id->base).second) wanted.push_back(id->base);
  }
  ArxivFetchReport report;
  if (wanted.empty()) return report;

  HttpOptions http_options = options.http;
  http_options.min_wait = std::max(http_options.min_wait, options.delay);  // a retry is a request too
  HttpClient http(http_options);
  const size_t per_request = std::max<size_t>(1, options.ids_per_request);
  std::set<std::string> returned;
  for (size_t start = 0; start < wanted.size(); start += per_request) {
    if (start > 0) Wait(options.http.sleep, options.delay);
    const size_t end = std::min(wanted.size(), start + per_request);
    std::string id_list;
    for (size_t i = start; i < end; ++i) id_list += (i > start ? "," : "") + wanted[i];
    // max_results defaults to 10 in the arXiv API: ask for as many as we name.
    const std::string url =
        WithQuery(options.base_url, "id_list=" + id_list + "&max_results=" + std::to_string(end - start));
    auto response = http.Get(url, ExpectedContent::kXml);
    ++report.requests;
    if (!response) return response.error();
    IdRecorder recorder(ingester);
    ParseArxivAtom(response->body, url, recorder);
    if (auto r = ingester.Flush(); !r) return r.error();
    for (const auto& id : recorder.ids()) {
      if (returned.insert(id).second) report.found.push_back(id);
    }
  }
  for (const auto& id : wanted) {
    if (!returned.count(id)) report.missing.push_back(id);
  }
  return report;
}

core::Result<std::vector<std::string>> DayRange(const std::string& from, const std::string& to) {
  if (!core::IsIsoDay(from)) return core::MakeError(ErrorCode::kInvalidInput, "'" + from + "' is not a date (YYYY-MM-DD)");
  if (!core::IsIsoDay(to)) return core::MakeError(ErrorCode::kInvalidInput, "'" + to + "' is not a date (YYYY-MM-DD)");
  if (to < from) return core::MakeError(ErrorCode::kInvalidInput, "the range " + from + " to " + to + " ends before it starts");
  auto day_number = [](const std::string& d) {
    return core::DaysFromCivil(std::stoi(d.substr(0, 4)), static_cast<unsigned>(std::stoi(d.substr(5, 2))),
                               static_cast<unsigned>(std::stoi(d.substr(8, 2))));
  };
  std::vector<std::string> days;
  for (int64_t n = day_number(from), last = day_number(to); n <= last; ++n) {
    days.push_back(core::UnixToIso(n * 86400).substr(0, 10));
  }
  return days;
}

core::Result<HfFetchReport> FetchHfDaily(Ingester& ingester, const HfFetchOptions& options) {
  auto days = DayRange(options.from, options.to.empty() ? options.from : options.to);
  if (!days) return days.error();
  if (options.save_dir) {
    std::error_code ec;
    std::filesystem::create_directories(*options.save_dir, ec);
    if (ec) return core::MakeError(ErrorCode::kIo, *options.save_dir + ": cannot create directory (" + ec.message() + ")");
  }
  HttpOptions http_options = options.http;
  http_options.min_wait = std::max(http_options.min_wait, options.delay);  // a retry is a request too
  HttpClient http(http_options);
  HfFetchReport report;
  std::unique_ptr<core::ProgressBar> bar;
  if (options.progress && days->size() > 1) bar = std::make_unique<core::ProgressBar>("fetch-hf", days->size(), " days");
  for (const auto& day : days.value()) {
    if (report.days > 0) Wait(options.http.sleep, options.delay);
    const std::string url =
        WithQuery(options.base_url, "date=" + day + "&limit=" + std::to_string(kHfEntriesPerRequest));
    auto response = http.Get(url, ExpectedContent::kJson);
    if (!response) return response.error();
    if (options.save_dir) {
      const auto path = std::filesystem::path(*options.save_dir) / (day + ".json");
      if (auto r = WriteFileAtomically(path, response->body); !r) return r.error();
      report.saved_files.push_back(path.string());
    }
    if (IsEmptyJsonArray(response->body)) {
      ++report.empty_days;
    } else {
      // The parser reads the list's day from the `date=` in the source name.
      IdRecorder recorder(ingester);
      ParseHfDaily(response->body, url, recorder);
      if (recorder.entries() >= static_cast<size_t>(kHfEntriesPerRequest)) report.full_days.push_back(day);
    }
    if (auto r = ingester.Flush(); !r) return r.error();
    ++report.days;
    if (bar) bar->Update(static_cast<uint64_t>(report.days));
  }
  return report;
}

}  // namespace paperfeed::ingest

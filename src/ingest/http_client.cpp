#include "ingest/http_client.hpp"

// libcurl has two doors, one per protocol: this file for HTTP (every fetcher, the harvester and
// search/model/hub_pull go through HttpClient) and mail/smtp_client.cpp for SMTP. They share no
// code: HTTP here is retries, Retry-After, Range and content checks; SMTP there is one upload with
// the relay's reply codes. tests/library_doors.cmake keeps every other file off curl.h.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>
#include <mutex>
#include <thread>

#ifndef PAPERFEED_VERSION
#define PAPERFEED_VERSION "0.0.0"
#endif

namespace paperfeed::ingest {
namespace {

using core::ErrorCode;
using std::chrono::milliseconds;

// Where operators of the sources can reach whoever runs this copy. A placeholder until the project
// has its home page; a deployment should put its own contact here (arXiv's API terms ask for one).
constexpr const char* kContactUrl = "https://github.com/paperfeed/paperfeed";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

void GlobalInit() {
  // curl_global_init is not thread-safe and must run once before any easy handle (libcurl docs).
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What one exchange collects while curl runs.
struct Transfer {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  uint64_t max_body = 0;
  bool too_big = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > t->max_body) {
    t->too_big = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers.clear();  // a new response (after a redirect or a 100 Continue): keep only the last one's
    return n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->headers.emplace_back(Lower(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
  }
  return n;
}

std::string ReasonPhrase(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string StatusText(long status) {
  auto reason = ReasonPhrase(status);
  return "HTTP " + std::to_string(status) + (reason.empty() ? "" : " " + reason);
}

// The first bytes of a body, printable, to show what came instead of what was expected.
std::string Snippet(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 80)) out.push_back(std::isprint(static_cast<unsigned char>(c)) ? c : ' ');
  if (body.size() > 80) out += "...";
  return out;
}

bool IsXmlType(std::string_view type) {
  return type == "text/xml" || type == "application/xml" || (type.size() > 4 && type.substr(type.size() - 4) == "+xml");
}

bool IsJsonType(std::string_view type) {
  return type == "application/json" || type == "text/json" ||
         (type.size() > 5 && type.substr(type.size() - 5) == "+json");
}

// Transient failures worth another try: overload, gateways, timeouts (RFC 9110, 15.6).
bool IsRetryableStatus(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 || status == 408;
}

ErrorCode CodeForStatus(long status) {
  if (status == 404 || status == 410) return ErrorCode::kNotFound;
  if (status == 401 || status == 403) return ErrorCode::kUnauthorized;
  if (status == 429) return ErrorCode::kRateLimited;
  if (status >= 500) return ErrorCode::kUnavailable;
  return ErrorCode::kInvalidInput;
}

}  // namespace

std::string DefaultUserAgent() {
  return std::string("paperfeed/") + PAPERFEED_VERSION + " (+" + kContactUrl + ") libcurl/" +
         curl_version_info(CURLVERSION_NOW)->version;
}

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  const std::string key = Lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, std::chrono::system_clock::time_point now) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::chrono::seconds(999'999'999);  // absurdly long; the cap applies
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  // An HTTP-date: IMF-fixdate, or the obsolete RFC 850 and asctime forms, all of which curl_getdate reads.
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const auto delta = std::chrono::system_clock::from_time_t(when) - now;
  // A date in the past means "now"; round up so that we never ask early.
  auto seconds = std::chrono::ceil<std::chrono::seconds>(delta);
  return std::max(seconds, std::chrono::seconds(0));
}

struct HttpClient::Attempt {
  enum class Kind { kResponse, kRetryable, kFatal };
  Kind kind = Kind::kFatal;
  HttpResponse response;
  core::Error error;
};

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) {
  GlobalInit();
  curl_ = curl_easy_init();
  rng_state_ = options_.jitter_seed != 0
                   ? options_.jitter_seed
                   : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

void HttpClient::Sleep(milliseconds duration) {
  if (duration <= milliseconds(0)) return;
  if (options_.sleep) options_.sleep(duration);
  else std::this_thread::sleep_for(duration);
}

// Exponential backoff with "equal jitter": half the step is fixed, half random, so that many
// clients failing together do not retry together (AWS Architecture Blog, "Exponential Backoff
// and Jitter", 2015).
milliseconds HttpClient::Backoff(int failures) {
  int64_t step = options_.initial_backoff.count();
  for (int i = 1; i < failures && step < options_.max_backoff.count(); ++i) step *= 2;
  step = std::min<int64_t>(step, options_.max_backoff.count());
  // splitmix64
  rng_state_ += 0x9E3779B97F4A7C15ull;
  uint64_t z = rng_state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  const int64_t half = step / 2;
  const int64_t jitter = half > 0 ? static_cast<int64_t>(z % static_cast<uint64_t>(half + 1)) : 0;
  return milliseconds(step - half + jitter);
}

HttpClient::Attempt HttpClient::Perform(const HttpRequest& request) {
  Attempt attempt;
  CURL* curl = static_cast<CURL*>(curl_);
  if (!curl) {
    attempt.error = core::MakeError(ErrorCode::kInternal, "GET " + request.url + ": cannot initialise libcurl");
    return attempt;
  }
  ++attempts_;
  Transfer transfer;
  transfer.max_body = options_.max_body_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_reset(curl);  // keeps the connection cache, so consecutive pages reuse the connection
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts must not use signals in a threaded program
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl can undo
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode rc = curl_easy_perform(curl);
  const std::string what = "GET " + request.url;
  const std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  if (transfer.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
    attempt.error = core::MakeError(ErrorCode::kInvalidInput,
                                    what + ": the response is larger than the limit of " +
                                        std::to_string(options_.max_body_bytes) + " bytes");
    return attempt;
  }
  switch (rc) {
    case CURLE_OK: break;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_BAD_CONTENT_ENCODING:
      attempt.kind = Attempt::Kind::kRetryable;
      attempt.error = core::MakeError(ErrorCode::kIo, what + ": the response was cut short (" + detail + ")");
      return attempt;
    case CURLE_OPERATION_TIMEDOUT:
      attempt.kind = Attempt::Kind::kRetryable;
      attempt.error = core::MakeError(ErrorCode::kUnavailable, what + ": no complete answer in time (" + detail + ")");
      return attempt;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_SSL_CONNECT_ERROR:
      attempt.kind = Attempt::Kind::kRetryable;
      attempt.error = core::MakeError(ErrorCode::kUnavailable, what + ": " + detail);
      return attempt;
    default:
      attempt.error = core::MakeError(ErrorCode::kIo, what + ": " + detail);
      return attempt;
  }

  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // curl reports a body shorter than its Content-Length as CURLE_PARTIAL_FILE; check again in
  // case a server closed early without curl noticing (a HEAD-like empty answer, an odd proxy).
  curl_off_t declared = -1, received = 0;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &declared);
  curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &received);
  if (declared >= 0 && received < declared) {
    attempt.kind = Attempt::Kind::kRetryable;
    attempt.error = core::MakeError(ErrorCode::kIo, what + ": the response was cut short (" + std::to_string(received) +
                                                        " of " + std::to_string(declared) + " bytes)");
    return attempt;
  }
  char* effective = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
  attempt.kind = Attempt::Kind::kResponse;
  attempt.response.status = status;
  attempt.response.url = effective ? effective : request.url;
  attempt.response.headers = std::move(transfer.headers);
  attempt.response.body = std::move(transfer.body);
  return attempt;
}

core::Result<HttpResponse> HttpClient::Get(const HttpRequest& request) {
  const std::string what = "GET " + request.url;
  const int max_attempts = std::max(1, options_.max_attempts);
  core::Error last_error;
  for (int attempt_number = 1;; ++attempt_number) {
    Attempt attempt = Perform(request);
    milliseconds wait = Backoff(attempt_number);
    if (attempt.kind == Attempt::Kind::kFatal) return attempt.error;
    if (attempt.kind == Attempt::Kind::kRetryable) {
      last_error = attempt.error;
    } else {
      HttpResponse& response = attempt.response;
      const long status = response.status;
      if (status >= 200 && status < 300) {
        const auto type_header = response.Header("content-type");
        if (type_header && request.expect != ExpectedContent::kAny) {
          const std::string type = Lower(Trim(std::string_view(*type_header).substr(0, type_header->find(';'))));
          const bool fits = request.expect == ExpectedContent::kXml ? IsXmlType(type) : IsJsonType(type);
          if (!fits) {
            return core::MakeError(
                ErrorCode::kInvalidInput,
                what + ": expected " + (request.expect == ExpectedContent::kXml ? "XML" : "JSON") +
                    " but the server sent '" + *type_header + "' (starting \"" + Snippet(response.body) +
                    "\"); check the base URL");
          }
        }
        return std::move(response);
      }
      if (!IsRetryableStatus(status)) {
        if (request.accept_client_errors && status >= 400 && status < 500) return std::move(response);
        return core::MakeError(CodeForStatus(status), what + ": " + StatusText(status) +
                                                          (response.body.empty() ? "" : " (\"" + Snippet(response.body) + "\")"));
      }
      last_error = core::MakeError(CodeForStatus(status), what + ": " + StatusText(status));
      // 503 and 429 may say when to come back (RFC 9110 10.2.3, RFC 6585 4); OAI-PMH uses this
      // for flow control (OAI-PMH 2.0, 3.1.2.2 "503 Service Unavailable ... Retry-After").
      if (status == 503 || status == 429) {
        if (auto header = response.Header("retry-after")) {
          if (auto seconds = ParseRetryAfter(*header, std::chrono::system_clock::now())) {
            wait = std::min<milliseconds>(*seconds, options_.max_retry_after);
          }
        }
      }
    }
    if (attempt_number >= max_attempts) break;
    wait = std::max(wait, options_.min_wait);
    if (options_.on_retry) {
      options_.on_retry(last_error.message + "; retrying in " + std::to_string((wait.count() + 999) / 1000) + " s (attempt " +
                        std::to_string(attempt_number + 1) + " of " + std::to_string(max_attempts) + ")");
    }
    Sleep(wait);
  }
  last_error.message += " (gave up after " + std::to_string(max_attempts) + " attempts)";
  return last_error;
}

namespace {

struct FileTransfer {
  std::FILE* file = nullptr;
  uint64_t offset = 0;      // bytes in the file before this attempt
  uint64_t written = 0;     // by this attempt
  long status = 0;          // of the latest response line
  bool restarted = false;   // a 200 to a range request: the file was emptied
  bool write_failed = false;
  std::vector<std::pair<std::string, std::string>> headers;
  const std::function<void(uint64_t, uint64_t)>* progress = nullptr;
  uint64_t total = 0;
};

size_t OnFileHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<FileTransfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    const auto sp = line.find(' ');
    t->status = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    return n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = Lower(Trim(line.substr(0, colon)));
    std::string value(Trim(line.substr(colon + 1)));
    if (name == "content-length" && (t->status == 200 || t->status == 206))
      t->total = std::strtoull(value.c_str(), nullptr, 10) + (t->status == 206 ? t->offset : 0);
    t->headers.emplace_back(std::move(name), std::move(value));
  }
  return n;
}

size_t OnFileBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<FileTransfer*>(user);
  const size_t n = size * count;
  if (t->status != 200 && t->status != 206) return n;  // an error page: not part of the file
  if (t->status == 200 && t->offset > 0 && !t->restarted) {
    // The server ignored the range: start the file again.
    if (::ftruncate(::fileno(t->file), 0) != 0 || std::fseek(t->file, 0, SEEK_SET) != 0) {
      t->write_failed = true;
      return 0;
    }
    t->offset = 0;
    t->restarted = true;
  }
  if (std::fwrite(data, 1, n, t->file) != n) {
    t->write_failed = true;
    return 0;
  }
  t->written += n;
  if (t->progress && *t->progress) (*t->progress)(t->offset + t->written, t->total);
  return n;
}

}  // namespace

std::optional<std::string> HttpClient::Download::Header(std::string_view name) const {
  const std::string key = Lower(name);
  for (const auto& [k, v] : headers)
    if (k == key) return v;
  return std::nullopt;
}

core::Result<HttpClient::Download> HttpClient::DownloadToFile(const std::string& url, const std::string& path,
                                                              const std::function<void(uint64_t, uint64_t)>& progress) {
  const std::string what = "GET " + url;
  CURL* curl = static_cast<CURL*>(curl_);
  if (!curl) return core::MakeError(ErrorCode::kInternal, what + ": cannot initialise libcurl");
  const int max_attempts = std::max(1, options_.max_attempts);
  Download result;
  bool first_success = true;
  core::Error last_error;
  for (int attempt_number = 1;; ++attempt_number) {
    ++attempts_;
    std::FILE* file = std::fopen(path.c_str(), "ab");
    if (!file) return core::MakeError(ErrorCode::kIo, path + ": cannot open for writing (" + std::strerror(errno) + ")");
    FileTransfer t;
    t.file = file;
    std::fseek(file, 0, SEEK_END);
    t.offset = static_cast<uint64_t>(std::ftell(file));
    t.progress = &progress;
    char error_buffer[CURL_ERROR_SIZE] = {0};
    const std::string range = std::to_string(t.offset) + "-";
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    // A model file takes longer than a page: give up only when the transfer stalls for a minute.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
    if (t.offset > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());  // kept across redirects, unlike a header
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnFileBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnFileHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    const CURLcode rc = curl_easy_perform(curl);
    const bool closed = std::fclose(file) == 0;
    if (t.write_failed || !closed) return core::MakeError(ErrorCode::kIo, path + ": cannot write (disk full?)");
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    const std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
    if (rc == CURLE_OK && (status == 200 || status == 206 || status == 416)) {
      if (first_success) result.resumed_from = status == 206 ? t.offset : 0;
      result.status = status;
      result.size = t.offset + t.written;
      result.headers = std::move(t.headers);
      // 416: the range starts at the end, so the file was already complete (the caller checks it).
      return result;
    }
    if (rc == CURLE_OK && !IsRetryableStatus(status))
      return core::MakeError(CodeForStatus(status), what + ": " + StatusText(status));
    if (t.written > 0) first_success = false;
    last_error = rc == CURLE_OK ? core::MakeError(CodeForStatus(status), what + ": " + StatusText(status))
                                : core::MakeError(ErrorCode::kIo, what + ": " + detail + " after " +
                                                                      std::to_string(t.offset + t.written) + " bytes");
    if (attempt_number >= max_attempts) break;
    const milliseconds wait = std::max(Backoff(attempt_number), options_.min_wait);
    if (options_.on_retry)
      options_.on_retry(last_error.message + "; resuming in " + std::to_string((wait.count() + 999) / 1000) + " s");
    Sleep(wait);
  }
  last_error.message += " (gave up after " + std::to_string(max_attempts) + " attempts; run it again to resume)";
  return last_error;
}

}  // namespace paperfeed::ingest

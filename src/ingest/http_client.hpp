// ingest/http_client: polite, patient HTTP GET for the live sources (the one door to libcurl for HTTP).
#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::ingest {

// Waits for a duration. Tests inject one that records the wait and returns at once.
using SleepFunction = std::function<void(std::chrono::milliseconds)>;
// Reads a monotonic clock. Tests inject one that moves only when their SleepFunction is called.
using ClockFunction = std::function<std::chrono::steady_clock::time_point()>;

// "paperfeed/<version> (+<contact URL>)": arXiv and Hugging Face ask clients to say who they are.
std::string DefaultUserAgent();

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{15'000};
  std::chrono::milliseconds total_timeout{180'000};  // for the whole exchange, body included
  int max_attempts = 5;                              // the first try plus retries
  std::chrono::milliseconds initial_backoff{2'000};  // doubled after each failure, with jitter
  std::chrono::milliseconds max_backoff{120'000};
  std::chrono::milliseconds max_retry_after{600'000};  // a longer Retry-After is cut to this
  std::chrono::milliseconds min_wait{0};  // no retry sooner than this (a source's politeness delay)
  uint64_t max_body_bytes = 512ull << 20;
  std::string user_agent = DefaultUserAgent();
  SleepFunction sleep;  // empty: really sleep
  ClockFunction now;    // empty: std::chrono::steady_clock::now
  uint64_t jitter_seed = 0;  // 0: seeded from the clock
  // Told about each retry before its wait ("GET <url>: HTTP 503 ...; retrying in 10 s"), for the CLI to show.
  std::function<void(const std::string&)> on_retry;
};

// What the caller expects the body to be; anything else is an error that names what came instead.
enum class ExpectedContent { kAny, kXml, kJson };

struct HttpRequest {
  std::string url;
  ExpectedContent expect = ExpectedContent::kAny;
  // When true, a 4xx answer (other than 429) is returned as a value for the caller to read
  // (OAI-PMH servers may explain a bad argument in the body); otherwise it is an error.
  bool accept_client_errors = false;
};

struct HttpResponse {
  long status = 0;
  std::string url;  // after redirects
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response, names lower-cased
  std::string body;  // decoded (gzip/deflate undone)

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string> Header(std::string_view name) const;
};

// Seconds to wait from a Retry-After value: delta-seconds or an HTTP-date (RFC 9110, 10.2.3),
// relative to `now`. Empty for a value that is neither.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, std::chrono::system_clock::time_point now);

// A blocking HTTP client. Network errors, timeouts, truncated bodies, 5xx and 429 are retried with
// exponential backoff and jitter; 503/429 with Retry-After wait as asked (up to max_retry_after).
// Every error message names the URL. Not thread-safe; one per thread.
class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  [[nodiscard]] core::Result<HttpResponse> Get(const HttpRequest& request);
  [[nodiscard]] core::Result<HttpResponse> Get(const std::string& url, ExpectedContent expect = ExpectedContent::kAny) {
    return Get(HttpRequest{url, expect, false});
  }

  // Downloads `url` into `path`, resuming a partial file with `Range: bytes=N-` (RFC 9110 14.2)
  // and retrying failed attempts (each resumes where the last stopped); a server that ignores the
  // range (200) gets the file rewritten from the start. `progress(done, total)` is told as bytes
  // arrive (total 0 when unknown). Headers of every response in the redirect chain are returned,
  // so that one set by a redirect (the Hugging Face Hub's X-Linked-Etag) is not lost.
  struct Download {
    long status = 0;
    uint64_t size = 0;         // of the file now
    uint64_t resumed_from = 0;  // bytes already there when the first successful range began
    std::vector<std::pair<std::string, std::string>> headers;  // all responses, in order, names lower-cased
    std::optional<std::string> Header(std::string_view name) const;  // the first of that name
  };
  [[nodiscard]] core::Result<Download> DownloadToFile(const std::string& url, const std::string& path,
                                                      const std::function<void(uint64_t, uint64_t)>& progress = {});

  const HttpOptions& options() const { return options_; }
  // Number of HTTP exchanges attempted so far (retries included).
  int attempts() const { return attempts_; }

 private:
  struct Attempt;
  Attempt Perform(const HttpRequest& request);
  std::chrono::milliseconds Backoff(int failures);
  void Sleep(std::chrono::milliseconds duration);

  HttpOptions options_;
  void* curl_ = nullptr;  // CURL*, kept out of the header so only http_client.cpp sees curl
  uint64_t rng_state_;
  int attempts_ = 0;
};

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay as they are).
std::string UrlEncode(std::string_view value);

}  // namespace paperfeed::ingest

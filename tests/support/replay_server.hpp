// Test support: an HTTP server on 127.0.0.1:0 that replays recorded responses and injects faults.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paperfeed::testing {

// One scripted answer.
struct ReplayResponse {
  // What goes wrong on purpose.
  enum class Fault {
    kNone,
    kTruncate,  // declares the full Content-Length, sends half the body, then closes the connection
    kHang,      // never answers (until the server is destroyed)
  };

  int status = 200;
  std::string content_type = "text/xml; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  Fault fault = Fault::kNone;

  // A recorded body from a file; the content type follows the extension (.xml, .json).
  static ReplayResponse File(const std::string& path);
  static ReplayResponse Text(int status, std::string body, std::string content_type = "text/plain");
  // 503 (or 429) with a Retry-After header, as OAI-PMH flow control sends it.
  static ReplayResponse RetryAfter(int status, std::string retry_after);
  ReplayResponse WithFault(Fault f) const {
    ReplayResponse copy = *this;
    copy.fault = f;
    return copy;
  }
};

// What the server saw of one request.
struct RecordedRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> params;   // decoded query parameters
  std::multimap<std::string, std::string> headers;  // names as sent
  std::chrono::steady_clock::time_point at;

  std::string Param(const std::string& name) const;  // "" when absent
  bool HasParam(const std::string& name) const { return params.count(name) > 0; }
  std::string Header(const std::string& name) const;  // case-insensitive; "" when absent
};

// Serves scripted responses. A rule matches a path and a set of query parameters; of the rules
// that match a request, the one naming the most parameters answers. A rule gives its responses in
// order and then repeats the last one. Requests that no rule matches get 404 "no recorded response".
class ReplayServer {
 public:
  ReplayServer();  // listening on 127.0.0.1 on a free port, on its own thread
  ~ReplayServer();
  ReplayServer(const ReplayServer&) = delete;
  ReplayServer& operator=(const ReplayServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" + path
  std::string Url(const std::string& path = "") const;

  void On(const std::string& path, std::map<std::string, std::string> params, std::vector<ReplayResponse> responses);

  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// A TCP listener that accepts connections (the kernel does, into its backlog) and never answers:
// a server that has stopped responding.
class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  std::string Url(const std::string& path = "") const;

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace paperfeed::testing

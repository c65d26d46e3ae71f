#include "support/replay_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <fstream>
#include <httplib.h>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace paperfeed::testing {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ReplayResponse ReplayResponse::File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("replay fixture not found: " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  ReplayResponse r;
  r.body = ss.str();
  if (EndsWith(path, ".json")) r.content_type = "application/json; charset=utf-8";
  else if (EndsWith(path, ".atom.xml") || EndsWith(path, ".atom")) r.content_type = "application/atom+xml; charset=utf-8";
  else r.content_type = "text/xml; charset=utf-8";
  return r;
}

ReplayResponse ReplayResponse::Text(int status, std::string body, std::string content_type) {
  ReplayResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

ReplayResponse ReplayResponse::RetryAfter(int status, std::string retry_after) {
  ReplayResponse r = Text(status, "Retry after " + retry_after, "text/plain");
  r.headers.emplace_back("Retry-After", std::move(retry_after));
  return r;
}

std::string RecordedRequest::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

std::string RecordedRequest::Header(const std::string& name) const {
  const std::string key = Lower(name);
  for (const auto& [k, v] : headers) {
    if (Lower(k) == key) return v;
  }
  return "";
}

struct ReplayServer::Impl {
  struct Rule {
    std::string path;
    std::map<std::string, std::string> params;
    std::vector<ReplayResponse> responses;
    size_t served = 0;
  };

  httplib::Server server;
  std::thread thread;
  mutable std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  std::vector<Rule> rules;
  std::vector<RecordedRequest> requests;

  // Picks the answer for a request, or nullopt for "no recorded response".
  std::optional<ReplayResponse> Next(const httplib::Request& req) {
    std::lock_guard lock(mutex);
    RecordedRequest seen;
    seen.method = req.method;
    seen.path = req.path;
    seen.params.insert(req.params.begin(), req.params.end());
    seen.headers.insert(req.headers.begin(), req.headers.end());
    seen.at = std::chrono::steady_clock::now();
    requests.push_back(std::move(seen));
    Rule* best = nullptr;
    for (auto& rule : rules) {
      if (rule.path != req.path) continue;
      bool all = std::all_of(rule.params.begin(), rule.params.end(), [&](const auto& p) {
        return req.has_param(p.first.c_str()) && req.get_param_value(p.first.c_str()) == p.second;
      });
      if (all && (!best || rule.params.size() > best->params.size())) best = &rule;
    }
    if (!best || best->responses.empty()) return std::nullopt;
    const size_t i = std::min(best->served, best->responses.size() - 1);
    ++best->served;
    return best->responses[i];
  }

  void Handle(const httplib::Request& req, httplib::Response& res) {
    auto answer = Next(req);
    if (!answer) {
      res.status = 404;
      res.set_content("no recorded response for " + req.path, "text/plain");
      return;
    }
    if (answer->fault == ReplayResponse::Fault::kHang) {
      std::unique_lock lock(mutex);
      released_cv.wait(lock, [&] { return released; });
      res.status = 503;
      return;
    }
    res.status = answer->status;
    for (const auto& [k, v] : answer->headers) res.set_header(k.c_str(), v);
    if (answer->fault == ReplayResponse::Fault::kTruncate) {
      // The provider sends the first half and then fails, which makes httplib close the
      // connection with bytes of the declared Content-Length still owed.
      auto body = std::make_shared<std::string>(answer->body);
      res.set_content_provider(body->size(), answer->content_type,
                               [body](size_t offset, size_t, httplib::DataSink& sink) {
                                 const size_t half = body->size() / 2;
                                 if (offset >= half) return false;
                                 sink.write(body->data() + offset, half - offset);
                                 return true;
                               });
      return;
    }
    // A range request (a resumed download): httplib cuts the body to the range and sets
    // Content-Range, but keeps the status it is given, so say 206 Partial Content ourselves.
    if (answer->status == 200 && req.has_header("Range")) res.status = 206;
    res.set_content(answer->body, answer->content_type);
  }
};

ReplayServer::ReplayServer() : impl_(std::make_unique<Impl>()) {
  impl_->server.Get(".*", [this](const httplib::Request& req, httplib::Response& res) { impl_->Handle(req, res); });
  port_ = impl_->server.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("replay server: cannot bind 127.0.0.1");
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // Connections queued before the loop runs are accepted later, but stop() before the loop has
  // started would be lost and the destructor would wait forever: wait for it to run.
  while (!impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

ReplayServer::~ReplayServer() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->released = true;
  }
  impl_->released_cv.notify_all();
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string ReplayServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void ReplayServer::On(const std::string& path, std::map<std::string, std::string> params,
                      std::vector<ReplayResponse> responses) {
  std::lock_guard lock(impl_->mutex);
  impl_->rules.push_back({path, std::move(params), std::move(responses), 0});
}

std::vector<RecordedRequest> ReplayServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

size_t ReplayServer::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

SilentServer::SilentServer() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("silent server: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0) {
    ::close(fd_);
    throw std::runtime_error("silent server: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

SilentServer::~SilentServer() {
  if (fd_ >= 0) ::close(fd_);
}

std::string SilentServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace paperfeed::testing

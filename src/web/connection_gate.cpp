#include "web/connection_gate.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace paperfeed::web {
namespace {

using Clock = std::chrono::steady_clock;

// A turned-away client should read our answer, not a reset: after sending it we shut our side
// down and read until the client closes (or this long passes) before closing, because closing a
// socket with unread input makes the kernel send RST, which can destroy the response in flight
// (RFC 9112 §9.6, "tear-down").
constexpr auto kLinger = std::chrono::seconds(2);
constexpr size_t kMaxLingering = 4096;

std::string RejectionResponse(int status, int retry_after) {
  std::string reason, body;
  if (status == 429) {
    reason = "Too Many Requests";
    body = "Too many connections from your address; close some and try again in " + std::to_string(retry_after) +
           " seconds.\n";
  } else {
    reason = "Service Unavailable";
    body = "The server is busy; try again in " + std::to_string(retry_after) + " seconds.\n";
  }
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\nRetry-After: " +
         std::to_string(retry_after) + "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

}  // namespace

std::string ConnectionGate::PeerAddress(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
  char host[NI_MAXHOST];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0)
    return {};
  std::string out = host;
  // An IPv4 client of a dual-stack socket is the same client as on an IPv4 socket.
  if (out.rfind("::ffff:", 0) == 0 && out.find('.') != std::string::npos) out = out.substr(7);
  return out;
}

ConnectionGate::ConnectionGate(GateLimits limits, std::function<void(int fd)> serve)
    : limits_(std::move(limits)), serve_(std::move(serve)) {
  limits_.workers = std::max<size_t>(1, limits_.workers);
  limits_.max_per_address = std::max<size_t>(1, limits_.max_per_address);
  workers_.reserve(limits_.workers);
  for (size_t i = 0; i < limits_.workers; ++i) workers_.emplace_back([this] { Worker(); });
  rejecter_ = std::thread([this] { Rejecter(); });
}

ConnectionGate::~ConnectionGate() { Shutdown(); }

void ConnectionGate::Admit(int fd) {
  std::string address = PeerAddress(fd);
  std::lock_guard lock(mutex_);
  if (stopping_) return RejectLocked(fd, 503);
  size_t& from_here = per_address_[address];
  if (from_here >= limits_.max_per_address && !limits_.exempt_addresses.count(address)) {
    if (from_here == 0) per_address_.erase(address);
    return RejectLocked(fd, 429);
  }
  if (waiting_.size() >= idle_ + limits_.max_queued) {
    if (from_here == 0) per_address_.erase(address);
    return RejectLocked(fd, 503);
  }
  ++from_here;
  waiting_.push_back({fd, std::move(address), Clock::now()});
  UpdateStarvedLocked();
  work_ready_.notify_one();
}

void ConnectionGate::Worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    UpdateStarvedLocked();
    work_ready_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
    --idle_;
    if (waiting_.empty()) break;  // stopping
    Waiting next = std::move(waiting_.front());
    waiting_.pop_front();
    ++busy_;
    UpdateStarvedLocked();
    lock.unlock();
    serve_(next.fd);
    lock.lock();
    --busy_;
    ReleaseAddressLocked(next.address);
  }
}

void ConnectionGate::RejectLocked(int fd, int status) {
  ++rejected_;
  to_reject_.push_back({fd, status});
  reject_ready_.notify_one();
}

void ConnectionGate::ReleaseAddressLocked(const std::string& address) {
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

void ConnectionGate::UpdateStarvedLocked() { starved_.store(waiting_.size() > idle_, std::memory_order_relaxed); }

// One thread answers every turned-away connection and waits out their tear-down with poll(), so
// slow or silent clients it refuses cost it nothing but a file descriptor for kLinger.
void ConnectionGate::Rejecter() {
  struct Lingering {
    int fd;
    Clock::time_point close_at;
  };
  std::vector<Lingering> lingering;
  std::vector<pollfd> fds;
  char scratch[4096];
  for (;;) {
    std::vector<Rejected> batch;
    bool stopping;
    {
      std::unique_lock lock(mutex_);
      // Sleep briefly when sockets linger (their input is polled below), longer when idle; the
      // queue-wait bound is checked on every pass, so it is kept to within this interval.
      auto nap = lingering.empty() ? std::chrono::milliseconds(50) : std::chrono::milliseconds(10);
      reject_ready_.wait_for(lock, nap, [this] { return stopping_ || !to_reject_.empty(); });
      auto now = Clock::now();
      while (!waiting_.empty() && now - waiting_.front().since > limits_.max_queue_wait) {
        Waiting late = std::move(waiting_.front());
        waiting_.pop_front();
        ReleaseAddressLocked(late.address);
        ++rejected_;
        to_reject_.push_back({late.fd, 503});
      }
      UpdateStarvedLocked();
      batch.swap(to_reject_);
      stopping = stopping_;
    }
    const auto now = Clock::now();
    for (const Rejected& r : batch) {
      std::string answer = RejectionResponse(r.status, limits_.retry_after_seconds);
      ::fcntl(r.fd, F_SETFL, ::fcntl(r.fd, F_GETFL) | O_NONBLOCK);
      // A fresh socket's send buffer holds far more than this; a client that cannot take it loses it.
      (void)::send(r.fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::shutdown(r.fd, SHUT_WR);
      if (stopping || lingering.size() >= kMaxLingering) ::close(r.fd);
      else lingering.push_back({r.fd, now + kLinger});
    }
    if (lingering.empty()) {
      if (stopping) break;
      continue;
    }
    fds.clear();
    for (const auto& l : lingering) fds.push_back({l.fd, POLLIN, 0});
    (void)::poll(fds.data(), fds.size(), 0);
    std::vector<Lingering> still;
    for (size_t i = 0; i < lingering.size(); ++i) {
      bool done = stopping || now >= lingering[i].close_at;
      if (!done && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        for (;;) {
          ssize_t n = ::recv(lingering[i].fd, scratch, sizeof scratch, MSG_DONTWAIT);
          if (n > 0) continue;
          if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) done = true;
          break;
        }
      }
      if (done) ::close(lingering[i].fd);
      else still.push_back(lingering[i]);
    }
    lingering.swap(still);
  }
}

void ConnectionGate::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    for (auto& w : waiting_) {
      ++rejected_;
      to_reject_.push_back({w.fd, 503});
    }
    waiting_.clear();
    per_address_.clear();
    stopping_ = true;
    UpdateStarvedLocked();
  }
  work_ready_.notify_all();
  reject_ready_.notify_all();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
  if (rejecter_.joinable()) rejecter_.join();
}

GateCounters ConnectionGate::Counters() const {
  std::lock_guard lock(mutex_);
  return {busy_, waiting_.size(), rejected_};
}

}  // namespace paperfeed::web

// web/connection_gate: who gets a worker. Accepted connections are admitted to a fixed set of
// workers, wait briefly in a bounded queue, or are turned away at once with 503 (server full) or
// 429 (too many connections from one address) and Retry-After, so a crowd of slow clients cannot
// leave /healthz and cheap pages without an answer. Plain POSIX sockets; no HTTP library here.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace paperfeed::web {

struct GateLimits {
  size_t workers = 64;                  // connections served at once (each holds one worker)
  size_t max_queued = 64;               // accepted connections waiting for a worker
  std::chrono::milliseconds max_queue_wait{1000};  // a connection waiting longer gets 503
  size_t max_per_address = 32;          // connections (served or waiting) from one peer address
  int retry_after_seconds = 5;          // Retry-After on 503 and 429
  std::unordered_set<std::string> exempt_addresses;  // trusted proxies: never capped per address
};

struct GateCounters {
  size_t busy = 0;       // workers serving a connection
  size_t queued = 0;     // connections waiting
  uint64_t rejected = 0; // connections turned away since start
};

class ConnectionGate {
 public:
  // `serve(fd)` runs on a worker and must close the socket when it is done.
  ConnectionGate(GateLimits limits, std::function<void(int fd)> serve);
  ~ConnectionGate();
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  // Called on the accepting thread for each new socket; never blocks on the client.
  void Admit(int fd);
  // True while connections wait for a worker: a worker idling on a keep-alive connection should
  // close it and take a waiting one (nginx does the same with its idle keep-alive connections).
  bool Starved() const { return starved_.load(std::memory_order_relaxed); }
  // Stops the workers after the connections they serve end; waiting connections get 503.
  void Shutdown();
  GateCounters Counters() const;

  // The numeric address of a socket's peer ("127.0.0.1", "::1"); "" when unknown.
  static std::string PeerAddress(int fd);

 private:
  struct Waiting {
    int fd;
    std::string address;
    std::chrono::steady_clock::time_point since;
  };
  void Worker();
  void Rejecter();
  // Hands a socket to the rejecter thread, which answers `status` and closes it politely.
  void RejectLocked(int fd, int status);
  void ReleaseAddressLocked(const std::string& address);
  void UpdateStarvedLocked();

  GateLimits limits_;
  std::function<void(int)> serve_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable reject_ready_;
  std::deque<Waiting> waiting_;
  std::unordered_map<std::string, size_t> per_address_;
  struct Rejected {
    int fd;
    int status;
  };
  std::vector<Rejected> to_reject_;
  size_t idle_ = 0;
  size_t busy_ = 0;
  uint64_t rejected_ = 0;
  bool stopping_ = false;
  std::atomic<bool> starved_{false};
  std::vector<std::thread> workers_;
  std::thread rejecter_;
};

}  // namespace paperfeed::web

// store/process_lock: one holder at a time for a job that must never run twice at once on one
// database (the outbox sender, the scheduled harvest), whichever process runs it: `serve`, a cron
// `digest run` or `harvest`.
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "store/database.hpp"

namespace paperfeed::store {

// An flock(2) on "<database>.<job>.lock" for a SQLite file; for a PostgreSQL database, a session
// advisory lock on a connection of its own, so that one node of several holds it. The kernel (or
// the server, when the holder's connection drops) releases it when the holder dies, even by
// kill -9, so whoever gets it next knows that work the holder left marked in progress is orphaned.
class ProcessLock {
 public:
  // Waits up to `wait_seconds` (0: one try). Empty when another holder keeps it.
  static core::Result<std::unique_ptr<ProcessLock>> Acquire(const std::string& db_path, const std::string& job,
                                                            double wait_seconds);
  ~ProcessLock();
  ProcessLock(const ProcessLock&) = delete;
  ProcessLock& operator=(const ProcessLock&) = delete;

 private:
  explicit ProcessLock(int fd) : fd_(fd) {}
  explicit ProcessLock(std::unique_ptr<Database> holder) : holder_(std::move(holder)) {}
  int fd_ = -1;
  std::unique_ptr<Database> holder_;  // PostgreSQL: the connection that holds the advisory lock
};

}  // namespace paperfeed::store

#include "store/process_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace paperfeed::store {

using core::ErrorCode;
using core::MakeError;

core::Result<std::unique_ptr<ProcessLock>> ProcessLock::Acquire(const std::string& db_path, const std::string& job,
                                                                double wait_seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_seconds);
  if (IsPostgresUri(db_path)) {
    auto holder = Database::Open(db_path);
    if (!holder) return holder.error();
    for (;;) {
      auto got = (*holder)->TryJobLock(job);
      if (!got) return got.error();
      if (*got) return std::unique_ptr<ProcessLock>(new ProcessLock(std::move(*holder)));
      if (std::chrono::steady_clock::now() >= until) return std::unique_ptr<ProcessLock>();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // as below: the holder's job takes seconds
    }
  }
  const std::string path = db_path + "." + job + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return MakeError(ErrorCode::kIo, "cannot open " + path + ": " + std::strerror(errno));
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return std::unique_ptr<ProcessLock>(new ProcessLock(fd));
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int e = errno;
      ::close(fd);
      return MakeError(ErrorCode::kIo, "cannot lock " + path + ": " + std::strerror(e));
    }
    if (std::chrono::steady_clock::now() >= until) {
      ::close(fd);
      return std::unique_ptr<ProcessLock>();
    }
    // flock has no timed wait; the holder's job takes seconds, so a short poll costs nothing.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ProcessLock::~ProcessLock() {
  if (fd_ < 0) return;  // PostgreSQL: closing holder_ releases the advisory lock
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace paperfeed::store

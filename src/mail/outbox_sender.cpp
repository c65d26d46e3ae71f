#include "mail/outbox_sender.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "mail/smtp_client.hpp"
#include "store/process_lock.hpp"
#include "store/database.hpp"
#include "store/subscriptions.hpp"

namespace paperfeed::mail {
namespace {

using core::ErrorCode;
using core::MakeError;
using Steady = std::chrono::steady_clock;

constexpr int kBatch = 200;                 // due rows read per query
constexpr int64_t kMaxDelaySeconds = 6 * 3600;

}  // namespace

int64_t RetryDelaySeconds(int attempts, int base_seconds) {
  int64_t delay = base_seconds;
  for (int i = 1; i < attempts && delay < kMaxDelaySeconds; ++i) delay *= 2;
  return std::min(delay, kMaxDelaySeconds);
}

OutboxSender::OutboxSender(store::Database& db, const MailConfig& config, SmtpClient& smtp, Clock clock)
    : db_(db), config_(config), smtp_(smtp), clock_(std::move(clock)) {}

int64_t OutboxSender::Now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

core::Result<SendReport> OutboxSender::Drain(const std::atomic<bool>* stop, int max_messages, double lock_wait_seconds) {
  SendReport report;
  auto lock = store::ProcessLock::Acquire(db_.path(), "outbox", lock_wait_seconds);
  if (!lock) return lock.error();
  if (!*lock) {
    report.lock_busy = true;
    return report;
  }
  store::SubscriptionStore store(db_);
  // Each message changes its row twice (sending, sent) and a row holds the whole rendered message,
  // so a batch writes ~10 WAL pages a message: SQLite's default checkpoint (with two fsyncs) every
  // 1,000 pages came every ~100 messages. Fewer, larger checkpoints: this connection's WAL may grow
  // to ~64 MB (https://sqlite.org/wal.html#automatic_checkpoint).
  if (!db_.is_postgres()) (void)db_.Exec("PRAGMA wal_autocheckpoint = 16384");
  // We hold the lock, so no live sender owns these rows: their sender died mid-message.
  auto requeued = store.RequeueSending();
  if (!requeued) return requeued.error();
  report.requeued = *requeued;

  // Throttle: message k may start no earlier than start + k / rate (a steady pace, not bursts).
  const bool throttled = config_.throttle_per_second > 0;
  const auto interval = throttled ? std::chrono::duration<double>(1.0 / config_.throttle_per_second)
                                  : std::chrono::duration<double>(0);
  auto next_slot = Steady::now();
  int handled = 0;
  auto stopped = [&] { return (stop && stop->load()) || (max_messages >= 0 && handled >= max_messages); };
  while (!stopped()) {
    auto due = store.DueMessages(Now(), kBatch);
    if (!due) return due.error();
    if (due->empty()) break;
    for (const auto& message : *due) {
      if (stopped()) break;
      if (throttled) {
        std::this_thread::sleep_until(next_slot);
        next_slot = std::max(next_slot + std::chrono::duration_cast<Steady::duration>(interval),
                             Steady::now() - std::chrono::duration_cast<Steady::duration>(interval));
      }
      auto claimed = store.MarkSending(message.id, Now());
      if (!claimed) return claimed.error();
      if (!*claimed) continue;  // removed (unsubscribed) since we read it
      ++handled;
      SmtpResult result = smtp_.Send(config_.from_address, message.recipient, message.message);
      switch (result.outcome) {
        case SmtpOutcome::kSent: {
          if (auto r = store.MarkSent(message.id, Now()); !r) return r.error();
          ++report.sent;
          break;
        }
        case SmtpOutcome::kTransient: {
          int attempts = message.attempts + 1;
          if (attempts >= config_.max_attempts) {
            auto paused = store.MarkFailed(message.id, result.message + " (gave up after " + std::to_string(attempts) +
                                                           " attempts)", false, config_.pause_after_hard_failures);
            if (!paused) return paused.error();
            ++report.failed;
          } else {
            if (auto r = store.MarkRetry(message.id, Now() + RetryDelaySeconds(attempts, config_.retry_base_seconds),
                                         result.message);
                !r)
              return r.error();
            ++report.retried;
          }
          // No reply at all (refused, timed out): the relay is down, and every other message would
          // only burn an attempt on it. Stop; the next drain tries again.
          if (result.code == 0) report.relay_error = MakeError(ErrorCode::kUnavailable, result.message);
          break;
        }
        case SmtpOutcome::kPermanent: {
          auto paused = store.MarkFailed(message.id, result.message, true, config_.pause_after_hard_failures);
          if (!paused) return paused.error();
          ++report.failed;
          report.paused += *paused ? 1 : 0;
          break;
        }
        case SmtpOutcome::kRelay: {
          // Not this message's fault: it goes back to pending, due at once, and the batch stops.
          if (auto r = store.MarkRetry(message.id, message.next_attempt_at, result.message); !r) return r.error();
          report.relay_error = MakeError(ErrorCode::kUnavailable, result.message);
          break;
        }
      }
      if (on_progress) on_progress(report);
      if (report.relay_error) break;
    }
    if (report.relay_error) break;
  }
  auto next = store.NextDueAt();
  if (!next) return next.error();
  report.next_due = *next;
  return report;
}

}  // namespace paperfeed::mail

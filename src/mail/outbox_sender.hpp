// mail/outbox_sender: drains the outbox to the SMTP relay — one sender per database at a time,
// throttled, with retries for 4xx, failures recorded for 5xx, and crash recovery.
//
// Delivery semantics (see docs/architecture.md, "mail"): every message is rendered and committed
// as "pending" before any SMTP traffic. A row is marked "sending" (committed) just before its SMTP
// transaction and "sent" right after the relay's 250. The only window where a crash leaves the
// outcome unknown is between the relay's 250 and that commit (microseconds). On restart, rows still
// "sending" are sent again with their original Message-ID: at-least-once for that one message, so a
// subscriber never silently loses a digest, and a duplicate carries the same Message-ID, which mail
// stores and clients use to collapse it. A kill between messages — where a throttled sender spends
// nearly all its time — never duplicates or loses anything.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "mail/mail_config.hpp"

namespace paperfeed::store {
class Database;
}

namespace paperfeed::mail {

class SmtpClient;

struct SendReport {
  int sent = 0;
  int retried = 0;      // 4xx / network: back to pending with a later attempt time
  int failed = 0;       // 5xx, or out of attempts
  int paused = 0;       // subscriptions paused by this run's hard failures
  int requeued = 0;     // rows a dead sender left in "sending", sent again
  bool lock_busy = false;                 // another sender holds the outbox; nothing was sent
  std::optional<core::Error> relay_error; // the relay refused us; the batch stopped
  std::optional<int64_t> next_due;        // when the earliest pending message may go
};

class OutboxSender {
 public:
  using Clock = std::function<int64_t()>;  // Unix seconds; tests move time forward
  OutboxSender(store::Database& db, const MailConfig& config, SmtpClient& smtp, Clock clock = {});

  // Sends every due pending message (at most `max_messages`, -1 for all), throttled to
  // config.throttle_per_second. Stops early when `stop` becomes true or the relay refuses us.
  // Takes the single-sender lock for the whole drain, waiting up to `lock_wait_seconds`.
  core::Result<SendReport> Drain(const std::atomic<bool>* stop = nullptr, int max_messages = -1,
                                 double lock_wait_seconds = 30);

  // Called after each message with its outcome (for progress bars).
  std::function<void(const SendReport&)> on_progress;

 private:
  int64_t Now() const;
  store::Database& db_;
  const MailConfig& config_;
  SmtpClient& smtp_;
  Clock clock_;
};

// The backoff before attempt `attempts + 1`: base * 2^(attempts - 1), capped at six hours.
int64_t RetryDelaySeconds(int attempts, int base_seconds);

}  // namespace paperfeed::mail

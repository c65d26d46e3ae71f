// mail/smtp_client: the one door to libcurl's SMTP — sends one message to one recipient and says
// what the relay's answer means (sent, try again later, never).
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"

namespace paperfeed::mail {

struct MailConfig;

enum class SmtpOutcome {
  kSent,       // 2xx after DATA: the relay took responsibility for the message
  kTransient,  // 4xx (RFC 5321 §4.2.1 "transient negative"), or the network failed: retry later
  kPermanent,  // 5xx for this recipient or message: do not retry
  kRelay,      // the relay refuses us (login, sender, TLS): no message can go until an operator acts
};

struct SmtpResult {
  SmtpOutcome outcome = SmtpOutcome::kTransient;
  long code = 0;         // the relay's last reply code, 0 when none came
  std::string message;   // what went wrong, for the outbox's last_error and the log
};

// One relay connection, reused across messages (libcurl keeps the connection of an easy handle
// open between transfers, so a batch pays for TCP, EHLO, STARTTLS and AUTH once).
// Not thread-safe: one sender thread owns it.
class SmtpClient {
 public:
  // kInvalidInput when the URL is empty or not smtp:// / smtps://.
  static core::Result<std::unique_ptr<SmtpClient>> Create(const MailConfig& config);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Sends `message` (a whole RFC 5322 message with CRLF line ends) from `envelope_from` to `recipient`.
  SmtpResult Send(const std::string& envelope_from, const std::string& recipient, const std::string& message);

  // The relay without its password, for logs.
  const std::string& display_url() const { return display_url_; }

 private:
  SmtpClient() = default;
  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string display_url_;
};

// The relay URL with any password replaced by "***".
std::string RedactUrl(const std::string& url);

}  // namespace paperfeed::mail

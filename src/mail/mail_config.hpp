// mail/mail_config: the settings of the mail module ([mail] in the configuration file, read by cli/config).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace paperfeed::mail {

struct MailConfig {
  // Delivery.
  std::string smtp_url;                 // smtp://[user:password@]host:port (STARTTLS when offered) or smtps://
  bool smtp_require_tls = false;        // refuse to send when smtp:// does not offer STARTTLS
  bool smtp_verify_tls = true;          // check the relay's certificate (turn off only for a local test relay)
  std::string smtp_ca_file;             // extra CA bundle for the relay's certificate
  int smtp_timeout_seconds = 30;        // per message, connect included
  bool smtp_reuse_connection = true;    // one connection for a whole batch (false: one per message)
  double throttle_per_second = 20;      // messages per second; 0 = as fast as the relay takes them
  int max_attempts = 6;                 // SMTP 4xx / network failures before a message is given up
  int retry_base_seconds = 60;          // backoff: base * 2^(attempt-1), capped at 6 hours
  int pause_after_hard_failures = 3;    // consecutive 5xx that pause a subscription
  // Content and links.
  std::string public_base_url = "http://127.0.0.1:8080";  // links in mails start with this
  std::string site_name = "paperfeed";
  std::string from_address = "digest@localhost";
  std::string from_name = "paperfeed";
  int topic_results = 5;                // papers per saved search, category or author
  // Schedule.
  std::string send_time = "07:00";      // local wall-clock time, HH:MM
  std::string time_zone = "America/New_York";
  int weekly_weekday = 1;               // 0 Sunday .. 6 Saturday; weekly digests go out on this day
  // Subscriptions.
  int confirm_ttl_hours = 48;
  int subscribe_per_client_per_hour = 10;
  int subscribe_per_address_per_day = 3;
  std::string link_secret;              // HMAC key for links; empty = a random key kept in the database

  // The send time as minutes after midnight (kInvalidInput names the setting).
  core::Result<int> SendMinutes() const;
  // Checks every value and names the first bad one.
  core::Result<void> Validate() const;
};

}  // namespace paperfeed::mail

#include "mail/mail_config.hpp"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include "core/text.hpp"
#include "mail/message.hpp"

namespace paperfeed::mail {
namespace {

using core::ErrorCode;
using core::MakeError;

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return std::string(s.substr(a, b - a + 1));
}

bool ParseIntValue(const std::string& text, int* out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

bool ParseBoolValue(const std::string& text, bool* out) {
  if (text == "true" || text == "yes" || text == "1") return *out = true, true;
  if (text == "false" || text == "no" || text == "0") return *out = false, true;
  return false;
}

int WeekdayNumber(const std::string& text) {
  static const char* kNames[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  std::string lower = core::ToLowerAscii(text);
  for (int i = 0; i < 7; ++i) {
    if (lower == kNames[i] || lower == std::string(kNames[i]).substr(0, 3)) return i;
  }
  return -1;
}

}  // namespace

core::Result<int> MailConfig::SendMinutes() const {
  int h = -1, m = -1;
  if (send_time.size() == 5 && send_time[2] == ':' && ParseIntValue(send_time.substr(0, 2), &h) &&
      ParseIntValue(send_time.substr(3, 2), &m) && h >= 0 && h < 24 && m >= 0 && m < 60) {
    return h * 60 + m;
  }
  return MakeError(ErrorCode::kInvalidInput, "send_time '" + send_time + "' must be HH:MM, e.g. 07:00");
}

core::Result<void> MailConfig::Validate() const {
  if (auto r = SendMinutes(); !r) return r.error();
  if (!smtp_url.empty() && !core::StartsWith(smtp_url, "smtp://") && !core::StartsWith(smtp_url, "smtps://"))
    return MakeError(ErrorCode::kInvalidInput, "smtp_url '" + smtp_url + "' must start with smtp:// or smtps://");
  if (!core::StartsWith(public_base_url, "http://") && !core::StartsWith(public_base_url, "https://"))
    return MakeError(ErrorCode::kInvalidInput,
                     "public_base_url '" + public_base_url + "' must start with http:// or https://");
  if (HasLineBreak(from_name) || HasLineBreak(site_name))
    return MakeError(ErrorCode::kInvalidInput, "from_name and site_name must be one line");
  if (auto a = NormaliseAddress(from_address); !a)
    return MakeError(ErrorCode::kInvalidInput, "from_address: " + a.error().message);
  if (throttle_per_second < 0) return MakeError(ErrorCode::kInvalidInput, "throttle must be >= 0 messages per second");
  if (max_attempts < 1 || retry_base_seconds < 0 || pause_after_hard_failures < 1 || topic_results < 1 ||
      confirm_ttl_hours < 1 || smtp_timeout_seconds < 1)
    return MakeError(ErrorCode::kInvalidInput,
                     "max_attempts, pause_after_hard_failures, topic_results, confirm_ttl_hours and smtp_timeout "
                     "must be at least 1 (retry_base_seconds at least 0)");
  if (weekly_weekday < 0 || weekly_weekday > 6)
    return MakeError(ErrorCode::kInvalidInput, "weekly_day must be a weekday name such as monday");
  return {};
}

}  // namespace paperfeed::mail

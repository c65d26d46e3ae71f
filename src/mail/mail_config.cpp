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

core::Result<MailConfig> LoadMailConfig(const std::string& path, MailConfig base) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot read configuration file " + path);
  MailConfig c = std::move(base);
  using Setter = std::function<bool(const std::string&)>;
  auto str = [](std::string* field) -> Setter { return [field](const std::string& v) { *field = v; return true; }; };
  auto num = [](int* field) -> Setter { return [field](const std::string& v) { return ParseIntValue(v, field); }; };
  auto flag = [](bool* field) -> Setter { return [field](const std::string& v) { return ParseBoolValue(v, field); }; };
  std::map<std::string, Setter> setters = {
      {"smtp_url", str(&c.smtp_url)},
      {"smtp_require_tls", flag(&c.smtp_require_tls)},
      {"smtp_verify_tls", flag(&c.smtp_verify_tls)},
      {"smtp_ca_file", str(&c.smtp_ca_file)},
      {"smtp_timeout", num(&c.smtp_timeout_seconds)},
      {"smtp_reuse_connection", flag(&c.smtp_reuse_connection)},
      {"throttle", [&c](const std::string& v) {
         char* end = nullptr;
         c.throttle_per_second = std::strtod(v.c_str(), &end);
         return !v.empty() && end == v.c_str() + v.size();
       }},
      {"max_attempts", num(&c.max_attempts)},
      {"retry_base_seconds", num(&c.retry_base_seconds)},
      {"pause_after_hard_failures", num(&c.pause_after_hard_failures)},
      {"public_base_url", str(&c.public_base_url)},
      {"site_name", str(&c.site_name)},
      {"from_address", str(&c.from_address)},
      {"from_name", str(&c.from_name)},
      {"topic_results", num(&c.topic_results)},
      {"send_time", str(&c.send_time)},
      {"time_zone", str(&c.time_zone)},
      {"weekly_day", [&c](const std::string& v) { return (c.weekly_weekday = WeekdayNumber(v)) >= 0; }},
      {"confirm_ttl_hours", num(&c.confirm_ttl_hours)},
      {"subscribe_per_client_per_hour", num(&c.subscribe_per_client_per_hour)},
      {"subscribe_per_address_per_day", num(&c.subscribe_per_address_per_day)},
      {"link_secret", str(&c.link_secret)},
  };
  std::string line;
  int number = 0;
  std::string section;
  while (std::getline(in, line)) {
    ++number;
    std::string where = path + ":" + std::to_string(number);
    std::string text = Trim(line);
    if (text.empty() || text[0] == '#') continue;
    if (text.front() == '[') {
      section = text;
      continue;
    }
    // Only the top level and [mail] belong to this module; other sections are other modules' settings.
    if (!section.empty() && section != "[mail]") continue;
    size_t eq = text.find('=');
    if (eq == std::string::npos) return MakeError(ErrorCode::kInvalidInput, where + ": expected 'key = value'");
    std::string key = Trim(std::string_view(text).substr(0, eq));
    std::string value = Trim(std::string_view(text).substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"') {
      size_t close = value.find('"', 1);
      if (close == std::string::npos) return MakeError(ErrorCode::kInvalidInput, where + ": unterminated string");
      value = value.substr(1, close - 1);
    } else if (size_t hash = value.find(" #"); hash != std::string::npos) {
      value = Trim(value.substr(0, hash));
    }
    auto it = setters.find(key);
    if (it == setters.end()) {
      if (section.empty()) continue;  // a top-level key of another module
      return MakeError(ErrorCode::kInvalidInput, where + ": unknown setting '" + key + "'");
    }
    if (!it->second(value)) return MakeError(ErrorCode::kInvalidInput, where + ": bad value for " + key + ": '" + value + "'");
  }
  if (auto r = c.Validate(); !r) return MakeError(r.error().code, path + ": " + r.error().message);
  return c;
}

core::Result<MailConfig> ResolveMailConfig(const std::string& explicit_path, const std::string& smtp_flag) {
  std::string path = explicit_path;
  if (path.empty()) {
    const char* env = std::getenv("PAPERFEED_CONFIG");
    if (env && *env) path = env;
  }
  if (path.empty() && std::filesystem::exists("paperfeed.toml")) path = "paperfeed.toml";
  MailConfig config;
  if (!path.empty()) {
    auto loaded = LoadMailConfig(path);
    if (!loaded) return loaded.error();
    config = std::move(loaded.value());
  }
  const char* env_smtp = std::getenv("PAPERFEED_SMTP_URL");
  if (!smtp_flag.empty()) config.smtp_url = smtp_flag;
  else if (env_smtp && *env_smtp) config.smtp_url = env_smtp;
  if (auto r = config.Validate(); !r) return r.error();
  return config;
}

}  // namespace paperfeed::mail

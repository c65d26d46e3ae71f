// cli/config: the only file that includes toml++. Every key is one row of the table below: its
// name, its environment variable, its help line, and how it is read from text and shown as text, so
// the file, the environment and the flags go through one parser and `config check` can show each
// effective value with where it came from.
#include "cli/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>

#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include "core/calendar.hpp"
#include "core/text.hpp"

namespace paperfeed::cli {
namespace {

using core::ErrorCode;
using core::MakeError;

struct KeyRow {
  ConfigKey key;
  // Sets the value from its text form; returns false when the text is not a valid value.
  std::function<bool(Config&, const std::string&)> set;
  std::function<std::string(const Config&)> get;
};

bool ParseBool(const std::string& text, bool* out) {
  if (text == "true" || text == "yes" || text == "on" || text == "1") return *out = true, true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return *out = false, true;
  return false;
}

bool ParseInt(const std::string& text, int* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (end != text.c_str() + text.size() || v < -1000000000L || v > 1000000000L) return false;
  *out = static_cast<int>(v);
  return true;
}

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return false;
  *out = v;
  return true;
}

std::string BoolText(bool b) { return b ? "true" : "false"; }

int WeekdayNumber(const std::string& name) {
  static const char* kNames[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (int i = 0; i < 7; ++i)
    if (core::ToLowerAscii(name) == kNames[i]) return i;
  return -1;
}

template <typename Field>
KeyRow Of(std::string name, std::string env, std::string help, Field field) {
  using T = std::remove_reference_t<decltype(field(std::declval<Config&>()))>;
  KeyRow row{{std::move(name), std::move(env), std::move(help)}, nullptr, nullptr};
  if constexpr (std::is_same_v<T, std::string>) {
    row.set = [field](Config& c, const std::string& v) { return (field(c) = v), true; };
    row.get = [field](const Config& c) { return field(const_cast<Config&>(c)); };
  } else if constexpr (std::is_same_v<T, bool>) {
    row.set = [field](Config& c, const std::string& v) { return ParseBool(v, &field(c)); };
    row.get = [field](const Config& c) { return BoolText(field(const_cast<Config&>(c))); };
  } else if constexpr (std::is_same_v<T, int>) {
    row.set = [field](Config& c, const std::string& v) { return ParseInt(v, &field(c)); };
    row.get = [field](const Config& c) { return std::to_string(field(const_cast<Config&>(c))); };
  } else {
    static_assert(std::is_same_v<T, double>);
    row.set = [field](Config& c, const std::string& v) { return ParseDouble(v, &field(c)); };
    row.get = [field](const Config& c) {
      std::ostringstream s;
      s << field(const_cast<Config&>(c));
      return s.str();
    };
  }
  return row;
}

// `row`, refusing numbers outside [lo, hi].
KeyRow InRange(KeyRow row, double lo, double hi) {
  row.set = [set = row.set, lo, hi](Config& c, const std::string& v) {
    double value = 0;
    return ParseDouble(v, &value) && value >= lo && value <= hi && set(c, v);
  };
  return row;
}

// An integer key that must lie in [min, max]; int64_t fields (seconds) are read as int.
template <typename Field>
KeyRow Ranged(std::string name, std::string env, std::string help, Field field, int64_t min, int64_t max) {
  KeyRow row{{std::move(name), std::move(env), std::move(help)}, nullptr, nullptr};
  row.set = [field, min, max](Config& c, const std::string& v) {
    int n = 0;
    if (!ParseInt(v, &n) || n < min || n > max) return false;
    field(c) = n;
    return true;
  };
  row.get = [field](const Config& c) { return std::to_string(field(const_cast<Config&>(c))); };
  return row;
}

#define PF_FIELD(expr) [](Config & c) -> auto& { return c.expr; }

// A list key: a TOML array of strings, or one string of items separated by commas or spaces.
template <typename Field>
KeyRow ListOf(std::string name, std::string env, std::string help, Field field) {
  KeyRow row{{std::move(name), std::move(env), std::move(help)}, nullptr, nullptr};
  row.set = [field](Config& c, const std::string& v) {
    auto& list = field(c);
    list.clear();
    std::string item;
    for (char ch : v + ",") {
      if (ch == ',' || ch == ' ') {
        if (!item.empty()) list.push_back(item);
        item.clear();
      } else {
        item += ch;
      }
    }
    return true;
  };
  row.get = [field](const Config& c) {
    std::string out;
    for (const auto& item : field(const_cast<Config&>(c))) out += (out.empty() ? "" : ",") + item;
    return out;
  };
  return row;
}

const std::vector<KeyRow>& Rows() {
  static const std::vector<KeyRow> rows = [] {
    std::vector<KeyRow> r;
    // [server]
    r.push_back(Of("server.database", "PAPERFEED_DB", "SQLite database file, or a postgresql:// URI (libpq's syntax) for several nodes on one database",
                    PF_FIELD(database)));
    r.push_back(Of("server.listen", "PAPERFEED_LISTEN", "HOST:PORT serve listens on (port 0 picks a free one)",
                   PF_FIELD(listen)));
    r.push_back(Of("server.public_base_url", "PAPERFEED_PUBLIC_BASE_URL",
                   "The site's address as readers reach it (https://papers.example.org); every absolute link in "
                   "pages, feeds and mails starts with it. Default: http://LISTEN",
                   PF_FIELD(public_base_url)));
    r.push_back(Of("server.threads", "PAPERFEED_THREADS", "Worker threads (0 = max(64, 8 x cores))", PF_FIELD(threads)));
    r.push_back(Of("server.cache_mb", "PAPERFEED_CACHE_MB", "Response cache for anonymous pages, MiB (0 = off)",
                   PF_FIELD(cache_mb)));
    r.push_back(Of("server.index_sync_seconds", "PAPERFEED_INDEX_SYNC",
                   "Seconds between catch-ups of the search index with the catalogue (0 = only at start)",
                   PF_FIELD(index_sync_seconds)));
    r.push_back(Of("server.search", "PAPERFEED_SEARCH", "Open the search indexes", PF_FIELD(search)));
    r.push_back(Of("server.index_dir", "PAPERFEED_INDEX_DIR", "Search index directory (\"\" = next to the database)",
                   PF_FIELD(index_dir)));
    r.push_back(Of("server.quiet", "PAPERFEED_QUIET", "Do not log one line per request", PF_FIELD(quiet)));
    // [search]
    r.push_back(InRange(Of("search.semantic_weight", "PAPERFEED_SEMANTIC_WEIGHT",
                           "Share of the semantic score in hybrid search, 0..1 (0.2 measured best on SciFact)",
                           PF_FIELD(semantic.semantic_weight)),
                        0, 1));
    r.push_back(InRange(Of("search.prf_docs", "PAPERFEED_PRF_DOCS",
                           "Keyword hits that pull the hybrid query vector towards them, 0..100 (0 = off)",
                           PF_FIELD(semantic.prf_docs)),
                        0, 100));
    r.push_back(InRange(Of("search.prf_weight", "PAPERFEED_PRF_WEIGHT",
                           "Weight of those hits against the query's own vector, 0..10", PF_FIELD(semantic.prf_weight)),
                        0, 10));
    // Slow and many clients (issue 10): deadlines, caps and the answer beyond them.
    r.push_back(Ranged("server.request_timeout_ms", "PAPERFEED_REQUEST_TIMEOUT_MS",
                       "Milliseconds a client has to send a whole request (line, headers, body); else 408",
                       PF_FIELD(request_timeout_ms), 100, 3600000));
    r.push_back(Ranged("server.response_timeout_ms", "PAPERFEED_RESPONSE_TIMEOUT_MS",
                       "Milliseconds a client has to take a whole response", PF_FIELD(response_timeout_ms), 100,
                       3600000));
    r.push_back(Ranged("server.keep_alive_idle_ms", "PAPERFEED_KEEP_ALIVE_IDLE_MS",
                       "Milliseconds an idle keep-alive connection is kept (closed sooner when others wait)",
                       PF_FIELD(keep_alive_idle_ms), 0, 3600000));
    r.push_back(Ranged("server.max_connections_per_address", "PAPERFEED_MAX_CONNECTIONS_PER_ADDRESS",
                       "Connections one client address may hold, served or waiting; beyond: 429 (0 = max(8, threads / 2); "
                       "trusted proxies are exempt)",
                       PF_FIELD(max_connections_per_address), 0, 1000000));
    r.push_back(Ranged("server.max_queued_connections", "PAPERFEED_MAX_QUEUED_CONNECTIONS",
                       "Connections that may wait for a worker; beyond: 503 at once", PF_FIELD(max_queued_connections),
                       0, 1000000));
    r.push_back(Ranged("server.max_queue_wait_ms", "PAPERFEED_MAX_QUEUE_WAIT_MS",
                       "Milliseconds a connection may wait for a worker before it gets 503", PF_FIELD(max_queue_wait_ms),
                       0, 600000));
    r.push_back(Ranged("server.retry_after_seconds", "PAPERFEED_RETRY_AFTER",
                       "Retry-After of the 503 and 429 answers beyond capacity", PF_FIELD(retry_after_seconds), 1, 3600));
    r.push_back(Ranged("server.max_body_kb", "PAPERFEED_MAX_BODY_KB", "Request bodies above this many KiB get 413",
                       PF_FIELD(max_body_kb), 1, 1048576));
    r.push_back(Ranged("server.max_form_kb", "PAPERFEED_MAX_FORM_KB",
                       "URL-encoded form bodies above this many KiB get 413", PF_FIELD(max_form_kb), 1, 1048576));
    // [accounts]
    r.push_back({{"accounts.signup", "PAPERFEED_SIGNUP", "open: anyone may sign up; closed: only 'paperfeed user add'"},
                 [](Config& c, const std::string& v) {
                   if (v != "open" && v != "closed") return false;
                   c.accounts.auth.allow_signup = v == "open";
                   return true;
                 },
                 [](const Config& c) { return std::string(c.accounts.auth.allow_signup ? "open" : "closed"); }});
    r.push_back({{"accounts.password_cost", "PAPERFEED_PASSWORD_COST",
                  "Argon2id cost: interactive (libsodium's interactive limits) or minimum (tests only)"},
                 [](Config& c, const std::string& v) {
                   if (v != "interactive" && v != "minimum") return false;
                   c.accounts.auth.password_cost =
                       v == "minimum" ? web::PasswordCost::Minimum() : web::PasswordCost::Interactive();
                   return true;
                 },
                 [](const Config& c) {
                   return std::string(c.accounts.auth.password_cost.ops == web::PasswordCost::Minimum().ops
                                          ? "minimum"
                                          : "interactive");
                 }});
    r.push_back(Of("accounts.secure_cookies", "PAPERFEED_SECURE_COOKIES",
                   "Secure session cookies (on by default when public_base_url is https://)",
                   PF_FIELD(accounts.auth.secure_cookies)));
    r.push_back(Ranged("accounts.signups_per_address_per_hour", "PAPERFEED_SIGNUPS_PER_ADDRESS",
                       "Sign-ups one client address may attempt per hour (sliding window; beyond it 429)",
                       PF_FIELD(accounts.auth.max_signups_per_address), 1, 1000000));
    r.push_back(Ranged("accounts.login_free_failures", "PAPERFEED_LOGIN_FREE_FAILURES",
                       "Failed log-ins of one (name, address) pair before each further try must wait",
                       PF_FIELD(accounts.auth.free_failures_per_pair), 1, 1000));
    r.push_back(Ranged("accounts.login_delay_seconds", "PAPERFEED_LOGIN_DELAY",
                       "The first wait after the free failures, doubling with each failure (at most the window)",
                       PF_FIELD(accounts.auth.failure_delay_base_seconds), 1, 86400));
    r.push_back(Ranged("accounts.login_max_failures_per_address", "PAPERFEED_LOGIN_MAX_FAILURES_PER_ADDRESS",
                       "Failed log-ins (any name) that stop one address for the window",
                       PF_FIELD(accounts.auth.max_failures_per_ip), 1, 1000000));
    r.push_back(Ranged("accounts.login_window_seconds", "PAPERFEED_LOGIN_WINDOW",
                       "The window the log-in failures are counted in", PF_FIELD(accounts.auth.failure_window_seconds),
                       60, 7 * 86400));
    r.push_back(Ranged("accounts.max_concurrent_password_checks", "PAPERFEED_MAX_PASSWORD_CHECKS",
                       "Argon2id checks (64 MiB each) running at once; beyond: a short wait, then 503",
                       PF_FIELD(accounts.auth.max_concurrent_password_checks), 1, 1024));
    r.push_back(Ranged("accounts.password_check_wait_ms", "PAPERFEED_PASSWORD_CHECK_WAIT_MS",
                       "Milliseconds a log-in or sign-up waits for a password check slot",
                       PF_FIELD(accounts.auth.password_check_wait_ms), 0, 60000));
    r.push_back(Ranged("accounts.token_default_days", "PAPERFEED_TOKEN_DEFAULT_DAYS",
                       "Days a new API token lasts unless its owner picks otherwise",
                       PF_FIELD(accounts.auth.default_token_days), 1, 3650));
    r.push_back(Ranged("accounts.token_max_days", "PAPERFEED_TOKEN_MAX_DAYS", "The longest lifetime of an API token, days",
                       PF_FIELD(accounts.auth.max_token_days), 1, 3650));
    r.push_back(ListOf("server.trusted_proxies", "PAPERFEED_TRUSTED_PROXIES",
                       "Reverse proxies (numeric addresses, comma-separated) whose X-Forwarded-For names the client",
                       PF_FIELD(trusted_proxies)));
    r.push_back({{"accounts.arxiv_api_url", "PAPERFEED_ARXIV_API_URL",
                  "Where submissions of unknown papers fetch their metadata (\"off\" turns it off)"},
                 [](Config& c, const std::string& v) {
                   c.accounts.arxiv_api_url = v == "off" ? "" : v;
                   // A local stand-in (a mirror, the tests' replay server) needs no pacing.
                   if (core::StartsWith(v, "http://127.") || core::StartsWith(v, "http://localhost")) {
                     c.accounts.arxiv_min_interval = std::chrono::milliseconds(0);
                     c.accounts.arxiv_max_attempts = 1;
                   }
                   return true;
                 },
                 [](const Config& c) { return c.accounts.arxiv_api_url.empty() ? std::string("off") : c.accounts.arxiv_api_url; }});
    // [mail]
    r.push_back(Of("mail.enabled_in_serve", "PAPERFEED_MAIL_IN_SERVE",
                   "serve sends confirmations within seconds and digests at send_time (false: only 'digest run')",
                   PF_FIELD(mail_in_serve)));
    r.push_back(Of("mail.public_base_url", "PAPERFEED_MAIL_PUBLIC_BASE_URL",
                   "The same as server.public_base_url (read from [mail] too, where older files put it)",
                   PF_FIELD(public_base_url)));
    r.push_back(Of("mail.smtp_url", "PAPERFEED_SMTP_URL",
                   "SMTP relay: smtp://[user:pass@]host:port (STARTTLS when offered) or smtps://; \"\" = mail waits "
                   "in the outbox",
                   PF_FIELD(mail.smtp_url)));
    r.push_back(Of("mail.smtp_require_tls", "PAPERFEED_SMTP_REQUIRE_TLS", "Refuse to send when smtp:// offers no STARTTLS",
                   PF_FIELD(mail.smtp_require_tls)));
    r.push_back(Of("mail.smtp_verify_tls", "PAPERFEED_SMTP_VERIFY_TLS", "Check the relay's certificate",
                   PF_FIELD(mail.smtp_verify_tls)));
    r.push_back(Of("mail.smtp_ca_file", "PAPERFEED_SMTP_CA_FILE", "Extra CA bundle for the relay's certificate",
                   PF_FIELD(mail.smtp_ca_file)));
    r.push_back(Of("mail.smtp_timeout", "PAPERFEED_SMTP_TIMEOUT", "Seconds per message, connect included",
                   PF_FIELD(mail.smtp_timeout_seconds)));
    r.push_back(Of("mail.smtp_reuse_connection", "PAPERFEED_SMTP_REUSE", "One SMTP connection per batch",
                   PF_FIELD(mail.smtp_reuse_connection)));
    r.push_back(Of("mail.throttle", "PAPERFEED_MAIL_THROTTLE", "Messages per second (0 = as fast as the relay takes)",
                   PF_FIELD(mail.throttle_per_second)));
    r.push_back(Of("mail.max_attempts", "PAPERFEED_MAIL_MAX_ATTEMPTS", "4xx or network failures before a message is given up",
                   PF_FIELD(mail.max_attempts)));
    r.push_back(Of("mail.retry_base_seconds", "PAPERFEED_MAIL_RETRY_BASE", "Backoff base: base x 2^(attempt-1), at most 6 h",
                   PF_FIELD(mail.retry_base_seconds)));
    r.push_back(Of("mail.pause_after_hard_failures", "PAPERFEED_MAIL_PAUSE_AFTER",
                   "Consecutive 5xx answers that pause a subscription", PF_FIELD(mail.pause_after_hard_failures)));
    r.push_back(Of("mail.site_name", "PAPERFEED_SITE_NAME", "The name in subjects and signatures", PF_FIELD(mail.site_name)));
    r.push_back(Of("mail.from_address", "PAPERFEED_MAIL_FROM", "The From address", PF_FIELD(mail.from_address)));
    r.push_back(Of("mail.from_name", "PAPERFEED_MAIL_FROM_NAME", "The From name", PF_FIELD(mail.from_name)));
    r.push_back(Of("mail.topic_results", "PAPERFEED_MAIL_TOPIC_RESULTS", "Papers per saved search, category or author",
                   PF_FIELD(mail.topic_results)));
    r.push_back(Of("mail.send_time", "PAPERFEED_MAIL_SEND_TIME", "Local time of day digests go out, HH:MM",
                   PF_FIELD(mail.send_time)));
    r.push_back(Of("mail.time_zone", "PAPERFEED_MAIL_TIME_ZONE", "IANA time zone of send_time and of the digest's day",
                   PF_FIELD(mail.time_zone)));
    r.push_back({{"mail.weekly_day", "PAPERFEED_MAIL_WEEKLY_DAY", "Weekday weekly digests go out (monday..sunday)"},
                 [](Config& c, const std::string& v) { return (c.mail.weekly_weekday = WeekdayNumber(v)) >= 0; },
                 [](const Config& c) {
                   static const char* kNames[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
                                                  "saturday"};
                   int d = c.mail.weekly_weekday;
                   return std::string(d >= 0 && d <= 6 ? kNames[d] : "?");
                 }});
    r.push_back(Of("mail.confirm_ttl_hours", "PAPERFEED_MAIL_CONFIRM_TTL", "Hours a confirmation link stays valid",
                   PF_FIELD(mail.confirm_ttl_hours)));
    r.push_back(Of("mail.subscribe_per_client_per_hour", "PAPERFEED_SUBSCRIBE_PER_CLIENT",
                   "Subscriptions one client address may make per hour", PF_FIELD(mail.subscribe_per_client_per_hour)));
    r.push_back(Of("mail.subscribe_per_address_per_day", "PAPERFEED_SUBSCRIBE_PER_ADDRESS",
                   "Confirmation mails one address may get per day", PF_FIELD(mail.subscribe_per_address_per_day)));
    r.push_back({{"mail.link_secret", "PAPERFEED_LINK_SECRET",
                  "HMAC key of the links in mails (\"\" = a random key kept in the database)"},
                 [](Config& c, const std::string& v) { return (c.mail.link_secret = v), true; },
                 [](const Config& c) { return c.mail.link_secret.empty() ? std::string() : std::string("(set)"); }});
    // [harvest]
    r.push_back(ListOf("harvest.sets", "PAPERFEED_HARVEST_SETS",
                       "arXiv sets serve harvests daily over OAI-PMH (cs, math, physics:hep-th, ...; none: no harvest)",
                       PF_FIELD(harvest.sets)));
    r.push_back(Of("harvest.time", "PAPERFEED_HARVEST_TIME",
                   "Local time of day of the daily harvest, HH:MM (arXiv announces at 20:00 New York time)",
                   PF_FIELD(harvest.time)));
    r.push_back(Of("harvest.time_zone", "PAPERFEED_HARVEST_TIME_ZONE", "IANA time zone of harvest.time",
                   PF_FIELD(harvest.time_zone)));
    r.push_back(Of("harvest.oai_url", "PAPERFEED_HARVEST_OAI_URL", "OAI-PMH endpoint", PF_FIELD(harvest.oai_url)));
    r.push_back(Of("harvest.hf_daily", "PAPERFEED_HARVEST_HF_DAILY",
                   "Also fetch Hugging Face's daily list (today's and yesterday's) at harvest time",
                   PF_FIELD(harvest.hf_daily)));
    r.push_back(Of("harvest.hf_url", "PAPERFEED_HARVEST_HF_URL", "Hugging Face's daily-papers API",
                   PF_FIELD(harvest.hf_url)));
    r.push_back(Of("harvest.delay_seconds", "PAPERFEED_HARVEST_DELAY",
                   "Seconds between requests to arXiv (3: arXiv's terms of use)", PF_FIELD(harvest.delay_seconds)));
    r.push_back(Of("harvest.retry_seconds", "PAPERFEED_HARVEST_RETRY",
                   "First retry of a failed source, seconds; doubled after each failure, at most 6 h",
                   PF_FIELD(harvest.retry_seconds)));
    r.push_back(Of("harvest.first_days", "PAPERFEED_HARVEST_FIRST_DAYS",
                   "Days back a set's first harvest starts", PF_FIELD(harvest.first_days)));
    return r;
  }();
  return rows;
}

const KeyRow* FindRow(const std::string& name) {
  for (const auto& row : Rows())
    if (row.key.name == name) return &row;
  return nullptr;
}

// The text form of a TOML value, as an environment variable would spell it.
bool NodeText(const toml::node& node, std::string* out) {
  if (auto s = node.as_string()) return (*out = s->get()), true;
  if (auto i = node.as_integer()) return (*out = std::to_string(i->get())), true;
  if (auto f = node.as_floating_point()) {
    std::ostringstream s;
    s << f->get();
    return (*out = s.str()), true;
  }
  if (auto b = node.as_boolean()) return (*out = BoolText(b->get())), true;
  if (auto a = node.as_array()) {  // list keys: an array of strings
    out->clear();
    for (const auto& item : *a) {
      auto s = item.as_string();
      if (!s) return false;
      *out += (out->empty() ? "" : ",") + s->get();
    }
    return true;
  }
  return false;
}

std::string Where(const std::string& path, const toml::source_region& region) {
  return path + ":" + std::to_string(region.begin.line);
}

core::Result<void> ApplyFile(const std::string& path, Config& config) {
  auto parsed = toml::parse_file(path);
  if (!parsed) {
    const auto& err = parsed.error();
    return MakeError(ErrorCode::kInvalidInput, Where(path, err.source()) + ": " + std::string(err.description()));
  }
  const toml::table& root = parsed.table();
  for (const auto& [section_key, section_node] : root) {
    std::string section(section_key.str());
    const toml::table* table = section_node.as_table();
    if (!table)
      return MakeError(ErrorCode::kInvalidInput, Where(path, section_node.source()) + ": '" + section +
                                                     "' must be a section such as [server], [search], [accounts] or [mail]");
    for (const auto& [key, node] : *table) {
      std::string name = section + "." + std::string(key.str());
      const KeyRow* row = FindRow(name);
      if (!row)
        return MakeError(ErrorCode::kInvalidInput, Where(path, node.source()) + ": unknown setting '" + name +
                                                       "' ('paperfeed config check --help' lists every key)");
      std::string text;
      if (!NodeText(node, &text) || !row->set(config, text))
        return MakeError(ErrorCode::kInvalidInput, Where(path, node.source()) + ": bad value for " + name + " (" +
                                                       row->key.help + ")");
      config.sources[name] = Where(path, node.source());
    }
  }
  return {};
}

}  // namespace

core::Result<int> HarvestConfig::Minutes() const {
  int h = -1, m = -1;
  if (time.size() == 5 && time[2] == ':' && ParseInt(time.substr(0, 2), &h) && ParseInt(time.substr(3, 2), &m) &&
      h >= 0 && h < 24 && m >= 0 && m < 60) {
    return h * 60 + m;
  }
  return MakeError(ErrorCode::kInvalidInput, "[harvest] time '" + time + "' must be HH:MM, e.g. 21:00");
}

std::string Config::EffectivePublicBaseUrl() const {
  std::string url = public_base_url.empty() ? "http://" + listen : public_base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> k;
    for (const auto& row : Rows()) k.push_back(row.key);
    return k;
  }();
  return keys;
}

core::Result<Config> LoadConfig(const ConfigInputs& inputs) {
  Config config;
  for (const auto& row : Rows()) config.sources[row.key.name] = "default";
  std::string path = inputs.file;
  if (path.empty()) {
    const char* env = std::getenv("PAPERFEED_CONFIG");
    if (env && *env) path = env;
  }
  if (path.empty() && std::filesystem::exists("paperfeed.toml")) path = "paperfeed.toml";
  if (!path.empty()) {
    if (!std::filesystem::exists(path))
      return MakeError(ErrorCode::kNotFound, "configuration file " + path +
                                                 " does not exist; write one (the README lists every key) or leave "
                                                 "out --config / PAPERFEED_CONFIG");
    if (auto r = ApplyFile(path, config); !r) return r.error();
    config.file = path;
  }
  for (const auto& row : Rows()) {
    const char* env = std::getenv(row.key.env.c_str());
    if (!env || !*env) continue;
    if (!row.set(config, env))
      return MakeError(ErrorCode::kInvalidInput, "environment variable " + row.key.env + "='" + env +
                                                     "': bad value for " + row.key.name + " (" + row.key.help + ")");
    config.sources[row.key.name] = "env " + row.key.env;
  }
  for (const auto& [name, flag] : inputs.flags) {
    const KeyRow* row = FindRow(name);
    if (!row) return MakeError(ErrorCode::kInternal, "no configuration key " + name);
    if (!row->set(config, flag.first))
      return MakeError(ErrorCode::kInvalidInput, flag.second + " '" + flag.first + "': bad value (" + row->key.help + ")");
    config.sources[name] = "flag " + flag.second;
  }
  // One public base URL for the site and its mails; https implies Secure cookies.
  config.mail.public_base_url = config.EffectivePublicBaseUrl();
  if (core::StartsWith(config.mail.public_base_url, "https://") && config.sources["accounts.secure_cookies"] == "default")
    config.accounts.auth.secure_cookies = true;
  if (config.accounts.auth.default_token_days > config.accounts.auth.max_token_days)
    return MakeError(ErrorCode::kInvalidInput, std::string(config.file.empty() ? "configuration" : config.file) +
                                                   ": accounts.token_default_days (" +
                                                   std::to_string(config.accounts.auth.default_token_days) +
                                                   ") is above accounts.token_max_days (" +
                                                   std::to_string(config.accounts.auth.max_token_days) + ")");
  std::string where = config.file.empty() ? "configuration" : config.file;
  if (auto r = config.mail.Validate(); !r) {
    return MakeError(r.error().code, where + ": [mail] " + r.error().message);
  }
  if (auto r = config.harvest.Minutes(); !r) return MakeError(r.error().code, where + ": " + r.error().message);
  if (auto zone = core::TimeZone::Load(config.harvest.time_zone); !zone) {
    return MakeError(zone.error().code, where + ": [harvest] time_zone: " + zone.error().message);
  }
  return config;
}

std::vector<std::pair<std::string, std::string>> ConfigValues(const Config& config) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : Rows()) out.emplace_back(row.key.name, row.get(config));
  return out;
}

}  // namespace paperfeed::cli

// cli/config: the one configuration of a paperfeed installation — the TOML file, the environment
// and the command line, in that order of precedence (a flag beats a variable beats the file) — and
// where each effective value came from, for `paperfeed config check`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "mail/mail_config.hpp"
#include "search/semantic_options.hpp"
#include "web/account_handlers.hpp"

namespace paperfeed::cli {

// [harvest]: the daily refresh `serve` runs (ingest/harvest_scheduler).
struct HarvestConfig {
  std::vector<std::string> sets;                // arXiv OAI-PMH sets; none: no arXiv harvest
  std::string time = "21:00";                   // local time of day; arXiv announces at 20:00 New York time
  std::string time_zone = "America/New_York";
  std::string oai_url = "https://export.arxiv.org/oai2";
  bool hf_daily = false;                        // also fetch Hugging Face's daily list
  std::string hf_url = "https://huggingface.co/api/daily_papers";
  double delay_seconds = 3;                     // between requests (arXiv's terms of use)
  int retry_seconds = 1800;                     // first retry of a failed source; doubled, at most 6 h
  int first_days = 3;                           // a set never harvested starts this many days back

  bool enabled() const { return !sets.empty() || hf_daily; }
  // Minutes after midnight of `time`, or an error naming the key.
  core::Result<int> Minutes() const;
};

struct Config {
  // [server]
  std::string database = "paperfeed.db";  // a SQLite file
  std::string listen = "127.0.0.1:8080";
  std::string public_base_url;            // "" = http://LISTEN; every absolute link starts with it
  int threads = 0;                        // 0 = max(64, 8 x cores)
  int cache_mb = 64;
  int index_sync_seconds = 5;
  bool search = true;
  std::string index_dir;                  // "" = next to the database
  bool quiet = false;
  std::vector<std::string> trusted_proxies;  // reverse proxies whose X-Forwarded-For is believed
  // [search]
  search::SemanticOptions semantic;  // the fusion weight and pseudo-relevance feedback of hybrid search
  // Slow and many clients (web::ServerOptions has the meaning of each).
  int request_timeout_ms = 10000;
  int response_timeout_ms = 60000;
  int keep_alive_idle_ms = 5000;
  int max_connections_per_address = 0;  // 0: max(8, threads / 2)
  int max_queued_connections = 64;
  int max_queue_wait_ms = 1000;
  int retry_after_seconds = 5;
  int max_body_kb = 1024;
  int max_form_kb = 64;
  // [accounts]
  web::AccountOptions accounts;
  // [mail]
  mail::MailConfig mail;
  bool mail_in_serve = true;              // serve sends confirmations and scheduled digests itself
  // [harvest]
  HarvestConfig harvest;

  // Where each key's effective value came from: "default", "FILE:LINE", "env NAME" or "flag --x".
  std::map<std::string, std::string> sources;
  std::string file;                       // the configuration file read ("" = none)

  // The public base URL with the default filled in from the listen address.
  std::string EffectivePublicBaseUrl() const;
};

// What the command line says about the configuration: the file (--config) and overrides given by
// flags, as "section.key" -> (value, flag name).
struct ConfigInputs {
  std::string file;  // --config; else $PAPERFEED_CONFIG; else ./paperfeed.toml when it exists
  std::map<std::string, std::pair<std::string, std::string>> flags;
};

// One key of the configuration, for the documentation and `config check`.
struct ConfigKey {
  std::string name;     // "section.key"
  std::string env;      // the environment variable that overrides it
  std::string help;
};
const std::vector<ConfigKey>& ConfigKeys();

// Reads the file, then the environment, then the flags; validates. Errors name the file and line
// (or the variable, or the flag) and the key.
core::Result<Config> LoadConfig(const ConfigInputs& inputs);

// The effective value of every key as text, in ConfigKeys() order.
std::vector<std::pair<std::string, std::string>> ConfigValues(const Config& config);

}  // namespace paperfeed::cli

// web/server: the HTTP server — the one door to cpp-httplib. Keep-alive, gzip, caching headers,
// security headers, a response cache for anonymous pages, a request log, graceful shutdown.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "mail/mail_config.hpp"
#include "search/semantic_options.hpp"
#include "web/account_handlers.hpp"
#include "web/router.hpp"

namespace paperfeed::web {

struct ServerOptions {
  std::string db_path;
  std::string host = "127.0.0.1";
  int port = 8080;           // 0 picks a free port (tests)
  int threads = 0;           // worker threads; 0: a default sized for keep-alive clients
  bool log_requests = true;  // one line per request on stderr: method path status ms
  bool search = true;        // open the search indexes (pages say so when they are missing)
  std::string index_dir;     // search indexes; "" means next to the database
  search::SemanticOptions semantic;  // how hybrid search weighs the semantic half ([search])
  // How often the search indexes catch up with the catalogue while serving, so that papers a
  // harvest in another process or a submission here stored become searchable; 0 = never.
  int index_sync_seconds = 5;
  // Open and build the search index on a background thread, so the server answers at once (serve);
  // false: before Create returns (tests that search straight away).
  bool build_index_in_background = false;
  // Tests only: called on the background thread before the index is opened and built, so a test
  // can watch the server answer while the index is warming up. Empty in production.
  std::function<void()> before_index_build;
  size_t max_body_bytes = 1 << 20;      // request bodies above this get 413
  size_t max_form_bytes = 64u << 10;    // url-encoded form bodies above this get 413 (a 5,000-character
                                        // comment of 3-byte characters is 45 KB url-encoded)
  size_t cache_bytes = 64u << 20;       // in-memory response cache; 0 turns it off
  int cache_seconds = 30;               // a cached page is re-rendered at least this often
  // Every absolute link (feeds, mails, the API's Link headers) starts with this, never with the
  // request's Host header, so one forged Host cannot poison the response cache.
  std::string public_base_url = "http://127.0.0.1:8080";
  AccountOptions accounts;              // sign-up, cookies, password cost, the arXiv client
  mail::MailConfig mail;                // the subscription pages' settings (links, rate limits)
  // Slow and many clients. Each connection holds one of `threads` workers while it is served.
  int request_timeout_ms = 10000;   // the whole request (line, headers, body) must arrive in this; else 408
  int response_timeout_ms = 60000;  // the whole response must be taken by the client in this
  int keep_alive_idle_ms = 5000;    // an idle keep-alive connection is closed after this
  int max_connections_per_address = 0;  // served or waiting, per peer address; 0: max(8, threads / 2); beyond: 429
  int max_queued_connections = 64;  // connections waiting for a worker; beyond: 503 at once
  int max_queue_wait_ms = 1000;     // a connection waiting longer for a worker gets 503
  int retry_after_seconds = 5;      // Retry-After on those 503 and 429
  // Reverse proxies whose X-Forwarded-For is believed (numeric addresses, e.g. "127.0.0.1"); they
  // are also exempt from max_connections_per_address. Empty: the socket peer is the client.
  std::vector<std::string> trusted_proxies;
};

class Server {
 public:
  // Opens the database (applying migrations), the search service, and builds the route table.
  static core::Result<std::unique_ptr<Server>> Create(const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; returns the port (useful with port 0).
  core::Result<int> Bind();
  // Serves until Stop(). Bind() first.
  void Run();
  // Bind() and Run() on a background thread; returns once the server accepts connections.
  core::Result<int> Start();
  // Stops accepting; requests in flight finish, then Run() returns (and a Start() thread is joined).
  void Stop();
  int port() const;
  Router& router();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace paperfeed::web

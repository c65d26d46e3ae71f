// The web verb: paperfeed [--db PATH] serve [--listen HOST:PORT] [--threads N].
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/command.hpp"
#include "web/server.hpp"

namespace paperfeed::cli {
namespace {

// The thread that waits for SIGINT/SIGTERM. Threads that libraries start before main (OpenBLAS
// starts its pool in a constructor) do not have the signals blocked; a signal delivered to one of
// them runs this handler, which hands it on to the waiter (pthread_kill is async-signal-safe).
std::atomic<pthread_t> g_signal_waiter{};
std::atomic<bool> g_signal_waiter_set{false};
extern "C" void ForwardSignalToWaiter(int signal_number) {
  if (g_signal_waiter_set.load()) pthread_kill(g_signal_waiter.load(), signal_number);
}

int Serve(const GlobalOptions& globals) {
  const Config& config = globals.config;
  web::ServerOptions server_options;
  server_options.db_path = config.database;
  const std::string& listen = config.listen;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "paperfeed: --listen '%s' needs HOST:PORT, e.g. 127.0.0.1:8080\n", listen.c_str());
    return kExitFailure;
  }
  server_options.host = listen.substr(0, colon);
  if (server_options.host.size() > 2 && server_options.host.front() == '[') server_options.host = server_options.host.substr(1, server_options.host.size() - 2);
  try {
    server_options.port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    server_options.port = -1;
  }
  if (server_options.port < 0 || server_options.port > 65535) {
    std::fprintf(stderr, "paperfeed: --listen '%s': the port must be 0..65535\n", listen.c_str());
    return kExitFailure;
  }
  server_options.threads = config.threads;
  server_options.log_requests = !config.quiet;
  server_options.search = config.search;
  server_options.index_dir = config.index_dir;
  server_options.semantic = config.semantic;
  server_options.cache_bytes = static_cast<size_t>(std::max(0, config.cache_mb)) << 20;
  server_options.index_sync_seconds = config.index_sync_seconds;
  server_options.build_index_in_background = true;
  // For the end-to-end test of the warming-up answers (tests/unit/mail/serve_mail_test.cpp): the
  // index build waits until someone writes to this FIFO. Not a setting: nothing else uses it.
  if (const char* gate = std::getenv("PAPERFEED_TEST_INDEX_GATE"); gate && *gate) {
    server_options.before_index_build = [path = std::string(gate)] {
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return;
      char c;
      (void)::read(fd, &c, 1);
      ::close(fd);
    };
  }
  server_options.public_base_url = config.EffectivePublicBaseUrl();
  server_options.accounts = config.accounts;
  server_options.mail = config.mail;
  server_options.trusted_proxies = config.trusted_proxies;
  server_options.request_timeout_ms = config.request_timeout_ms;
  server_options.response_timeout_ms = config.response_timeout_ms;
  server_options.keep_alive_idle_ms = config.keep_alive_idle_ms;
  server_options.max_connections_per_address = config.max_connections_per_address;
  server_options.max_queued_connections = config.max_queued_connections;
  server_options.max_queue_wait_ms = config.max_queue_wait_ms;
  server_options.retry_after_seconds = config.retry_after_seconds;
  server_options.max_body_bytes = static_cast<size_t>(config.max_body_kb) << 10;
  server_options.max_form_bytes = static_cast<size_t>(config.max_form_kb) << 10;

  // Block SIGINT/SIGTERM in every thread (threads started later inherit the mask); one thread
  // waits for them. Before the server runs a signal ends the process (opening the search indexes
  // may take a while); after, it stops the server so in-flight requests finish.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<web::Server*> running{nullptr};
  std::atomic<bool> done{false};
  struct sigaction forward {};
  forward.sa_handler = ForwardSignalToWaiter;
  sigemptyset(&forward.sa_mask);
  sigaction(SIGINT, &forward, nullptr);
  sigaction(SIGTERM, &forward, nullptr);
  std::thread waiter([&signals, &running, &done] {
    int received = 0;
    sigwait(&signals, &received);
    if (done) return;
    web::Server* server = running.load();
    if (!server) std::_Exit(128 + received);
    std::fprintf(stderr, "paperfeed: signal %d, finishing requests in flight\n", received);
    server->Stop();
  });
  g_signal_waiter = waiter.native_handle();
  g_signal_waiter_set = true;
  auto stop_waiter = [&] {
    done = true;
    g_signal_waiter_set = false;
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
  };

  auto server = web::Server::Create(server_options);
  if (!server) {
    stop_waiter();
    return ReportError(server.error());
  }
  auto port = server.value()->Bind();
  if (!port) {
    stop_waiter();
    return ReportError(port.error());
  }
  std::printf("paperfeed: serving http://%s:%d/ (database %s); Ctrl-C or SIGTERM stops\n",
              server_options.host.c_str(), port.value(), config.database.c_str());
  std::fflush(stdout);
  // The day's mail runs in this process: confirmations within seconds of being queued, digests at
  // [mail] send_time. Destroyed (finishing the message in flight) when the server stops.
  std::shared_ptr<void> mail = config.mail_in_serve ? StartMailForServe(config) : nullptr;
  // The daily harvest ([harvest]) too: stopped at the next page boundary when the server stops.
  std::shared_ptr<void> harvest = StartHarvestForServe(config);
  web::Server* raw = server.value().get();
  running = raw;
  raw->Run();
  harvest.reset();
  mail.reset();
  // Run ended (by the signal, or on its own): wake the waiter if it is still waiting.
  stop_waiter();
  std::fprintf(stderr, "paperfeed: stopped\n");
  return kExitOk;
}

}  // namespace

void RegisterWebCommands(CommandRegistry& r) {
  auto* cmd = r.app.add_subcommand("serve", "Serve the site, the JSON API and the feeds over HTTP, and send the mail");
  cmd->footer(
      "Pages: / (latest day), /papers/date/YYYY-MM-DD, /papers/week/YYYY-Www, /papers/month/YYYY-MM, /trending,\n"
      "/papers/ID, /search?q=. API: /api/daily_papers, /api/papers/ID, /api/papers/search?q=. Feeds: /feeds/....\n"
      "serve also keeps the search index in step with the catalogue and, with [mail] smtp_url set, sends\n"
      "confirmation mails as they are queued and the digests at [mail] send_time ([mail] time_zone), and\n"
      "with [harvest] sets (or hf_daily) harvests arXiv (and Hugging Face's daily list) at [harvest] time.\n"
      "Every setting has a key in the configuration file (--config); 'paperfeed config check' shows them all.\n\n"
      "Examples:\n  paperfeed --db demo.db serve\n  paperfeed --config /etc/paperfeed.toml serve\n"
      "  paperfeed serve --listen 0.0.0.0:8080 --threads 128 --smtp smtp://127.0.0.1:25");
  GlobalOptions& g = r.globals;
  AddConfigFlag(cmd, g, "--listen", "server.listen", "HOST:PORT to listen on (port 0 picks a free one)");
  AddConfigFlag(cmd, g, "--public-url", "server.public_base_url",
                "The site's address as readers reach it; absolute links start with it (default http://LISTEN)");
  AddConfigFlag(cmd, g, "--threads", "server.threads",
                "Worker threads; each keep-alive connection holds one (default max(64, 8 x cores))");
  cmd->add_flag_callback("--quiet", [&g] { g.config_inputs.flags["server.quiet"] = {"true", "--quiet"}; },
                         "Do not log one line per request on stderr");
  cmd->add_flag_callback("--no-search", [&g] { g.config_inputs.flags["server.search"] = {"false", "--no-search"}; },
                         "Do not open the search indexes");
  cmd->add_flag_callback("--no-harvest", [&g] { g.config_inputs.flags["harvest.sets"] = {"", "--no-harvest"};
                                                 g.config_inputs.flags["harvest.hf_daily"] = {"false", "--no-harvest"}; },
                         "Do not run the daily harvest in this process (a cron 'harvest' does)");
  cmd->add_flag_callback("--no-mail", [&g] { g.config_inputs.flags["mail.enabled_in_serve"] = {"false", "--no-mail"}; },
                         "Do not send mail from this process (a cron 'digest run' does)");
  AddConfigFlag(cmd, g, "--index-dir", "server.index_dir", "Search index directory (default: next to the database)");
  AddConfigFlag(cmd, g, "--cache-mb", "server.cache_mb", "Response cache for anonymous pages, MiB (0 turns it off)");
  AddConfigFlag(cmd, g, "--index-sync", "server.index_sync_seconds",
                "Seconds between catch-ups of the search indexes with the catalogue, so papers a cron harvest\n"
                "stores become searchable while serving (default 5; 0 = only at start)");
  AddConfigFlag(cmd, g, "--smtp", "mail.smtp_url", "SMTP relay for confirmations and digests (smtp://host:port)");
  cmd->callback([&r] {
    r.run = [&globals = r.globals] { return Serve(globals); };
  });
}

}  // namespace paperfeed::cli

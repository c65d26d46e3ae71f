// The web verb: paperfeed [--db PATH] serve [--listen HOST:PORT] [--threads N].
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

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  bool quiet = false;
  bool no_search = false;
  std::string index_dir;
  int cache_mb = 64;
  int index_sync_seconds = 5;
};

int Serve(const GlobalOptions& globals, const ServeOptions& options) {
  web::ServerOptions server_options;
  server_options.db_path = globals.db_path;
  auto colon = options.listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "paperfeed: --listen '%s' needs HOST:PORT, e.g. 127.0.0.1:8080\n", options.listen.c_str());
    return kExitFailure;
  }
  server_options.host = options.listen.substr(0, colon);
  if (server_options.host.size() > 2 && server_options.host.front() == '[') server_options.host = server_options.host.substr(1, server_options.host.size() - 2);
  try {
    server_options.port = std::stoi(options.listen.substr(colon + 1));
  } catch (...) {
    server_options.port = -1;
  }
  if (server_options.port < 0 || server_options.port > 65535) {
    std::fprintf(stderr, "paperfeed: --listen '%s': the port must be 0..65535\n", options.listen.c_str());
    return kExitFailure;
  }
  server_options.threads = options.threads;
  server_options.log_requests = !options.quiet;
  server_options.search = !options.no_search;
  server_options.index_dir = options.index_dir;
  server_options.cache_bytes = static_cast<size_t>(options.cache_mb) << 20;
  server_options.index_sync_seconds = options.index_sync_seconds;

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
  std::thread waiter([&signals, &running, &done] {
    int received = 0;
    sigwait(&signals, &received);
    if (done) return;
    web::Server* server = running.load();
    if (!server) std::_Exit(128 + received);
    std::fprintf(stderr, "paperfeed: signal %d, finishing requests in flight\n", received);
    server->Stop();
  });
  auto stop_waiter = [&] {
    done = true;
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
              server_options.host.c_str(), port.value(), globals.db_path.c_str());
  std::fflush(stdout);
  web::Server* raw = server.value().get();
  running = raw;
  raw->Run();
  // Run ended (by the signal, or on its own): wake the waiter if it is still waiting.
  stop_waiter();
  std::fprintf(stderr, "paperfeed: stopped\n");
  return kExitOk;
}

}  // namespace

void RegisterWebCommands(CommandRegistry& r) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = r.app.add_subcommand("serve", "Serve the site, the JSON API and the feeds over HTTP");
  cmd->footer(
      "Pages: / (latest day), /papers/date/YYYY-MM-DD, /papers/week/YYYY-Www, /papers/month/YYYY-MM, /trending,\n"
      "/papers/ID, /search?q=. API: /api/daily_papers, /api/papers/ID, /api/papers/search?q=. Feeds: /feeds/....\n\n"
      "Examples:\n  paperfeed --db demo.db serve\n  paperfeed serve --listen 0.0.0.0:8080 --threads 128");
  cmd->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0 picks a free one)");
  cmd->add_option("--threads", options->threads,
                  "Worker threads; each keep-alive connection holds one (default max(64, 8 x cores))")
      ->check(CLI::Range(1, 4096));
  cmd->add_flag("--quiet", options->quiet, "Do not log one line per request on stderr");
  cmd->add_flag("--no-search", options->no_search, "Do not open the search indexes");
  cmd->add_option("--index-dir", options->index_dir, "Search index directory (default: next to the database)");
  cmd->add_option("--cache-mb", options->cache_mb, "Response cache for anonymous pages, MiB (0 turns it off)")
      ->check(CLI::Range(0, 65536));
  cmd->add_option("--index-sync", options->index_sync_seconds,
                  "Seconds between catch-ups of the search indexes with the catalogue, so papers a cron harvest\n"
                  "stores become searchable while serving (default 5; 0 = only at start)")
      ->check(CLI::Range(0, 86400));
  cmd->callback([options, &r] {
    r.run = [options, &globals = r.globals] { return Serve(globals, *options); };
  });
}

}  // namespace paperfeed::cli

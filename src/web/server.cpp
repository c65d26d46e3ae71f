// The one file that includes cpp-httplib (and zlib for gzip). Everything else sees web/http.hpp.
#include "web/server.hpp"

#include <httplib.h>
#include <zlib.h>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "core/text.hpp"
#include "search/search_service.hpp"
#include "web/connection_gate.hpp"
#include "web/context.hpp"
#include "web/layout.hpp"
#include "web/page_template.hpp"
#include "web/routes.hpp"

namespace paperfeed::web {
namespace {

using Clock = std::chrono::steady_clock;

// Content Security Policy: no inline script or style anywhere (all JS and CSS are files under
// /static), no framing (clickjacking), forms only to ourselves. CSP Level 3, W3C.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// gzip (RFC 1952) via zlib's deflate with a gzip wrapper (windowBits 15 + 16).
std::string Gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

bool Compressible(std::string_view content_type) {
  return core::StartsWith(content_type, "text/") || core::StartsWith(content_type, "application/json") ||
         core::StartsWith(content_type, "application/atom+xml") ||
         core::StartsWith(content_type, "application/feed+json") ||
         core::StartsWith(content_type, "application/javascript") || core::StartsWith(content_type, "image/svg+xml");
}

// Accept-Encoding lists gzip without q=0 (RFC 9110 §12.5.3).
bool AcceptsGzip(const std::string& accept) {
  auto pos = accept.find("gzip");
  if (pos == std::string::npos) return false;
  auto rest = std::string_view(accept).substr(pos + 4);
  auto comma = rest.find(',');
  auto params = rest.substr(0, comma);
  return params.find("q=0") == std::string_view::npos || params.find("q=0.") != std::string_view::npos;
}

std::string EtagFor(std::string_view body) {
  core::Fingerprint f;
  f.Add(body);
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(f.value()));
  return buf;
}

// A response ready to send again: the body shared, the gzip variant made once. (It is copied into
// httplib's body when sent: httplib aborts content providers on shutdown, and in-flight requests
// must finish.)
struct CachedResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  CachePolicy cache = CachePolicy::kPage;
  std::shared_ptr<const std::string> body;
  std::shared_ptr<const std::string> gzip;  // null when not worth compressing
  std::string etag;
  uint64_t generation = 0;
  Clock::time_point made;
};

// `allow_gzip` and `with_etag` for responses that are kept or sent again (cache, static files); a
// page made for one signed-in request is neither hashed nor, unless the client asks, compressed.
std::shared_ptr<CachedResponse> Prepare(Response&& res, bool allow_gzip, bool with_etag = true) {
  auto out = std::make_shared<CachedResponse>();
  out->status = res.status;
  out->content_type = std::move(res.content_type);
  out->headers = std::move(res.headers);
  out->cache = res.cache;
  auto body = std::make_shared<std::string>(std::move(res.body));
  if (out->status == 200 && with_etag) out->etag = EtagFor(*body);
  if (allow_gzip && body->size() >= 860 && Compressible(out->content_type)) {
    auto z = Gzip(*body);
    if (!z.empty() && z.size() < body->size()) out->gzip = std::make_shared<const std::string>(std::move(z));
  }
  out->body = std::move(body);
  return out;
}

// Anonymous GET responses of cacheable routes, keyed by path and query, valid for one database
// generation and at most `max_age`. Bounded by bytes: when full it starts over (simple, and a
// flood of distinct URLs cannot grow it).
class ResponseCache {
 public:
  ResponseCache(size_t max_bytes, std::chrono::seconds max_age) : max_bytes_(max_bytes), max_age_(max_age) {}

  std::shared_ptr<const CachedResponse> Find(const std::string& key, uint64_t generation) {
    if (max_bytes_ == 0) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (it->second->generation != generation || Clock::now() - it->second->made > max_age_) return nullptr;
    return it->second;
  }

  void Put(const std::string& key, std::shared_ptr<const CachedResponse> entry) {
    if (max_bytes_ == 0) return;
    size_t size = key.size() + entry->body->size() + (entry->gzip ? entry->gzip->size() : 0) + 256;
    std::lock_guard lock(mutex_);
    if (bytes_ + size > max_bytes_) {
      entries_.clear();
      bytes_ = 0;
    }
    auto [it, inserted] = entries_.insert_or_assign(key, std::move(entry));
    (void)it;
    (void)inserted;
    bytes_ += size;
  }

 private:
  size_t max_bytes_;
  std::chrono::seconds max_age_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const CachedResponse>> entries_;
  size_t bytes_ = 0;
};

std::string CleanForLog(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 300)) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  return out;
}

}  // namespace

// A connection's socket with deadlines cpp-httplib lacks. httplib's own SocketStream has only a
// per-recv timeout, so a client that sends one header byte every few seconds keeps a worker
// forever (slowloris); it also makes a new stream, and so a new read buffer, for every request on
// a connection, which drops the second of two pipelined requests. This stream lives as long as
// the connection, keeps its buffer across requests (pipelined requests are answered in order,
// RFC 9112 §9.3.2), and gives each request a total deadline for its request line, headers and
// body, and each response one for being written.
class DeadlineStream final : public httplib::Stream {
 public:
  struct Limits {
    std::chrono::milliseconds request{10000};   // whole request: line, headers, body
    std::chrono::milliseconds response{60000};  // writing the whole response
    std::chrono::milliseconds write_idle{10000};  // one stalled send
  };

  DeadlineStream(socket_t sock, Limits limits) : sock_(sock), limits_(limits) {}

  // Starts the clock for the next request (its first byte is buffered or has arrived).
  void BeginRequest() {
    read_deadline_ = Clock::now() + limits_.request;
    writing_ = false;
    timed_out_ = false;
  }
  bool TimedOut() const { return timed_out_; }
  bool HasBufferedInput() const { return off_ < len_; }

  // Waits up to `wait` for the first byte of a request; false when none came.
  bool WaitForInput(std::chrono::milliseconds wait) {
    if (HasBufferedInput()) return true;
    pollfd p{sock_, POLLIN, 0};
    int rc;
    do rc = ::poll(&p, 1, static_cast<int>(wait.count()));
    while (rc < 0 && errno == EINTR);
    return rc > 0;
  }

  bool is_readable() const override { return HasBufferedInput() || const_cast<DeadlineStream*>(this)->WaitReadable(); }
  bool is_writable() const override { return const_cast<DeadlineStream*>(this)->WaitWritable(); }

  ssize_t read(char* ptr, size_t size) override {
    if (!HasBufferedInput()) {
      if (!WaitReadable()) return -1;
      ssize_t n;
      do n = ::recv(sock_, buffer_, sizeof buffer_, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      off_ = 0;
      len_ = static_cast<size_t>(n);
    }
    size_t take = std::min(size, len_ - off_);
    std::memcpy(ptr, buffer_ + off_, take);
    off_ += take;
    return static_cast<ssize_t>(take);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!writing_) {
      writing_ = true;
      write_deadline_ = Clock::now() + limits_.response;
    }
    if (!WaitWritable()) return -1;
    ssize_t n;
    do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { Address(true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { Address(false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  // poll() until the socket is ready or the deadline passes; a passed deadline marks the request
  // timed out, so the caller answers 408 and closes the connection.
  bool WaitUntil(short events, Clock::time_point deadline, std::chrono::milliseconds idle) {
    for (;;) {
      auto now = Clock::now();
      if (now >= deadline) {
        timed_out_ = true;
        return false;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) + std::chrono::milliseconds(1);
      pollfd p{sock_, events, 0};
      int rc = ::poll(&p, 1, static_cast<int>(std::min(left, idle).count()));
      if (rc > 0) return true;
      if (rc < 0 && errno != EINTR) return false;
      if (rc == 0 && left > idle) return false;  // idle for `idle`: give up on this one
    }
  }
  bool WaitReadable() { return WaitUntil(POLLIN, read_deadline_, limits_.request); }
  bool WaitWritable() {
    return WaitUntil(POLLOUT, writing_ ? write_deadline_ : Clock::now() + limits_.write_idle, limits_.write_idle);
  }

  void Address(bool peer, std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    int rc = peer ? ::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len)
                  : ::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len);
    if (rc != 0) return;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) != 0)
      return;
    ip = host;
    if (ip.rfind("::ffff:", 0) == 0 && ip.find('.') != std::string::npos) ip = ip.substr(7);
    port = std::atoi(serv);
  }

  socket_t sock_;
  Limits limits_;
  char buffer_[4096];
  size_t off_ = 0, len_ = 0;
  Clock::time_point read_deadline_ = Clock::now();
  Clock::time_point write_deadline_ = Clock::now();
  bool writing_ = false;
  bool timed_out_ = false;
};

// The stream of the request this thread serves, so the error handler can tell a timeout (408)
// from a malformed request (400), which httplib reports alike.
thread_local const DeadlineStream* tl_stream = nullptr;
// True while httplib's accepting thread hands us a new socket (see AcceptQueue).
thread_local bool tl_admitting = false;

// httplib's TaskQueue sees only closures, and its ThreadPool queues without bound. This one runs
// the closure at once on the accepting thread with tl_admitting set; the closure calls
// HttpServer::process_and_close_socket, which gives the socket to the ConnectionGate: a worker,
// a short wait, or a prompt 503.
class AcceptQueue final : public httplib::TaskQueue {
 public:
  explicit AcceptQueue(std::unique_ptr<ConnectionGate> gate) : gate_(std::move(gate)) {}
  void enqueue(std::function<void()> fn) override {
    tl_admitting = true;
    fn();
    tl_admitting = false;
  }
  void shutdown() override { gate_->Shutdown(); }
  ConnectionGate& gate() { return *gate_; }

 private:
  std::unique_ptr<ConnectionGate> gate_;
};

// httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, fixed when Debian built the
// library): a burst of new connections overflows it, and each dropped SYN costs the client a 1 s
// retransmit (RFC 6298 §2.1). Linux lets listen() be called again to raise the backlog; this
// subclass reaches the listening socket to do that, and serves each connection itself
// (ServeConnection) with the deadlines above.
class HttpServer : public httplib::Server {
 public:
  struct Limits {
    DeadlineStream::Limits stream;
    std::chrono::milliseconds keep_alive_idle{5000};  // between requests on one connection
    size_t keep_alive_max_requests = 100000;
  };

  void RaiseBacklog(int backlog) {
    socket_t sock = svr_sock_;
    if (sock != INVALID_SOCKET) ::listen(sock, backlog);
  }
  void SetLimits(const Limits& limits) { limits_ = limits; }
  std::atomic<ConnectionGate*> gate{nullptr};

  // One connection on a worker: wait for a request (closing when idle too long, when the server
  // stops, or when other connections wait for a worker), serve it, repeat.
  void ServeConnection(socket_t sock, const ConnectionGate& gate) {
    DeadlineStream strm(sock, limits_.stream);
    const auto slice = std::chrono::milliseconds(50);
    for (size_t served = 0; served < limits_.keep_alive_max_requests; ++served) {
      bool ready = false;
      for (auto idle = std::chrono::milliseconds(0); idle < limits_.keep_alive_idle; idle += slice) {
        if (strm.WaitForInput(std::min(slice, limits_.keep_alive_idle - idle))) {
          ready = true;
          break;
        }
        if (svr_sock_ == INVALID_SOCKET || gate.Starved()) break;
      }
      if (!ready) break;
      strm.BeginRequest();
      bool close_connection = served + 1 == limits_.keep_alive_max_requests || svr_sock_ == INVALID_SOCKET;
      bool connection_closed = false;
      tl_stream = &strm;
      bool ok = process_request(strm, close_connection, connection_closed, nullptr);
      tl_stream = nullptr;
      if (!ok || connection_closed || close_connection || strm.TimedOut()) break;
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }

 private:
  bool process_and_close_socket(socket_t sock) override {
    ConnectionGate* g = gate.load();
    if (tl_admitting && g) {
      g->Admit(sock);
      return true;
    }
    ::close(sock);  // not reached: every socket comes through AcceptQueue
    return false;
  }

  Limits limits_;
};

struct Server::Impl {
  ServerOptions options;
  Router router;
  SiteConfig site;
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<store::Catalogue> search_catalogue;
  std::unique_ptr<search::SearchService> search;  // owned here; published through search_ptr
  // What requests see: nullptr until the service answers (in the background mode, once an index
  // from before is open or a missing one is built), then the service until the server stops.
  std::atomic<search::SearchService*> search_ptr{nullptr};
  std::atomic<SearchIndexState> search_state{SearchIndexState::kOff};
  HttpServer http;
  std::unique_ptr<ResponseCache> cache;
  // Bumped whenever the database may have changed: a write request finished here, or a connection
  // saw another connection's commit (Database::DataVersion; on PostgreSQL also another node's). Cached responses of older generations
  // are not served.
  std::atomic<uint64_t> generation{1};
  std::thread thread;
  std::atomic<bool> running{false};
  int port = 0;

  // The search indexes follow the catalogue while serving: a harvest run by cron in another
  // process, or a paper a user submitted here, becomes searchable within index_sync_seconds.
  std::thread index_sync;
  std::mutex index_sync_mutex;
  std::condition_variable index_sync_wake;
  bool index_sync_stop = false;

  // Opens the search service and brings it up to date; in the background (serve) or before
  // Create returns (tests, embedding). Failures leave search off and the site up.
  void OpenSearch() {
    auto opened = search::OpenSearchService(*search_catalogue, options.index_dir, /*catch_up=*/false, options.semantic);
    if (!opened) {
      std::fprintf(stderr, "paperfeed serve: search is unavailable: %s\n", opened.error().message.c_str());
      search_state = SearchIndexState::kFailed;
      return;
    }
    search = std::move(opened.value());
    // An index from before answers at once while it catches up; an empty one would only say
    // "nothing found", so searches hear "warming up" until it is built.
    if (search->IndexedPapers() > 0) {
      search_ptr = search.get();
      search_state = SearchIndexState::kCatchingUp;
    }
    auto read = search->CatchUp();
    if (!read) {
      std::fprintf(stderr, "paperfeed serve: search index update failed (will retry): %s\n",
                   read.error().message.c_str());
    }
    search_ptr = search.get();
    search_state = SearchIndexState::kReady;
    generation.fetch_add(1);  // cached search pages and feeds said "warming up" or missed papers
  }

  // Starts the thread that keeps the index in step (and, in the background mode, first opens and
  // builds it).
  void StartIndexSync(int seconds, bool open_first) {
    if (!open_first && (seconds <= 0 || !Search())) return;
    index_sync = std::thread([this, seconds, open_first] {
      if (open_first) {
        if (options.before_index_build) options.before_index_build();
        OpenSearch();
      }
      if (seconds <= 0 || !Search()) return;
      std::unique_lock lock(index_sync_mutex);
      while (!index_sync_wake.wait_for(lock, std::chrono::seconds(seconds), [this] { return index_sync_stop; })) {
        lock.unlock();
        CatchUpSearch();
        lock.lock();
      }
    });
  }

  void CatchUpSearch() {
    auto read = search->CatchUp();
    if (!read) {
      std::fprintf(stderr, "paperfeed serve: search index update failed (will retry): %s\n",
                   read.error().message.c_str());
    } else if (read.value() > 0) {
      generation.fetch_add(1);  // cached search pages and feeds may now be missing papers
    }
  }

  void StopIndexSync() {
    {
      std::lock_guard lock(index_sync_mutex);
      index_sync_stop = true;
    }
    index_sync_wake.notify_all();
    if (index_sync.joinable()) index_sync.join();
  }

  search::SearchService* Search() { return search_ptr.load(); }

  void NoticeExternalWrites(StoreConnection& connection) {
    auto read = connection.catalogue->database().DataVersion();
    const int64_t version = read ? *read : -1;
    if (version != connection.data_version) {
      if (connection.data_version != -1) generation.fetch_add(1);
      connection.data_version = version;
    }
  }

  // The client's address: the socket peer, or, when the peer is one of our trusted proxies, the
  // nearest X-Forwarded-For entry that is not itself a trusted proxy (entries further left are the
  // client's own word and may be forged). Without trusted proxies the header is ignored.
  std::string ClientAddress(const std::string& peer, const std::string& forwarded) const {
    auto trusted = [this](const std::string& a) {
      return std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), a) !=
             options.trusted_proxies.end();
    };
    if (forwarded.empty() || !trusted(peer)) return peer;
    std::string client = peer;
    size_t end = forwarded.size();
    while (end > 0) {
      size_t comma = forwarded.rfind(',', end - 1);
      size_t begin = comma == std::string::npos ? 0 : comma + 1;
      std::string entry = forwarded.substr(begin, end - begin);
      while (!entry.empty() && entry.front() == ' ') entry.erase(0, 1);
      while (!entry.empty() && entry.back() == ' ') entry.pop_back();
      bool address = !entry.empty() && entry.size() < 64 &&
                     entry.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos;
      if (!address) break;  // garbage: believe no further
      client = entry;
      if (!trusted(entry)) break;
      if (comma == std::string::npos) break;
      end = comma;
    }
    return client;
  }

  // A body httplib handed us unread (every POST, PUT, PATCH, DELETE): read it, and parse a form
  // ourselves. httplib refuses url-encoded forms over 8 KiB with 413
  // (CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH, fixed when Debian built the library), though
  // our comment box takes 5,000 characters: 2,000 × "é" is 12 KB url-encoded. Forms get
  // options.max_form_bytes instead; other bodies max_body_bytes (httplib's payload limit).
  void HandleWithBody(const httplib::Request& hreq, httplib::Response& hres, const httplib::ContentReader& read) {
    // httplib's own non-const Request, handed to us as const (as in Handle): filling in the body
    // and fields it would have filled itself is well defined.
    auto& r = const_cast<httplib::Request&>(hreq);
    bool ok;
    if (hreq.is_multipart_form_data()) {
      httplib::MultipartFormData* part = nullptr;
      size_t total = 0;
      ok = read(
          [&](const httplib::MultipartFormData& header) {
            part = &r.files.emplace(header.name, header)->second;
            return true;
          },
          [&](const char* data, size_t n) {
            total += n;
            if (!part || total > options.max_body_bytes) return false;
            part->content.append(data, n);
            return true;
          });
    } else {
      ok = read([&](const char* data, size_t n) {
        if (r.body.size() + n > options.max_body_bytes) return false;
        r.body.append(data, n);
        return true;
      });
    }
    if (!ok) {
      // httplib has set 413 when the body is over max_body_bytes; anything else is a broken body.
      // The rest of the body may still be on the wire: close the connection after the answer.
      if (hres.status < 400) hres.status = r.body.size() + 1 > options.max_body_bytes ? 413 : 400;
      hres.set_header("Connection", "close");
      return;
    }
    const bool form = core::StartsWith(hreq.get_header_value("Content-Type"), "application/x-www-form-urlencoded");
    if (form) {
      if (r.body.size() > options.max_form_bytes) return Handle(hreq, hres, /*form_too_large=*/true);
      httplib::detail::parse_query_text(r.body, r.params);
    }
    Handle(hreq, hres);
  }

  void Handle(const httplib::Request& hreq, httplib::Response& hres, bool form_too_large = false) {
    auto started = Clock::now();
    Request req;
    req.method = hreq.method;
    req.path = hreq.path;
    if (auto q = hreq.target.find('?'); q != std::string::npos) req.query = hreq.target.substr(q + 1);
    for (const auto& [k, v] : hreq.params) req.params.emplace(k, v);
    for (const auto& [k, file] : hreq.files) {
      if (file.filename.empty()) req.params.emplace(k, file.content);
    }
    for (const auto& [k, v] : hreq.headers) req.headers.emplace(k, v);
    req.body = hreq.body;
    req.remote_addr = ClientAddress(hreq.remote_addr, req.Header("X-Forwarded-For"));
    // We compress (and cache the gzip bytes) ourselves. httplib would compress `body` again by the
    // request's Accept-Encoding when it writes, so it must not see that header. The Request is
    // httplib's own non-const object, handed to us as const: removing the header is well defined.
    const_cast<httplib::Request&>(hreq).headers.erase("Accept-Encoding");

    const bool is_read = req.method == "GET" || req.method == "HEAD";
    const bool anonymous = req.Header("Cookie").empty() && req.Header("Authorization").empty();
    const bool gzip_ok = AcceptsGzip(req.Header("Accept-Encoding"));

    bool path_exists = false;
    const Route* route = router.Match(req.method, req.path, req.path_params, &path_exists);
    std::shared_ptr<const CachedResponse> out;
    const bool cacheable = route && route->options.cacheable && is_read && anonymous;
    // Signed-in readers of a cacheable page get a shared template with their own parts spliced in
    // (web/page_template). Only pages: the API and feeds do not depend on the viewer's cookie.
    const bool templatable = route && route->options.cacheable && is_read && !anonymous && !form_too_large &&
                             req.Header("Authorization").empty() && !core::StartsWith(req.path, "/api/") &&
                             !core::StartsWith(req.path, "/feeds/") && !core::StartsWith(req.path, "/static/");
    std::string cache_key;

    auto connection = pool->Acquire();
    if (!connection) {
      Response res;
      SetJsonError(res, 503, "unavailable", "the database cannot be opened: " + connection.error().message);
      out = Prepare(std::move(res), false);
    } else {
      NoticeExternalWrites(**connection);
      if (cacheable) {
        cache_key = req.Target();
        // The same path answers Markdown to an Accept: text/markdown (web/paper_page.cpp).
        if (req.Header("Accept").find("text/markdown") != std::string::npos) cache_key += "\naccept:markdown";
        out = cache->Find(cache_key, generation.load());
      }
      if (!out) {
        uint64_t generation_before = generation.load();
        Response res;
        Context ctx(req, **connection, router.extensions(), Search(), site, std::time(nullptr));
        try {
          if (form_too_large) {
            std::string message = "The form is too large (" + std::to_string((req.body.size() + 1023) / 1024) +
                                  " KiB); the limit is " + std::to_string(options.max_form_bytes / 1024) + " KiB.";
            if (core::StartsWith(req.path, "/api/")) SetJsonError(res, 413, "too_large", message);
            else SendErrorPage(res, ctx, 413, "Too large", message);
            res.cache = CachePolicy::kNoStore;
          } else if (templatable && ServeFromTemplate(*route, req, res, ctx, **connection)) {
            // spliced
          } else if (route) {
            route->handler(req, res, ctx);
          } else if (core::StartsWith(req.path, "/api/")) {
            if (path_exists) SetJsonError(res, 405, "method_not_allowed", req.method + " is not allowed on " + req.path);
            else SetJsonError(res, 404, "not_found", "no API route " + req.path + "; see /api/daily_papers");
          } else if (path_exists) {
            SendErrorPage(res, ctx, 405, "Method not allowed", req.method + " is not allowed here.");
          } else {
            SendErrorPage(res, ctx, 404, "Not found", "There is no page at " + req.path + ".");
          }
        } catch (const std::exception& e) {
          std::fprintf(stderr, "paperfeed serve: %s %s failed: %s\n", req.method.c_str(), CleanForLog(req.path).c_str(),
                       e.what());
          res = Response();
          if (core::StartsWith(req.path, "/api/")) SetJsonError(res, 500, "internal", "the server failed; see its log");
          else res.SetText("Internal error; see the server log.\n", "text/plain; charset=utf-8", 500);
          res.cache = CachePolicy::kNoStore;
        }
        // Compress only what a client accepts or what the cache keeps for later ones: a signed-in
        // page is made for one request.
        auto prepared = Prepare(std::move(res), cacheable || gzip_ok, cacheable || anonymous);
        prepared->generation = generation_before;
        prepared->made = Clock::now();
        if (cacheable && prepared->status == 200) cache->Put(cache_key, prepared);
        out = std::move(prepared);
      }
      pool->Release(std::move(connection.value()));
    }
    if (!is_read) generation.fetch_add(1);

    Write(req, *out, anonymous, gzip_ok, hres);
    if (options.log_requests) {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
      std::fprintf(stderr, "%s %s %d %.2fms\n", req.method.c_str(), CleanForLog(req.Target()).c_str(), hres.status, ms);
    }
  }

  // A signed-in, non-admin request for a cacheable page: the page's template (rendered once per
  // database generation for a stand-in viewer, kept in the response cache under "T" + target) with
  // this viewer's parts spliced in. False when the template path does not apply (not signed in, an
  // admin, a page that did not render as a plain 200 HTML page): the caller renders normally.
  bool ServeFromTemplate(const Route& route, const Request& req, Response& res, Context& ctx,
                         StoreConnection& connection) {
    const Viewer& viewer = ctx.viewer();
    if (!viewer.signed_in || viewer.is_admin || viewer.csrf_token.empty()) return false;
    const std::string key = "T" + req.Target();
    std::shared_ptr<const CachedResponse> tmpl = cache->Find(key, generation.load());
    if (!tmpl) {
      const uint64_t generation_before = generation.load();
      Context stand_in(req, connection, router.extensions(), Search(), site, ctx.now());
      stand_in.set_page_template(true);
      Response made;
      route.handler(req, made, stand_in);
      if (made.status != 200 || made.cache != CachePolicy::kPage || !core::StartsWith(made.content_type, "text/html"))
        return false;
      for (const auto& [name, value] : made.headers) {
        if (name == "Set-Cookie") return false;
      }
      auto prepared = Prepare(std::move(made), false);
      prepared->generation = generation_before;
      prepared->made = Clock::now();
      cache->Put(key, prepared);
      tmpl = std::move(prepared);
    }
    res.status = tmpl->status;
    res.content_type = tmpl->content_type;
    res.headers = tmpl->headers;
    res.cache = tmpl->cache;
    res.body = SplicePage(*tmpl->body, req, ctx);
    return true;
  }

  void Write(const Request& req, const CachedResponse& out, bool anonymous, bool gzip_ok, httplib::Response& hres) {
    hres.status = out.status;
    for (const auto& [k, v] : out.headers) hres.headers.emplace(k, v);
    // Every 503 says when to come back (RFC 9110 §10.2.3): a warming search index, a busy
    // database, too many password checks.
    if (out.status == 503 && !hres.has_header("Retry-After"))
      hres.set_header("Retry-After", std::to_string(options.retry_after_seconds));
    hres.set_header("Content-Security-Policy", kContentSecurityPolicy);
    hres.set_header("X-Content-Type-Options", "nosniff");
    hres.set_header("X-Frame-Options", "DENY");
    hres.set_header("Referrer-Policy", "strict-origin-when-cross-origin");
    hres.set_header("Cross-Origin-Opener-Policy", "same-origin");
    const bool read_only_public = core::StartsWith(req.path, "/api/") || core::StartsWith(req.path, "/feeds/");
    if (read_only_public && (req.method == "GET" || req.method == "HEAD")) hres.set_header("Access-Control-Allow-Origin", "*");
    switch (out.status >= 400 ? CachePolicy::kNoStore : out.cache) {
      case CachePolicy::kPage:
        hres.set_header("Cache-Control", anonymous ? "public, max-age=30" : "private, no-cache");
        hres.set_header("Vary", "Accept, Accept-Encoding, Cookie, Authorization");
        break;
      case CachePolicy::kNoStore: hres.set_header("Cache-Control", "no-store"); break;
      case CachePolicy::kImmutable:
        hres.set_header("Cache-Control", "public, max-age=31536000, immutable");
        hres.set_header("Vary", "Accept-Encoding");
        break;
      case CachePolicy::kStatic:
        hres.set_header("Cache-Control", "public, max-age=3600");
        hres.set_header("Vary", "Accept-Encoding");
        break;
    }
    if (!out.etag.empty()) {
      hres.set_header("ETag", out.etag);
      // RFC 9110 §13.1.2: a matching If-None-Match on a GET gets 304 without a body.
      std::string inm = req.Header("If-None-Match");
      if (!inm.empty() && (inm == "*" || inm.find(out.etag) != std::string::npos)) {
        hres.status = 304;
        return;
      }
    }
    std::shared_ptr<const std::string> body = out.body;
    if (gzip_ok && out.gzip) {
      body = out.gzip;
      hres.set_header("Content-Encoding", "gzip");
    }
    if (body->empty()) {
      hres.set_header("Content-Type", out.content_type);
      return;
    }
    hres.set_content(*body, out.content_type);
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

core::Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  // Open once up front: applies migrations, and a bad path fails here rather than on a request.
  auto first = store::OpenCatalogue(options.db_path);
  if (!first) return first.error();
  RegisterRoutes(impl->router, options.accounts, options.mail);
  impl->site.static_version = StaticAssetsVersion();
  impl->site.public_base_url = options.public_base_url;
  while (!impl->site.public_base_url.empty() && impl->site.public_base_url.back() == '/') impl->site.public_base_url.pop_back();
  impl->pool = std::make_unique<ConnectionPool>(options.db_path, impl->router.extensions());
  impl->site.search_state = &impl->search_state;
  bool open_in_background = false;
  if (options.search) {
    impl->search_catalogue = std::move(first.value());
    if (options.build_index_in_background) {
      // serve answers from its first second: pages, the API and /healthz work while a missing
      // index is built (issue 10: 95 s of silence after every restart on a big catalogue).
      impl->search_state = SearchIndexState::kWarming;
      open_in_background = true;
    } else {
      impl->OpenSearch();
    }
  }
  impl->StartIndexSync(options.index_sync_seconds, open_in_background);
  impl->cache = std::make_unique<ResponseCache>(options.cache_bytes, std::chrono::seconds(options.cache_seconds));

  auto& http = impl->http;
  int threads = options.threads > 0 ? options.threads
                                     : static_cast<int>(std::max(64u, 8 * std::thread::hardware_concurrency()));
  // httplib would serve a keep-alive connection on one worker until it closes and queue the rest
  // without bound; the ConnectionGate admits what the workers can serve, lets a few wait briefly,
  // and answers the rest at once with 503 or 429 and Retry-After.
  GateLimits gate_limits;
  gate_limits.workers = static_cast<size_t>(threads);
  gate_limits.max_queued = static_cast<size_t>(std::max(0, options.max_queued_connections));
  gate_limits.max_queue_wait = std::chrono::milliseconds(options.max_queue_wait_ms);
  gate_limits.max_per_address = options.max_connections_per_address > 0
                                    ? static_cast<size_t>(options.max_connections_per_address)
                                    : static_cast<size_t>(std::max(8, threads / 2));
  gate_limits.retry_after_seconds = options.retry_after_seconds;
  gate_limits.exempt_addresses.insert(options.trusted_proxies.begin(), options.trusted_proxies.end());
  Impl* self = impl.get();
  http.new_task_queue = [self, gate_limits] {
    auto gate = std::make_unique<ConnectionGate>(gate_limits, [self](int fd) {
      self->http.ServeConnection(fd, *self->http.gate.load());
    });
    self->http.gate = gate.get();
    return new AcceptQueue(std::move(gate));
  };
  HttpServer::Limits limits;
  limits.stream.request = std::chrono::milliseconds(options.request_timeout_ms);
  limits.stream.response = std::chrono::milliseconds(options.response_timeout_ms);
  limits.stream.write_idle = std::chrono::milliseconds(std::min(options.response_timeout_ms, 10000));
  limits.keep_alive_idle = std::chrono::milliseconds(options.keep_alive_idle_ms);
  http.SetLimits(limits);
  http.set_payload_max_length(options.max_body_bytes);
  http.set_tcp_nodelay(true);
  // httplib's default sets SO_REUSEPORT as well, which lets a second `serve` bind a port that one
  // already listens on and silently share its connections. SO_REUSEADDR alone still allows a
  // restart while old connections sit in TIME_WAIT, and makes a port in use fail to bind.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  auto handler = [self](const httplib::Request& req, httplib::Response& res) { self->Handle(req, res); };
  auto with_body = [self](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
    self->HandleWithBody(req, res, read);
  };
  http.Get(".*", handler);
  http.Post(".*", with_body);
  http.Put(".*", with_body);
  http.Patch(".*", with_body);
  http.Delete(".*", with_body);
  // Errors httplib produces itself (413 too large, 400 malformed, 408 too slow): a short text body,
  // same headers.
  http.set_error_handler([self](const httplib::Request&, httplib::Response& res) {
    if (tl_stream && tl_stream->TimedOut()) {
      res.status = 408;
      res.set_header("Connection", "close");
      res.set_content("Request timeout: send the whole request within " +
                          std::to_string((self->options.request_timeout_ms + 999) / 1000) + " s.\n",
                      "text/plain; charset=utf-8");
    }
    if (!res.body.empty() || res.content_length_ > 0) return;
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    std::string text = res.status == 413 ? "Request body too large.\n" : "Bad request.\n";
    res.set_content(text, "text/plain; charset=utf-8");
  });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

namespace {
// True when `host`:`port` cannot be bound because something listens there (EADDRINUSE), as
// opposed to an address that is not this machine's.
bool PortInUse(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return false;
  bool in_use = false;
  for (addrinfo* a = found; a && !in_use; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 && errno == EADDRINUSE) in_use = true;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return in_use;
}
}  // namespace

core::Result<int> Server::Bind() {
  int port = impl_->options.port;
  bool ok = port == 0 ? (port = impl_->http.bind_to_any_port(impl_->options.host)) > 0
                      : impl_->http.bind_to_port(impl_->options.host, port);
  if (!ok) {
    const std::string& host = impl_->options.host;
    const int wanted = impl_->options.port;
    if (wanted != 0 && PortInUse(host, wanted)) {
      return core::MakeError(core::ErrorCode::kIo, "port " + std::to_string(wanted) +
                                                       " is in use by another process; stop it or choose "
                                                       "--listen HOST:PORT");
    }
    return core::MakeError(core::ErrorCode::kIo, "cannot listen on " + host + ":" + std::to_string(wanted) +
                                                     " (not an address of this machine?); choose --listen HOST:PORT");
  }
  impl_->http.RaiseBacklog(1024);
  impl_->port = port;
  return port;
}

void Server::Run() {
  impl_->running = true;
  impl_->http.listen_after_bind();
  impl_->running = false;
}

core::Result<int> Server::Start() {
  auto port = Bind();
  if (!port) return port;
  impl_->thread = std::thread([this] { Run(); });
  // listen_after_bind sets is_running before it accepts; wait for it so callers can connect.
  for (int i = 0; i < 2000 && !impl_->http.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return port;
}

void Server::Stop() {
  if (!impl_) return;
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->StopIndexSync();
}

int Server::port() const { return impl_->port; }

Router& Server::router() { return impl_->router; }

}  // namespace paperfeed::web

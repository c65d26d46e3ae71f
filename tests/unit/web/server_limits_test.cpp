// Integration tests of the server's defences against slow, many and odd clients: the real server on
// 127.0.0.1:0 over an empty catalogue, talked to over raw sockets (and httplib::Client where a
// well-behaved client is the point). Every wait is bounded and ends on a socket event.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "web/server.hpp"

namespace paperfeed::web {
namespace {

// A client socket with its own read buffer, so that responses can be read one at a time.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  bool Send(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  // Waits up to `timeout_ms` for input; true when some arrived (or the peer closed).
  bool WaitReadable(int timeout_ms) {
    if (!buffer_.empty()) return true;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
  }

  // Reads one whole response (headers and Content-Length body); "" on timeout or close first.
  std::string ReadResponse(int timeout_ms = 5000) {
    for (;;) {
      auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        auto lower = buffer_.substr(0, end);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto cl = lower.find("content-length:");
        if (cl != std::string::npos) length = std::stoul(lower.substr(cl + 15));
        if (buffer_.size() >= end + 4 + length) {
          std::string out = buffer_.substr(0, end + 4 + length);
          buffer_.erase(0, end + 4 + length);
          return out;
        }
      }
      if (!Fill(timeout_ms)) return "";
    }
  }

  // True when the server closes the connection within `timeout_ms` (input before the close is kept).
  bool ClosedWithin(int timeout_ms) {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) return false;
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return true;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }
  const std::string& buffered() const { return buffer_; }

 private:
  bool Fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

constexpr const char* kHealthz = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n";

class ServerLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalogue = store::OpenCatalogue(db_.location());
    ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
    options_.db_path = db_.location();
    options_.port = 0;
    options_.threads = 4;
    options_.log_requests = false;
    options_.search = false;
    options_.index_sync_seconds = 0;
    options_.max_connections_per_address = 100;
  }
  void StartServer() {
    auto server = Server::Create(options_);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server.value());
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = port.value();
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  // A connection that has been served once (so a worker holds it) and has then begun a request it
  // never finishes: the worker waits on it until the request deadline.
  std::unique_ptr<RawClient> SlowClientHoldingAWorker() {
    auto client = std::make_unique<RawClient>(port_);
    EXPECT_TRUE(client->connected());
    EXPECT_TRUE(client->Send(kHealthz));
    std::string first = client->ReadResponse();
    EXPECT_EQ(first.rfind("HTTP/1.1 200", 0), 0u) << first;
    EXPECT_TRUE(client->Send("GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: 1\r\n"));
    return client;
  }

  testing::TempDir dir_;
  testing::TestDatabase db_{dir_};
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

TEST_F(ServerLimitsTest, SlowClientsHoldingEveryWorkerLeaveHealthzAPrompt503WithRetryAfter) {
  options_.request_timeout_ms = 60000;  // the slow clients outlast the test
  options_.max_queued_connections = 0;
  StartServer();
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < options_.threads + 2; ++i) {
    if (i < options_.threads) {
      slow.push_back(SlowClientHoldingAWorker());
    } else {
      // More slow clients than workers: they are turned away, not queued behind the others.
      auto extra = std::make_unique<RawClient>(port_);
      ASSERT_TRUE(extra->connected());
      ASSERT_TRUE(extra->Send("GET /healthz HTTP/1.1\r\n"));
      std::string answer = extra->ReadResponse();
      EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
      slow.push_back(std::move(extra));
    }
  }
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(5, 0);  // the failure detector: without a prompt answer this times out
  auto res = client.Get("/healthz");
  ASSERT_TRUE(res) << "no answer while slow clients hold every worker: " << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->get_header_value("Retry-After"), std::to_string(options_.retry_after_seconds));
}

TEST_F(ServerLimitsTest, AConnectionWaitingForAWorkerTakesOneFromAnIdleKeepAliveConnection) {
  options_.threads = 1;
  options_.keep_alive_idle_ms = 60000;
  StartServer();
  RawClient idle(port_);
  ASSERT_TRUE(idle.Send(kHealthz));
  ASSERT_EQ(idle.ReadResponse().rfind("HTTP/1.1 200", 0), 0u);
  // The only worker now waits for `idle`'s next request; a new client must not wait a minute.
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/healthz");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(idle.ClosedWithin(5000));
}

TEST_F(ServerLimitsTest, ConnectionsBeyondThePerAddressCapGet429) {
  options_.max_connections_per_address = 2;
  StartServer();
  RawClient a(port_), b(port_), c(port_);
  ASSERT_TRUE(a.Send(kHealthz));
  ASSERT_EQ(a.ReadResponse().rfind("HTTP/1.1 200", 0), 0u);
  ASSERT_TRUE(b.Send(kHealthz));
  ASSERT_EQ(b.ReadResponse().rfind("HTTP/1.1 200", 0), 0u);
  ASSERT_TRUE(c.Send(kHealthz));
  std::string third = c.ReadResponse();
  EXPECT_EQ(third.rfind("HTTP/1.1 429", 0), 0u) << third;
  EXPECT_NE(third.find("Retry-After: "), std::string::npos) << third;
}

TEST_F(ServerLimitsTest, ATricklingClientIsCutOffAtTheRequestDeadline) {
  options_.request_timeout_ms = 1000;
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send("GET /healthz HTTP/1.1\r\nHost: test\r\n"));
  // One header line each time 200 ms pass without an answer: each recv is quick, so only a total
  // deadline stops it. 50 lines (10 s) is far past the 1 s deadline.
  int lines = 0;
  while (lines < 50 && !client.WaitReadable(200)) {
    if (!client.Send("X-Trickle-" + std::to_string(lines++) + ": 1\r\n")) break;
  }
  ASSERT_LT(lines, 50) << "the server kept reading a request that never ends";
  EXPECT_TRUE(client.ClosedWithin(5000));
  EXPECT_EQ(client.buffered().rfind("HTTP/1.1 408", 0), 0u) << client.buffered();
}

TEST_F(ServerLimitsTest, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  options_.keep_alive_idle_ms = 200;
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(kHealthz));
  ASSERT_EQ(client.ReadResponse().rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_TRUE(client.ClosedWithin(3000));
}

// Pipelining (RFC 9112 §9.3.2): requests sent back to back on one connection are answered, in
// order. httplib made a new stream (and read buffer) per request, so the second request, already
// read into the first one's buffer, was lost and the connection sat idle until it timed out.
TEST_F(ServerLimitsTest, TwoPipelinedRequestsInOnePacketAreAnsweredInOrder) {
  StartServer();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(std::string(kHealthz) + "GET /no-such-page HTTP/1.1\r\nHost: test\r\n\r\n" + kHealthz));
  std::string first = client.ReadResponse();
  std::string second = client.ReadResponse();
  std::string third = client.ReadResponse();
  EXPECT_EQ(first.rfind("HTTP/1.1 200", 0), 0u) << first;
  EXPECT_EQ(second.rfind("HTTP/1.1 404", 0), 0u) << second;
  EXPECT_EQ(third.rfind("HTTP/1.1 200", 0), 0u) << third;
}

TEST_F(ServerLimitsTest, ASecondServerOnAPortInUseIsRefusedWithAClearError) {
  StartServer();
  ServerOptions second = options_;
  second.port = port_;
  auto other = Server::Create(second);
  ASSERT_TRUE(other.ok()) << other.error().message;
  auto bound = other.value()->Bind();
  ASSERT_FALSE(bound.ok()) << "two servers share port " << port_;
  EXPECT_EQ(bound.error().message, "port " + std::to_string(port_) +
                                       " is in use by another process; stop it or choose --listen HOST:PORT");
}

TEST_F(ServerLimitsTest, APortAnotherProgramListensOnWithReusePortIsRefused) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  options_.port = ntohs(addr.sin_port);
  auto server = Server::Create(options_);
  ASSERT_TRUE(server.ok());
  auto bound = server.value()->Bind();
  ::close(fd);
  ASSERT_FALSE(bound.ok());
  EXPECT_NE(bound.error().message.find("is in use by another process"), std::string::npos) << bound.error().message;
}

}  // namespace
}  // namespace paperfeed::web

#include "ingest/http_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "support/replay_server.hpp"
#include "test_support.hpp"

namespace paperfeed::ingest {
namespace {

using std::chrono::milliseconds;
using testing::ReplayResponse;
using testing::ReplayServer;

const std::string kPage1 = "tests/fixtures/live/oai/cs-page1.xml";

// Fast options whose waits are recorded instead of slept.
struct RecordedSleeps {
  std::vector<milliseconds> waits;
  HttpOptions Options() {
    HttpOptions o;
    o.connect_timeout = milliseconds(1000);
    o.total_timeout = milliseconds(3000);
    o.max_attempts = 4;
    o.initial_backoff = milliseconds(100);
    o.max_backoff = milliseconds(1000);
    o.sleep = [this](milliseconds d) { waits.push_back(d); };
    return o;
  }
};

ReplayResponse Page1() { return ReplayResponse::File(testing::SourceFile(kPage1)); }

TEST(HttpClientTest, SendsAUserAgentNamingPaperfeedAndAcceptsCompressedBodies) {
  ReplayServer server;
  server.On("/oai2", {}, {Page1()});
  RecordedSleeps sleeps;
  HttpClient client(sleeps.Options());
  auto response = client.Get(server.Url("/oai2?verb=Identify"), ExpectedContent::kXml);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  // The body arrives decoded, byte for byte, whatever encoding the server chose.
  EXPECT_EQ(response->body, testing::ReadFile(testing::SourceFile(kPage1)));
  ASSERT_EQ(server.request_count(), 1u);
  const auto request = server.requests()[0];
  EXPECT_EQ(request.Param("verb"), "Identify");
  const std::string agent = request.Header("User-Agent");
  EXPECT_EQ(agent.rfind("paperfeed/", 0), 0u) << agent;
  EXPECT_NE(agent.find("(+http"), std::string::npos) << agent;
  EXPECT_NE(request.Header("Accept-Encoding").find("gzip"), std::string::npos);
  EXPECT_TRUE(sleeps.waits.empty());
}

TEST(HttpClientTest, TellsTheServerAConfiguredUserAgent) {
  ReplayServer server;
  server.On("/", {}, {ReplayResponse::Text(200, "ok")});
  HttpOptions options;
  options.user_agent = "paperfeed/test (+mailto:ops@example.org)";
  HttpClient client(options);
  ASSERT_TRUE(client.Get(server.Url("/")).ok());
  EXPECT_EQ(server.requests()[0].Header("User-Agent"), "paperfeed/test (+mailto:ops@example.org)");
}

TEST(HttpClientTest, Waits503RetryAfterSecondsThenSucceeds) {
  ReplayServer server;
  server.On("/oai2", {}, {ReplayResponse::RetryAfter(503, "7"), Page1()});
  RecordedSleeps sleeps;
  HttpClient client(sleeps.Options());
  auto response = client.Get(server.Url("/oai2"), ExpectedContent::kXml);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(server.request_count(), 2u);
  ASSERT_EQ(sleeps.waits.size(), 1u);
  EXPECT_EQ(sleeps.waits[0], milliseconds(7000));  // exactly as asked, no jitter
}

TEST(HttpClientTest, Waits429RetryAfterGivenAsAnHttpDate) {
  ReplayServer server;
  const auto when = std::chrono::system_clock::now() + std::chrono::seconds(20);
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&t));
  server.On("/api", {}, {ReplayResponse::RetryAfter(429, date), ReplayResponse::Text(200, "[]", "application/json")});
  RecordedSleeps sleeps;
  HttpClient client(sleeps.Options());
  auto response = client.Get(server.Url("/api"), ExpectedContent::kJson);
  ASSERT_TRUE(response.ok()) << response.error().message;
  ASSERT_EQ(sleeps.waits.size(), 1u);
  EXPECT_GE(sleeps.waits[0], milliseconds(18000));
  EXPECT_LE(sleeps.waits[0], milliseconds(21000));
}

TEST(HttpClientTest, CapsALongRetryAfter) {
  ReplayServer server;
  server.On("/", {}, {ReplayResponse::RetryAfter(503, "86400"), ReplayResponse::Text(200, "ok")});
  RecordedSleeps sleeps;
  auto options = sleeps.Options();
  options.max_retry_after = milliseconds(30'000);
  HttpClient client(options);
  ASSERT_TRUE(client.Get(server.Url("/")).ok());
  ASSERT_EQ(sleeps.waits.size(), 1u);
  EXPECT_EQ(sleeps.waits[0], milliseconds(30'000));
}

TEST(HttpClientTest, NeverRetriesSoonerThanTheMinimumWait) {
  ReplayServer server;
  server.On("/", {}, {ReplayResponse::RetryAfter(503, "0"), ReplayResponse::Text(500, "x"), ReplayResponse::Text(200, "ok")});
  RecordedSleeps sleeps;
  auto options = sleeps.Options();
  options.min_wait = milliseconds(3000);  // a source's politeness delay
  HttpClient client(options);
  ASSERT_TRUE(client.Get(server.Url("/")).ok());
  EXPECT_EQ(sleeps.waits, (std::vector<milliseconds>{milliseconds(3000), milliseconds(3000)}));
}

TEST(HttpClientTest, ReadsRetryAfterInEveryFormTheRfcAllows) {
  // RFC 9110 10.2.3: delay-seconds or an HTTP-date (IMF-fixdate, RFC 850, asctime).
  const auto now = std::chrono::system_clock::from_time_t(1445412390);  // Wed, 21 Oct 2015 07:26:30 GMT
  EXPECT_EQ(ParseRetryAfter("120", now), std::chrono::seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), std::chrono::seconds(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), std::chrono::seconds(90));
  EXPECT_EQ(ParseRetryAfter("Wednesday, 21-Oct-15 07:28:00 GMT", now), std::chrono::seconds(90));
  EXPECT_EQ(ParseRetryAfter("Wed Oct 21 07:28:00 2015", now), std::chrono::seconds(90));
  EXPECT_EQ(ParseRetryAfter("Tue, 20 Oct 2015 07:28:00 GMT", now), std::chrono::seconds(0));  // past: now
  EXPECT_FALSE(ParseRetryAfter("soon", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("-5", now).has_value());
}

TEST(HttpClientTest, Retries500WithGrowingJitteredBackoffThenSucceeds) {
  ReplayServer server;
  server.On("/", {}, {ReplayResponse::Text(500, "oops"), ReplayResponse::Text(502, "oops"), ReplayResponse::Text(200, "ok")});
  RecordedSleeps sleeps;
  HttpClient client(sleeps.Options());
  auto response = client.Get(server.Url("/"));
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, "ok");
  EXPECT_EQ(server.request_count(), 3u);
  ASSERT_EQ(sleeps.waits.size(), 2u);
  // initial_backoff 100 ms: the first wait is in [50, 100], the second in [100, 200].
  EXPECT_GE(sleeps.waits[0], milliseconds(50));
  EXPECT_LE(sleeps.waits[0], milliseconds(100));
  EXPECT_GE(sleeps.waits[1], milliseconds(100));
  EXPECT_LE(sleeps.waits[1], milliseconds(200));
}

TEST(HttpClientTest, GivesUpOnA500ThatNeverEndsWithAMessageNamingTheUrl) {
  ReplayServer server;
  server.On("/oai2", {}, {ReplayResponse::Text(500, "Internal Server Error")});
  RecordedSleeps sleeps;
  auto options = sleeps.Options();
  options.max_attempts = 3;
  HttpClient client(options);
  const std::string url = server.Url("/oai2?verb=ListRecords");
  auto response = client.Get(url);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find(url), std::string::npos) << response.error().message;
  EXPECT_NE(response.error().message.find("HTTP 500"), std::string::npos) << response.error().message;
  EXPECT_NE(response.error().message.find("3 attempts"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.request_count(), 3u);
  EXPECT_EQ(sleeps.waits.size(), 2u);
}

TEST(HttpClientTest, DoesNotRetryA404) {
  ReplayServer server;  // no rules: every request is a 404
  RecordedSleeps sleeps;
  HttpClient client(sleeps.Options());
  auto response = client.Get(server.Url("/missing"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, core::ErrorCode::kNotFound);
  EXPECT_NE(response.error().message.find("HTTP 404"), std::string::npos);
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_TRUE(sleeps.waits.empty());
}

TEST(HttpClientTest, ReturnsClientErrorsAsValuesWhenAsked) {
  ReplayServer server;
  server.On("/oai2", {}, {ReplayResponse::Text(400, "<OAI-PMH/>", "text/xml")});
  HttpClient client(RecordedSleeps().Options());
  auto response = client.Get(HttpRequest{server.Url("/oai2"), ExpectedContent::kXml, true});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->body, "<OAI-PMH/>");
}

TEST(HttpClientTest, DetectsATruncatedBodyAndRetriesIt) {
  ReplayServer server;
  server.On("/oai2", {}, {Page1().WithFault(ReplayResponse::Fault::kTruncate), Page1()});
  RecordedSleeps sleeps;
  HttpClient client(sleeps.Options());
  auto response = client.Get(server.Url("/oai2"), ExpectedContent::kXml);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, testing::ReadFile(testing::SourceFile(kPage1)));
  EXPECT_EQ(server.request_count(), 2u);
  EXPECT_EQ(sleeps.waits.size(), 1u);
}

TEST(HttpClientTest, ReportsABodyThatIsAlwaysCutShort) {
  ReplayServer server;
  server.On("/oai2", {}, {Page1().WithFault(ReplayResponse::Fault::kTruncate)});
  RecordedSleeps sleeps;
  auto options = sleeps.Options();
  options.max_attempts = 2;
  HttpClient client(options);
  const std::string url = server.Url("/oai2");
  auto response = client.Get(url, ExpectedContent::kXml);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, core::ErrorCode::kIo);
  EXPECT_NE(response.error().message.find("cut short"), std::string::npos) << response.error().message;
  EXPECT_NE(response.error().message.find(url), std::string::npos);
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(HttpClientTest, RejectsTheWrongContentTypeNamingWhatCame) {
  ReplayServer server;
  server.On("/oai2", {}, {ReplayResponse::Text(200, "<html><body>Please log in</body></html>", "text/html; charset=utf-8")});
  RecordedSleeps sleeps;
  HttpClient client(sleeps.Options());
  const std::string url = server.Url("/oai2");
  auto response = client.Get(url, ExpectedContent::kXml);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(response.error().message.find("expected XML"), std::string::npos) << response.error().message;
  EXPECT_NE(response.error().message.find("text/html"), std::string::npos);
  EXPECT_NE(response.error().message.find(url), std::string::npos);
  EXPECT_EQ(server.request_count(), 1u);  // not a transient fault: no retry

  auto as_json = client.Get(url, ExpectedContent::kJson);
  ASSERT_FALSE(as_json.ok());
  EXPECT_NE(as_json.error().message.find("expected JSON"), std::string::npos);
}

TEST(HttpClientTest, AcceptsTheContentTypesOfArxivAndHuggingFace) {
  ReplayServer server;
  server.On("/atom", {}, {ReplayResponse::Text(200, "<feed/>", "application/atom+xml; charset=utf-8")});
  server.On("/json", {}, {ReplayResponse::Text(200, "[]", "application/json; charset=utf-8")});
  HttpClient client(RecordedSleeps().Options());
  EXPECT_TRUE(client.Get(server.Url("/atom"), ExpectedContent::kXml).ok());
  EXPECT_TRUE(client.Get(server.Url("/json"), ExpectedContent::kJson).ok());
}

TEST(HttpClientTest, TimesOutOnAServerThatAcceptsAndNeverAnswers) {
  testing::SilentServer silent;
  RecordedSleeps sleeps;
  auto options = sleeps.Options();
  options.total_timeout = milliseconds(300);
  options.max_attempts = 2;
  HttpClient client(options);
  const auto start = std::chrono::steady_clock::now();
  auto response = client.Get(silent.Url("/oai2"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("in time"), std::string::npos) << response.error().message;
  EXPECT_NE(response.error().message.find(silent.Url("/oai2")), std::string::npos);
  EXPECT_EQ(client.attempts(), 2);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(HttpClientTest, TimesOutWhenAnHttpServerReadsTheRequestButNeverReplies) {
  ReplayServer server;
  server.On("/", {}, {ReplayResponse::Text(200, "late").WithFault(ReplayResponse::Fault::kHang)});
  RecordedSleeps sleeps;
  auto options = sleeps.Options();
  options.total_timeout = milliseconds(300);
  options.max_attempts = 1;
  HttpClient client(options);
  auto response = client.Get(server.Url("/"));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("in time"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(HttpClientTest, RefusesABodyLargerThanTheLimit) {
  ReplayServer server;
  server.On("/", {}, {ReplayResponse::Text(200, std::string(10'000, 'x'))});
  RecordedSleeps sleeps;
  auto options = sleeps.Options();
  options.max_body_bytes = 1000;
  HttpClient client(options);
  auto response = client.Get(server.Url("/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(response.error().message.find("larger than the limit of 1000 bytes"), std::string::npos)
      << response.error().message;
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(HttpClientTest, RetriesAConnectionRefusedAndReportsIt) {
  int port;
  {
    ReplayServer gone;  // take a free port, then close it
    port = gone.port();
  }
  RecordedSleeps sleeps;
  auto options = sleeps.Options();
  options.max_attempts = 2;
  HttpClient client(options);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/oai2";
  auto response = client.Get(url);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find(url), std::string::npos);
  EXPECT_EQ(sleeps.waits.size(), 1u);
}

}  // namespace
}  // namespace paperfeed::ingest
